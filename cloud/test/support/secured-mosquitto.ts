import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from '../../../test/support/child.ts';
import { freePort } from '../../../test/support/mosquitto.ts';

export interface SecuredMosquitto {
  readonly url: string;
  /** Stops it (SIGTERM), waits for the exit and removes its folder. */
  close(): Promise<void>;
}

/**
 * Debian's mosquitto on a free local port, configured with the
 * `zenne-auth.conf` that `zenne-cloud mosquitto-auth` wrote into `authDir`
 * (password file, ACL, no anonymous logins). No persistence: the ingest
 * workers use clean sessions. `max_queued_messages` is raised from 1000 so a
 * busy worker's queue does not drop QoS 1 batches.
 */
export async function startSecuredMosquitto(authDir: string): Promise<SecuredMosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'zenne-mosquitto-auth-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  const auth = await readFile(join(authDir, 'zenne-auth.conf'), 'utf8');
  await writeFile(conf, [`listener ${port} 127.0.0.1`, 'max_queued_messages 100000', 'log_dest stderr', 'user root', auth].join('\n'));
  const child = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  const close = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  // Mosquitto logs "mosquitto version ... running" once its listeners are open.
  let stderr = '';
  const running = new Promise<boolean>((resolve) => {
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000);
      if (/ running$/m.test(stderr)) resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
  if (!(await running)) {
    await close();
    throw new Error(`mosquitto exited: ${stderr}`);
  }
  return { url: `mqtt://127.0.0.1:${port}`, close };
}
