import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { z } from 'zod';
import { type ReadingDraft } from '@zenne/device-profiles';
import { loadConfig } from '../../config/index.ts';
import { agentErrors } from '../../errors.ts';
import { createSource, findSourceKind, type Source } from '../../sources/index.ts';
import { readStatus, STATUS_STALE_AFTER_MS } from '../../status/status-file.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';

const CLOUD_POLL_MS = 1_000;
const STATE_CHECK_MS = 1_000;

const help = `Usage: zenne-agent test DEVICE --config FILE [--cloud-api URL] [--seconds N]

Runs only the source(s) that read DEVICE in the config and prints each decoded
reading as it arrives: time, quantity, value, unit and quality (with the
reasons when it is not good). Nothing is buffered or sent: this is the
technician's check that the wiring, baud rate and profile are right.

With --cloud-api, it also asks the cloud (GET /api/v1/readings/latest?device=DEVICE)
once a second until a reading newer than the start of the test is stored, and
prints "first reading stored in the cloud" (without --seconds, the test ends
there). An unreachable cloud is reported once on stderr and retried. Readings reach the cloud only
through \`zenne-agent run\` with the same config: start it (the test says so when
its status file shows it is not running). A serial port is held by one program
at a time: while \`run\` reads the port, the local readings stay empty and the
cloud confirmation is the check.

Options:
  -c, --config FILE     agent config (YAML)
      --cloud-api URL   the cloud's HTTP base URL, e.g. http://127.0.0.1:8080
      --seconds N       stop after N seconds (default: run until Ctrl-C)
  -h, --help            this help

Examples:
  zenne-agent test aq-monnaie-01 --config /etc/zenne/agent.yaml
  zenne-agent test aq-monnaie-01 -c agent.yaml --seconds 30
  zenne-agent test aq-monnaie-01 -c agent.yaml --cloud-api https://zenne.example --seconds 120

Exit codes: 0 readings seen (and, with --cloud-api, one stored in the cloud),
1 none within --seconds or config unusable, 2 usage error.
`;

// The fields this command prints; the cloud's answer holds canonical readings (docs/architecture.md).
const latestSchema = z.object({ readings: z.array(z.object({ quantity: z.string(), value: z.number(), unit: z.string(), ts: z.string() })) });

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function formatReading(r: ReadingDraft): string {
  const quality = r.quality === 'good' ? 'good' : `${r.quality} (${(r.reasons ?? []).join(', ') || 'no reason given'})`;
  return `${r.ts}  ${r.device}  ${r.quantity.padEnd(14)} ${String(r.value).padStart(10)} ${r.unit.padEnd(8)} ${quality}`;
}

/** Whether `zenne-agent run` with this config is alive, from its status file; a sentence when it is not. */
async function agentNotRunning(stateDir: string, configFile: string): Promise<string | undefined> {
  try {
    const status = await readStatus(stateDir, configFile);
    const age = Date.now() - Date.parse(status.updated_at);
    if (status.state === 'stopped') return 'zenne-agent run with this config is stopped';
    if (age > STATUS_STALE_AFTER_MS) return `zenne-agent run with this config has not written its status for ${Math.round(age / 1000)} s (stopped, hung or killed)`;
    return undefined;
  } catch (err) {
    if (agentErrors.STATUS_MISSING.is(err)) return 'zenne-agent run has never run with this config';
    throw err;
  }
}

/**
 * Polls the cloud until a reading of `device` newer than `since` is stored.
 * Resolves with it, or with undefined once `signal` aborts. An unreachable
 * cloud is reported once and retried.
 */
async function awaitCloudReading(api: string, device: string, since: number, signal: AbortSignal): Promise<{ quantity: string; value: number; unit: string; ts: string } | undefined> {
  const url = new URL(`/api/v1/readings/latest?device=${encodeURIComponent(device)}`, api);
  let warned = false;
  while (!signal.aborted) {
    try {
      const response = await fetch(url, { signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const { readings } = latestSchema.parse(await response.json());
      const fresh = readings.find((r) => Date.parse(r.ts) >= since);
      if (fresh) return fresh;
      if (warned) {
        warned = false;
        process.stderr.write(`cloud API ${url.origin} answers again\n`);
      }
    } catch (err) {
      if (signal.aborted) break;
      if (!warned) {
        warned = true;
        // fetch() says only "fetch failed"; the socket error (ECONNREFUSED, ENOTFOUND) is its cause.
        const cause = (err as Error & { cause?: Error }).cause;
        const reason = cause?.message ? `${(err as Error).message}: ${cause.message}` : (err as Error).message;
        const error = agentErrors.TEST_CLOUD_UNREACHABLE({ url: url.origin, reason });
        process.stderr.write(`warning ${error.code}: ${error.message}; retrying\n`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, CLOUD_POLL_MS).unref?.());
  }
  return undefined;
}

export const testDeviceCommand: Command = {
  name: 'test',
  summary: 'show one device\'s decoded readings live, and confirm one is stored in the cloud',
  help,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        'cloud-api': { type: 'string' },
        seconds: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(help);
      return EXIT.OK;
    }
    const device = positionals[0];
    if (!device || positionals.length > 1) throw agentErrors.CLI_USAGE({ reason: 'test needs exactly one DEVICE id' });
    if (!values.config) throw agentErrors.CLI_USAGE({ reason: 'test needs --config FILE' });
    const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
    if (seconds !== undefined && !(seconds > 0)) throw agentErrors.CLI_USAGE({ reason: `--seconds must be a positive number, got "${values.seconds}"` });
    const api = values['cloud-api'];
    if (api !== undefined && !URL.canParse(api)) throw agentErrors.CLI_USAGE({ reason: `--cloud-api must be a URL, got "${api}"` });

    const { config } = loadConfig(values.config);
    const selected = config.sources.filter((s) => findSourceKind(s.kind)?.devices(s).some((d) => d.device === device));
    if (selected.length === 0) {
      const known = config.sources.flatMap((s) => findSourceKind(s.kind)?.devices(s).map((d) => d.device) ?? []);
      throw agentErrors.TEST_DEVICE_UNKNOWN({ device, config: config.file, known: known.join(', ') });
    }

    const startedAt = Date.now();
    // Source warnings (port unavailable, checksum errors) go to stderr, apart from the readings.
    const logger = pino({ name: 'zenne-agent-test', level: 'warn' }, pino.destination(2));
    const sources: Source[] = selected.map((s) => createSource(s, { logger }));
    let readings = 0;
    out(`testing ${device} through source(s) ${sources.map((s) => s.id).join(', ')}${seconds ? ` for ${seconds} s` : ' (Ctrl-C to stop)'}`);
    if (api !== undefined) {
      const notRunning = await agentNotRunning(config.state_dir, config.file);
      if (notRunning) out(`note: ${notRunning}; readings reach the cloud only through it: zenne-agent run --config ${config.file}`);
    }

    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const timer = seconds === undefined ? undefined : setTimeout(onSignal, seconds * 1000);
    // Tell the technician when a source cannot open its device, and when it can again (once each).
    const unavailable = new Set<string>();
    const stateTimer = setInterval(() => {
      for (const source of sources) {
        const stats = source.stats();
        if (stats.state === 'unavailable' && !unavailable.has(source.id)) {
          unavailable.add(source.id);
          out(`${source.id}: unavailable: ${stats.last_error ?? 'no detail'}`);
        } else if (stats.state === 'running' && unavailable.delete(source.id)) out(`${source.id}: running again`);
      }
    }, STATE_CHECK_MS);
    let stored: Awaited<ReturnType<typeof awaitCloudReading>>;
    try {
      for (const source of sources) await source.init();
      for (const source of sources) {
        await source.start(async (batch) => {
          for (const reading of batch) {
            if (reading.device !== device) continue;
            readings += 1;
            out(formatReading(reading));
          }
        });
      }
      if (api !== undefined) {
        stored = await awaitCloudReading(api, device, startedAt, stop.signal);
        if (stored) out(`first reading stored in the cloud: ${stored.quantity} ${stored.value} ${stored.unit} at ${stored.ts}`);
      }
      if (!stop.signal.aborted && (api === undefined || seconds !== undefined)) {
        await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
      }
    } finally {
      clearTimeout(timer);
      clearInterval(stateTimer);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      for (const source of sources) await source.stop();
    }
    out(`${readings} reading(s) of ${device} in ${Math.round((Date.now() - startedAt) / 1000)} s`);
    if (readings === 0 && !stored) {
      const errors = sources.map((s) => s.stats()).flatMap((s) => Object.entries(s.errors).filter(([, n]) => n > 0).map(([k, n]) => `${s.id} ${k}=${n}`));
      out(`no reading: ${errors.length > 0 ? `errors ${errors.join(', ')}; ` : ''}check wiring, power and baud rate (zenne-agent scan --serial-port PORT tells which sensor answers at which rate)`);
    }
    if (api !== undefined && !stored) out('no reading of this test stored in the cloud yet: check that zenne-agent run is running and connected (zenne-agent status)');
    return (api === undefined ? readings > 0 : stored !== undefined) ? EXIT.OK : EXIT.FAILURE;
  },
};
