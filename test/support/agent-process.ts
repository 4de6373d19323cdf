import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stopChild } from './child.ts';

const root = join(import.meta.dirname, '../..');

export interface AgentProcess {
  child: ChildProcess;
  /** Sends `signal` and resolves with the exit code once the agent has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the real `zenne-agent run --config FILE`; its logs go to `logFile`. */
export function startAgentProcess(configFile: string, logFile: string): AgentProcess {
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [join(root, 'edge-agent/bin/zenne-agent.js'), 'run', '--config', configFile], {
    cwd: root,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  return {
    child,
    stop: (signal) => stopChild(child, signal),
  };
}

/** The agent's status.json, or null while it has not written one. */
export async function readAgentStatus(stateDir: string): Promise<any | null> {
  try {
    return JSON.parse(await readFile(join(stateDir, 'status.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Polls `probe` every 100 ms until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
