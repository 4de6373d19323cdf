import { isDeepStrictEqual } from 'node:util';
import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { desiredConfigSchema, topics, ZenneError, type ReportedConfig } from '@zenne/device-profiles';
import { writeFileAtomic } from '../atomic-file.ts';
import { parseConfigText, type AgentConfig } from '../config/index.ts';
import { agentErrors } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { UplinkChannel } from '../uplink/index.ts';
import { readConfigVersion, writeConfigVersion } from './config-version.ts';

/** Sections the buffer and uplink keep using while sources restart: only a local edit and restart may change them. */
const FIXED_KEYS = ['gateway', 'cloud', 'state_dir', 'buffer', 'uplink', 'sparkplug'] as const;

export interface RemoteConfigOptions {
  /** The config running at start (its `file` is rewritten on apply). */
  config: AgentConfig;
  logger: Logger;
  /** Publishes on the uplink's connection; false when offline (the report goes out on the next connect). */
  publish(topic: string, payload: string, options: { retain: boolean }): boolean;
  /**
   * Stops every source, then creates, inits and starts those of `config`;
   * rejects when an init() fails (the new sources are stopped again, none runs).
   */
  restartSources(config: AgentConfig): Promise<void>;
}

function messages(err: unknown): string[] {
  if (err instanceof ZenneError) {
    const list = err.details.list;
    if (Array.isArray(list)) return list.map((line) => `${err.code}: ${String(line)}`);
    return [`${err.code}: ${err.message}`];
  }
  return [err instanceof Error ? err.message : String(err)];
}

/**
 * Desired/reported configuration over MQTT (issue 3). A desired config on
 * `config/desired` is validated like the file, written over it atomically
 * (the old one kept as `<file>.previous`) and applied by restarting the
 * sources; when a new source's init() fails the previous file and sources come
 * back. Every outcome is published, retained, on `config/reported`, and the
 * last one again on every connect. Desired configs are handled one at a time,
 * in arrival order; a version not above the running one is ignored.
 *
 * Lifecycle: open() reads the running version before the uplink starts;
 * `channel` is handed to the uplink; idle() resolves once every received
 * message is handled (the agent awaits it before stopping the sources).
 */
export class RemoteConfig {
  private readonly log: Logger;
  private running: AgentConfig;
  private version = 0;
  private last: ReportedConfig | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly topic: string;
  readonly channel: UplinkChannel;

  constructor(private readonly options: RemoteConfigOptions) {
    this.log = options.logger.child({ component: 'remote-config' });
    this.running = options.config;
    this.topic = topics.configReported(options.config.gateway.id);
    this.channel = {
      topics: [topics.configDesired(options.config.gateway.id)],
      onConnected: () => this.publishLast(),
      onMessage: (topic, payload) => {
        this.queue = this.queue
          .then(() => this.handle(topic, payload))
          // Only the rollback's restart of the previous sources can land here: they were running a moment ago.
          .catch((err: unknown) => this.log.error({ err: (err as Error).message }, 'previous sources not restarted after a failed desired config'));
      },
    };
  }

  async open(): Promise<void> {
    this.version = await readConfigVersion(this.running.state_dir);
    this.last = this.report({ status: 'running' });
  }

  idle(): Promise<void> {
    return this.queue;
  }

  private report(fields: Omit<ReportedConfig, 'v' | 'version' | 'at'>): ReportedConfig {
    return { v: 1, version: this.version, ...fields, at: new Date().toISOString() };
  }

  private publishLast(): void {
    if (this.last) this.options.publish(this.topic, JSON.stringify(this.last), { retain: true });
  }

  private send(report: ReportedConfig): void {
    this.last = report;
    this.publishLast();
  }

  private refuse(rejected: number | undefined, err: unknown): void {
    const errors = messages(err);
    this.log.warn({ rejected_version: rejected, errors }, 'desired config refused, the running config stays');
    this.send(this.report({ status: 'rejected', ...(rejected === undefined ? {} : { rejected_version: rejected }), errors }));
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      this.refuse(undefined, agentErrors.REMOTE_CONFIG_BAD_MESSAGE({ topic, reason: `not JSON (${(err as Error).message})` }));
      return;
    }
    const parsed = desiredConfigSchema.safeParse(json);
    if (!parsed.success) {
      const version = (json as { version?: unknown } | null)?.version;
      const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
      this.refuse(typeof version === 'number' ? version : undefined, agentErrors.REMOTE_CONFIG_BAD_MESSAGE({ topic, reason }));
      return;
    }
    const desired = parsed.data;
    if (desired.version <= this.version) {
      // The retained desired config comes back on every connect: once applied it is simply the running one.
      if (desired.version === this.version) return;
      this.log.info({ desired_version: desired.version, version: this.version }, 'desired config older than the running one, ignored');
      this.send(this.report({ status: 'ignored', rejected_version: desired.version }));
      return;
    }
    await this.apply(desired.version, desired.config);
  }

  private async apply(version: number, raw: Record<string, unknown>): Promise<void> {
    const file = this.running.file;
    const text = `# Written by zenne-agent from config/desired version ${version}; the previous file is ${file}.previous\n${stringify(raw)}`;
    let next: AgentConfig;
    try {
      next = parseConfigText(text, file).config;
      const changed = FIXED_KEYS.filter((key) => !isDeepStrictEqual(next[key], this.running[key]));
      if (changed.length > 0) throw agentErrors.REMOTE_CONFIG_IDENTITY_CHANGED({ version, keys: changed.join(', ') });
    } catch (err) {
      this.refuse(version, err);
      return;
    }
    let previousText: string;
    try {
      previousText = await readFile(file, 'utf8');
      await writeFileAtomic(`${file}.previous`, previousText);
      await writeFileAtomic(file, text);
    } catch (err) {
      this.refuse(version, agentErrors.REMOTE_CONFIG_WRITE_FAILED({ file, reason: (err as Error).message }, { cause: err }));
      return;
    }
    try {
      await this.options.restartSources(next);
    } catch (err) {
      const errors = messages(err);
      this.log.error({ rejected_version: version, errors }, 'desired config failed to start, rolling back');
      await writeFileAtomic(file, previousText).catch((writeErr: unknown) =>
        this.log.error({ file, err: (writeErr as Error).message }, 'previous config not restored in the file'),
      );
      await this.options.restartSources(this.running);
      this.send(this.report({ status: 'rolled_back', rejected_version: version, errors }));
      return;
    }
    this.running = next;
    this.version = version;
    await writeConfigVersion(next.state_dir, version).catch((err: unknown) =>
      this.log.warn({ err: (err as Error).message }, 'config version not saved; the next start reports version 0'),
    );
    this.log.info({ version, sources: next.sources.map((s) => s.id) }, 'desired config applied');
    this.send(this.report({ status: 'applied' }));
  }
}
