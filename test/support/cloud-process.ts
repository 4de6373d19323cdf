import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { stopChild } from './child.ts';

const root = join(import.meta.dirname, '../..');

export interface CloudProcess {
  httpUrl: string;
  mqttUrl: string;
  child: ChildProcess;
  /** Every stdout log record seen so far (pino JSON). */
  logs: Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real `zenne-cloud run` as a child process on free ports and waits
 * for its `cloud ready` log record.
 */
export async function startCloudProcess(opts: {
  dataDir: string;
  seed?: string;
  viewerDir?: string;
  /** A fixed MQTT port, so agents find a restarted cloud again; default a free one. */
  mqttPort?: number;
  extraArgs?: string[];
  timeoutMs?: number;
}): Promise<CloudProcess> {
  const args = [join(root, 'cloud/bin/zenne-cloud.js'), 'run', '--data-dir', opts.dataDir, '--http-port', '0', '--mqtt-port', String(opts.mqttPort ?? 0)];
  if (opts.seed) args.push('--seed', opts.seed);
  if (opts.viewerDir) args.push('--viewer-dir', opts.viewerDir);
  args.push(...(opts.extraArgs ?? []));
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<{ httpUrl: string; mqttUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cloud not ready within ${opts.timeoutMs ?? 30_000} ms\n${stderr}`)), opts.timeoutMs ?? 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(rec);
      if (rec.msg === 'cloud ready') {
        clearTimeout(timer);
        resolve({ httpUrl: String(rec.http_url), mqttUrl: String(rec.mqtt_url) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cloud exited with ${code} before ready\n${stderr}`));
    });
  });
  const { httpUrl, mqttUrl } = await ready;
  return {
    httpUrl,
    mqttUrl,
    child,
    logs,
    stop: (signal) => stopChild(child, signal),
  };
}
