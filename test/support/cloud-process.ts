import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { stopChild } from './child.ts';

const root = join(import.meta.dirname, '../..');

export interface CloudProcess {
  httpUrl: string;
  mqttUrl: string;
  /** The TLS listener, unless started with `--mqtts-port off`. */
  mqttsUrl?: string;
  /** The development CA of the TLS listener (`cloud.ca_file` for agents). */
  tlsCaFile?: string;
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
  const ready = new Promise<Pick<CloudProcess, 'httpUrl' | 'mqttUrl' | 'mqttsUrl' | 'tlsCaFile'>>((resolve, reject) => {
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
        resolve({
          httpUrl: String(rec.http_url),
          mqttUrl: String(rec.mqtt_url),
          mqttsUrl: rec.mqtts_url === undefined ? undefined : String(rec.mqtts_url),
          tlsCaFile: rec.tls_ca_file === undefined ? undefined : String(rec.tls_ca_file),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cloud exited with ${code} before ready\n${stderr}`));
    });
  });
  return {
    ...(await ready),
    child,
    logs,
    stop: (signal) => stopChild(child, signal),
  };
}
