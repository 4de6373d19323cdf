import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from '../../../test/support/child.ts';
import { freePort } from '../../../test/support/mosquitto.ts';

/** A throw-away server process on a free 127.0.0.1 port with its own data folder. */
export interface TestServer {
  readonly url: string;
  /** Its data folder (for bytes-on-disk figures). */
  readonly dir: string;
  /** Stops the process (SIGTERM), waits for it and removes its folder. */
  close(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function startServer(name: string, port: number, dir: string, command: string, args: string[], readyPath: string): Promise<TestServer> {
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  while (!(await answers(url + readyPath))) {
    if (gone) {
      await close();
      throw new Error(`${name} exited before answering: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, dir, close };
}

/**
 * Debian's InfluxDB 1.x (`influxd`, package influxdb): HTTP API on a free
 * port, every other listener, the self-monitoring database and usage
 * reporting off; WAL fsync'd on every write (the default, spelled out).
 * `compactWithinSeconds` makes it snapshot and fully compact a shard after
 * that many seconds without writes.
 */
export async function startInfluxDb1(options: { compactWithinSeconds?: number } = {}): Promise<TestServer> {
  // A benchmark of bytes on disk wants the WAL turned into compressed TSM files soon, not after InfluxDB's default 10 min of quiet.
  const compaction = options.compactWithinSeconds
    ? `\n  cache-snapshot-write-cold-duration = "${options.compactWithinSeconds}s"\n  compact-full-write-cold-duration = "${options.compactWithinSeconds}s"`
    : '';
  const dir = await mkdtemp(join(tmpdir(), 'zenne-influxd-'));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'influxdb.conf');
  await writeFile(conf, `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
  logging-enabled = false
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  wal-fsync-delay = "0s"
  query-log-enabled = false${compaction}
[retention]
  enabled = false
[shard-precreation]
  enabled = false
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
[logging]
  level = "warn"
`);
  return startServer('influxd', httpPort, dir, '/usr/bin/influxd', ['-config', conf], '/ping');
}

/**
 * Debian's VictoriaMetrics (single node). Retention is raised from its one
 * month default, which would refuse the fixed 2026 timestamps of the store
 * suite once that date is older.
 */
export async function startVictoriaMetrics(): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'zenne-victoria-'));
  const port = await freePort();
  return startServer('victoria-metrics', port, dir, '/usr/bin/victoria-metrics', [
    `-storageDataPath=${dir}/data`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-retentionPeriod=100y',
    '-loggerLevel=ERROR',
  ], '/health');
}
