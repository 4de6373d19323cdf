import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DurableBuffer } from './buffer/index.ts';
import { CommandRouter } from './commands/index.ts';
import type { AgentConfig } from './config/index.ts';
import { silentLogger, type Logger } from './logger.ts';
import { RemoteConfig } from './remote/index.ts';
import { createSource, type Source } from './sources/index.ts';
import { STATUS_INTERVAL_MS, writeStatus, type AgentStatus } from './status/status-file.ts';
import { MqttUplink } from './uplink/index.ts';
import { SparkplugUplink, sparkplugDevices } from './uplink/sparkplug/index.ts';

/** What the agent needs of an uplink, whichever `uplink.mode` chose it. */
type Uplink = Pick<MqttUplink, 'start' | 'stop' | 'stats'>;

export interface AgentDeps {
  /** Defaults to a silent logger (the `run` command passes pino on stdout). */
  logger?: Logger;
  /** Defaults to the source registry's; tests wrap it to make an init() fail. */
  createSource?: typeof createSource;
}

export interface Agent {
  /**
   * Opens the buffer, connects the uplink (in the background: an unreachable
   * cloud is not an error, readings are buffered) and starts every source.
   * Rejects when the buffer cannot be opened or a source's init() fails; what
   * was opened is closed again.
   */
  start(): Promise<void>;
  /**
   * Stops the sources (their last frames reach the buffer), then the uplink
   * (publishes `offline`, disconnects), writes a final status and closes the
   * buffer. Idempotent.
   */
  stop(): Promise<void>;
  /** The same snapshot that is written to status.json. */
  status(): Promise<AgentStatus>;
}

/**
 * The gateway daemon: sources → durable buffer → MQTT uplink, with
 * `state_dir/status.json` rewritten every 2 s for `zenne-agent status`.
 * Signals are the caller's business (the `run` command stops on SIGINT/SIGTERM).
 */
export function createAgent(config: AgentConfig, deps: AgentDeps = {}): Agent {
  const logger = deps.logger ?? silentLogger();
  const log = logger.child({ gateway: config.gateway.id });
  const makeSource = deps.createSource ?? createSource;
  const startedAt = new Date();
  let buffer: DurableBuffer | undefined;
  let uplink: Uplink | undefined;
  let sources: Source[] = [];
  let state: AgentStatus['state'] = 'running';
  let statusTimer: NodeJS.Timeout | undefined;
  let statusWrite: Promise<void> = Promise.resolve();
  let statusFailed = false;
  let stopping: Promise<void> | undefined;
  let remote: RemoteConfig | undefined;
  let commands: CommandRouter | undefined;
  let sink: ((readings: Parameters<DurableBuffer['append']>[0]) => Promise<void>) | undefined;

  async function status(): Promise<AgentStatus> {
    if (!buffer || !uplink) throw new Error('the agent is not started');
    return {
      v: 1,
      pid: process.pid,
      gateway: config.gateway.id,
      config_file: config.file,
      state,
      started_at: startedAt.toISOString(),
      updated_at: new Date().toISOString(),
      sources: sources.map((s) => s.stats()),
      buffer: { ...buffer.stats(), oldest_age_s: await buffer.oldestAge() },
      uplink: uplink.stats(),
      ...(commands ? { commands: commands.stats() } : {}),
    };
  }

  function saveStatus(): Promise<void> {
    statusWrite = statusWrite
      .then(async () => writeStatus(config.state_dir, await status()))
      .then(
        () => {
          if (statusFailed) log.info('status file written again');
          statusFailed = false;
        },
        (err: unknown) => {
          if (!statusFailed) log.warn({ err: (err as Error).message, dir: config.state_dir }, 'status file not written');
          statusFailed = true;
        },
      );
    return statusWrite;
  }

  function createUplink(opened: DurableBuffer): Uplink {
    const common = { gateway: config.gateway.id, cloud: config.cloud, uplink: config.uplink, buffer: opened, logger: log };
    if (config.uplink.mode !== 'sparkplug_b') {
      const publish = (topic: string, payload: string, options: { retain: boolean }) => (uplink as MqttUplink).publish(topic, payload, options);
      remote = new RemoteConfig({ config, logger: log, publish, restartSources });
      commands = new CommandRouter({ gateway: config.gateway.id, sources: () => sources, publish, logger: log });
      return new MqttUplink({
        channels: [remote.channel, commands.channel],
        ...common,
        sources: () =>
          sources.map((source) => {
            const stats = source.stats();
            return {
              id: stats.id,
              state: stats.state,
              readings_per_minute: stats.readings_per_minute,
              last_frame_at: stats.last_frame_at,
              errors: Object.values(stats.errors).reduce((sum, n) => sum + n, 0),
            };
          }),
      });
    }
    // The schema refuses sparkplug_b without a sparkplug section.
    const { group_id, edge_node_id = config.gateway.id } = config.sparkplug!;
    return new SparkplugUplink({
      ...common,
      sparkplug: { group_id, edge_node_id },
      devices: sparkplugDevices(config.sources),
      stateDir: config.state_dir,
    });
  }

  async function start(): Promise<void> {
    await mkdir(config.state_dir, { recursive: true });
    buffer = await DurableBuffer.open(join(config.state_dir, 'buffer'), {
      logger: log,
      maxBytes: config.buffer.max_bytes,
      fullPolicy: config.buffer.full_policy,
    });
    const opened = buffer;
    try {
      sources = config.sources.map((source) => makeSource(source, { logger: log }));
      for (const source of sources) await source.init();
    } catch (err) {
      await opened.close();
      throw err;
    }
    uplink = createUplink(opened);
    await remote?.open();
    uplink.start();
    const toBuffer = async (readings: Parameters<DurableBuffer['append']>[0]) => {
      await opened.append(readings);
    };
    sink = toBuffer;
    for (const source of sources) await source.start(toBuffer);
    await saveStatus();
    statusTimer = setInterval(() => void saveStatus(), STATUS_INTERVAL_MS);
    log.info({ sources: sources.map((s) => s.id), state_dir: config.state_dir, depth: opened.depth() }, 'agent started');
  }

  /** Remote config: every source stops, those of `next` are created, inited and started; the buffer and uplink keep running. */
  async function restartSources(next: AgentConfig): Promise<void> {
    await Promise.all(sources.map((s) => s.stop()));
    sources = [];
    const created = next.sources.map((source) => makeSource(source, { logger: log }));
    try {
      for (const source of created) await source.init();
    } catch (err) {
      await Promise.all(created.map((s) => s.stop()));
      throw err;
    }
    sources = created;
    for (const source of created) await source.start(sink!);
    log.info({ sources: created.map((s) => s.id) }, 'sources restarted');
  }

  async function shutdown(): Promise<void> {
    clearInterval(statusTimer);
    if (!buffer || !uplink) return;
    state = 'stopping';
    log.info('agent stopping');
    // A desired config being applied finishes first, so no source it starts outlives the agent.
    await remote?.idle();
    // Stopping a source ends its queued commands (answered `failed`); their results still go out before the uplink stops.
    await Promise.all(sources.map((s) => s.stop()));
    await commands?.idle();
    await uplink.stop();
    state = 'stopped';
    await saveStatus();
    await buffer.close();
    log.info({ depth: buffer.depth() }, 'agent stopped');
  }

  return {
    start,
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
    status,
  };
}
