import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { stopChild } from '../../../test/support/child.ts';

const root = join(import.meta.dirname, '../../..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Every stdout log record so far (pino JSON). */
  logs: Record<string, unknown>[];
  /** Resolves with the first record (already seen or coming) that `match` accepts; rejects if the worker exits first. */
  waitForLog(match: (record: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `zenne-cloud ingest-worker ARGS` and waits for its `ingest worker ready` record. */
export async function startIngestWorker(args: string[]): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(root, 'cloud/bin/zenne-cloud.js'), 'ingest-worker', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  const waiters = new Set<{ match: (r: Record<string, unknown>) => boolean; resolve: (r: Record<string, unknown>) => void }>();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`ingest worker exited (${code ?? signal})\n${stderr}`))));
  exited.catch(() => undefined);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    logs.push(record);
    for (const w of waiters) {
      if (!w.match(record)) continue;
      waiters.delete(w);
      w.resolve(record);
    }
  });
  const waitForLog = (match: (record: Record<string, unknown>) => boolean) => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return Promise.race([new Promise<Record<string, unknown>>((resolve) => waiters.add({ match, resolve })), exited]);
  };
  try {
    await waitForLog((r) => r.msg === 'ingest worker ready');
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { child, logs, waitForLog, stop: (signal) => stopChild(child, signal) };
}
