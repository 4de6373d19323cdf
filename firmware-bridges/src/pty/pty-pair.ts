import { spawn, type ChildProcess } from 'node:child_process';
import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bridgeErrors } from '../errors.ts';

/** Two linked pseudo-terminals: bytes written to one are read from the other. */
export interface PtyPair {
  /** Symlink to the first pty, e.g. `/tmp/zenne-pty-x/a`. */
  readonly a: string;
  /** Symlink to the second pty. */
  readonly b: string;
  /**
   * Stops socat (SIGTERM, SIGKILL after a grace period) and removes the
   * temporary directory if this helper created it. Resolves once socat has
   * exited. Idempotent. Close the serial ports opened on `a`/`b` first.
   */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** Directory for the `a` and `b` links; a fresh temporary one (removed on close) by default. */
  dir?: string;
  /** How long to wait for socat to set up both ptys. Default 10 s. */
  timeoutMs?: number;
}

const READY_LINE = 'starting data transfer loop';
const KILL_GRACE_MS = 2_000;
const STDERR_KEPT = 4_096;

/**
 * Starts `socat -d -d pty,raw,echo=0,link=<dir>/a pty,raw,echo=0,link=<dir>/b`
 * and resolves when both links exist and socat is relaying. Rejects with
 * `ZENNE_ERR_BRIDGE_SOCAT_MISSING` when socat is not installed and
 * `ZENNE_ERR_BRIDGE_PTY_PAIR_FAILED` when it exits or times out first.
 * socat is also killed if the process exits without calling `close()`.
 */
export async function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'zenne-pty-')));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stderr = '';
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.removeListener('exit', killOnExit);
      await stop(child, exited);
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    })();
    return closing;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const failed = (reason: string) =>
        bridgeErrors.PTY_PAIR_FAILED({ a, b, reason, stderr: stderr.trim().split('\n').slice(-3).join(' | ') || '(nothing)' });
      const timeoutMs = options.timeoutMs ?? 10_000;
      const timer = setTimeout(() => done(failed(`not ready after ${timeoutMs} ms`)), timeoutMs);
      const done = (err?: Error) => {
        clearTimeout(timer);
        child.stderr?.removeListener('data', onData);
        child.removeListener('error', onError);
        child.removeListener('exit', onExit);
        if (err) reject(err);
        else resolve();
      };
      const onData = (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
        if (stderr.includes(READY_LINE)) {
          // socat creates both links before it enters the transfer loop; check anyway.
          Promise.all([lstat(a), lstat(b)]).then(
            () => done(),
            (err: Error) => done(failed(`links missing after socat reported ready: ${err.message}`)),
          );
        }
      };
      const onError = (err: NodeJS.ErrnoException) =>
        done(err.code === 'ENOENT' ? bridgeErrors.SOCAT_MISSING({}, { cause: err }) : failed(err.message));
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        done(failed(`socat exited early (${signal ?? `code ${code}`})`));
      child.stderr?.on('data', onData);
      child.once('error', onError);
      child.once('exit', onExit);
    });
  } catch (err) {
    await close();
    throw err;
  }
  // Keep draining socat's log so it never blocks on a full pipe.
  child.stderr?.resume();
  return { a, b, close };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    await exited;
    return;
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
