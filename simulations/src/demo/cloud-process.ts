import { join } from 'node:path';
import { z } from 'zod';
import { simErrors } from '../errors.ts';
import { ManagedChild } from './child-process.ts';

/** The record the cloud logs once it listens (cloud CLI contract). */
const readyRecordSchema = z.object({ msg: z.literal('cloud ready'), http_url: z.url(), mqtt_url: z.string().min(1) });
/** DuckDB start-up and registry seeding are quick; this leaves room for a slow disk. */
const READY_TIMEOUT_MS = 90_000;

export interface CloudProcessOptions {
  repoRoot: string;
  dataDir: string;
  seedFile: string;
  host: string;
  httpPort: number;
  mqttPort: number;
  /** Built viewer to serve at /, when there is one. */
  viewerDir?: string;
  logFile: string;
  /** Each pino record the cloud logs at error level or above. */
  onError: (record: { msg?: string }) => void;
}

export interface CloudProcess {
  child: ManagedChild;
  httpUrl: string;
  mqttUrl: string;
}

/**
 * Spawns `zenne-cloud run` and resolves once it logs `cloud ready`.
 * Throws `ZENNE_ERR_SIM_CHILD_START_FAILED` if it exits first and
 * `ZENNE_ERR_SIM_CHILD_NOT_READY` on timeout (the child is stopped then).
 */
export async function startCloud(options: CloudProcessOptions): Promise<CloudProcess> {
  const args = [
    join(options.repoRoot, 'cloud', 'bin', 'zenne-cloud.js'),
    'run',
    '--data-dir', options.dataDir,
    '--host', options.host,
    '--http-port', String(options.httpPort),
    '--mqtt-port', String(options.mqttPort),
    '--seed', options.seedFile,
    ...(options.viewerDir ? ['--viewer-dir', options.viewerDir] : []),
  ];
  let onReady: (urls: { httpUrl: string; mqttUrl: string }) => void = () => {};
  const ready = new Promise<{ httpUrl: string; mqttUrl: string }>((resolve) => (onReady = resolve));
  const child = new ManagedChild({
    name: 'cloud',
    command: process.execPath,
    args,
    cwd: options.repoRoot,
    logFile: options.logFile,
    onLine: (line) => {
      const record = parseJsonLine(line);
      const parsed = readyRecordSchema.safeParse(record);
      if (parsed.success) onReady({ httpUrl: parsed.data.http_url.replace(/\/$/, ''), mqttUrl: parsed.data.mqtt_url });
      else if (isErrorRecord(record)) options.onError(record);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then((urls) => ({ urls })),
    child.exited.then(({ code }) => ({
      error: simErrors.CHILD_START_FAILED({ name: 'cloud', code, reason: child.lastStderrLine ?? '(no message)', log: options.logFile }),
    })),
    new Promise<{ error: Error }>((resolve) => {
      timer = setTimeout(
        () => resolve({ error: simErrors.CHILD_NOT_READY({ name: 'cloud', seconds: READY_TIMEOUT_MS / 1000, log: options.logFile }) }),
        READY_TIMEOUT_MS,
      );
    }),
  ]);
  clearTimeout(timer);
  if ('error' in outcome) {
    await child.stop();
    throw outcome.error;
  }
  return { child, ...outcome.urls };
}

export function parseJsonLine(line: string): unknown {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** pino levels: 50 error, 60 fatal. */
export function isErrorRecord(record: unknown): record is { level: number; msg?: string } {
  return typeof record === 'object' && record !== null && typeof (record as { level?: unknown }).level === 'number' && (record as { level: number }).level >= 50;
}
