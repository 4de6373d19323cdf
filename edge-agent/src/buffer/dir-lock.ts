import { open, readFile, rm } from 'node:fs/promises';
import { agentErrors } from '../errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `dir` for this process with a pid file, so two agents never write one
 * buffer. A lock left by a dead process (crash, SIGKILL, power cut) is taken over.
 * Returns the release function.
 */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const path = `${dir}/lock`;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw agentErrors.STATE_DIR_LOCKED({ dir, pid });
    }
    await rm(path, { force: true });
  }
}
