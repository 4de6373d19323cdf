import { vi } from 'vitest';
import type { Command } from '../../src/cli/command.ts';

/** Runs a zenne-agent command in this process; returns its exit code and what it printed on stdout. */
export async function invokeCommand(command: Command, args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await command.run(args), out };
  } finally {
    spy.mockRestore();
  }
}
