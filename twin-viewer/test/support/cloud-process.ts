import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface RunningCloud {
  httpUrl: string;
  mqttUrl: string;
  /** Every stdout line so far (pino JSON), for failure messages. */
  log: string[];
  stop(): Promise<void>;
}

const repoRoot = path.resolve(import.meta.dirname, '../../..');

/**
 * Starts the real cloud (`node cloud/bin/zenne-cloud.js run`) on free ports and resolves on its
 * `cloud ready` log record. `stop()` sends SIGTERM and waits for the process to exit.
 */
export async function startCloud(o: { dataDir: string; seed: string; viewerDir: string }): Promise<RunningCloud> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'cloud/bin/zenne-cloud.js'),
      'run',
      '--data-dir', o.dataDir,
      '--http-port', '0',
      '--mqtt-port', '0',
      '--seed', o.seed,
      '--viewer-dir', o.viewerDir,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log: string[] = [];
  const exited = once(child, 'exit');
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  const ready = new Promise<{ httpUrl: string; mqttUrl: string }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.push(line);
      try {
        const record = JSON.parse(line) as { msg?: string; http_url?: string; mqtt_url?: string };
        if (record.msg === 'cloud ready' && record.http_url && record.mqtt_url) {
          resolve({ httpUrl: record.http_url, mqttUrl: record.mqtt_url });
        }
      } catch {
        // not a JSON log line; kept in `log`
      }
    });
    void exited.then(([code]) => reject(new Error(`zenne-cloud exited (${String(code)}) before ready:\n${log.join('\n')}`)));
  });
  try {
    const urls = await ready;
    return { ...urls, log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
