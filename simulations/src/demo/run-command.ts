import { spawn } from 'node:child_process';

/** Runs a command, forwarding its output line by line; resolves with the exit code (-1 if it could not start). */
export function run(command: string, args: string[], onOutput: (line: string) => void, cwd?: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    let partial = '';
    const forward = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onOutput(line);
    };
    child.stdout!.on('data', forward);
    child.stderr!.on('data', forward);
    child.once('error', (err) => {
      onOutput(`${command}: ${err.message}`);
      resolve(-1);
    });
    child.once('close', (code) => {
      if (partial.trim()) onOutput(partial);
      resolve(code ?? -1);
    });
  });
}
