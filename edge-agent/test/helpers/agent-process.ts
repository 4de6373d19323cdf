import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readStatus, type AgentStatus } from '../../src/status/status-file.ts';

const BIN = fileURLToPath(new URL('../../bin/zenne-agent.js', import.meta.url));

export interface AgentProcess {
  readonly child: ChildProcess;
  /** pino records the agent logged so far. */
  readonly logs: Array<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node edge-agent/bin/zenne-agent.js <args>` as a child process, logs collected. */
export function startAgentProcess(args: string[]): AgentProcess {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, logs, exited };
}

/** Polls state_dir/status.json until `condition` holds; returns that status. */
export async function waitForStatus(stateDir: string, condition: (status: AgentStatus) => boolean): Promise<AgentStatus> {
  for (;;) {
    const status = await readStatus(stateDir, '').catch(() => undefined);
    if (status && condition(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
}
