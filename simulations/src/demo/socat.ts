import { spawn } from 'node:child_process';
import { simErrors } from '../errors.ts';
import { run } from './run-command.ts';

const APT_STEPS: ReadonlyArray<readonly string[]> = [
  ['apt-get', 'update'],
  ['apt-get', 'install', '-y', 'socat'],
];
const INSTALL_COMMAND = APT_STEPS.map((s) => s.join(' ')).join(' && ');

/** True when `socat -V` runs. */
export function socatInstalled(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('socat', ['-V'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
}

export interface EnsureSocatOptions {
  /** Install with apt-get when missing and running as root. */
  install: boolean;
  /** Receives the installer's output, line by line (progress). */
  onOutput: (line: string) => void;
}

/**
 * Makes sure socat is available. When it is missing: as root (and `install`),
 * runs `apt-get update && apt-get install -y socat` showing its output;
 * otherwise throws `ZENNE_ERR_SIM_SOCAT_MISSING` with the exact command to run.
 */
export async function ensureSocat(options: EnsureSocatOptions): Promise<'present' | 'installed'> {
  if (await socatInstalled()) return 'present';
  const root = process.getuid?.() === 0;
  if (!options.install || !root) {
    throw simErrors.SOCAT_MISSING({ command: root ? INSTALL_COMMAND : `sudo ${APT_STEPS.map((s) => s.join(' ')).join(' && sudo ')}` });
  }
  for (const [command, ...args] of APT_STEPS) {
    options.onOutput(`$ ${command} ${args.join(' ')}`);
    const code = await run(command!, args, options.onOutput);
    if (code !== 0) throw simErrors.SOCAT_INSTALL_FAILED({ code, command: INSTALL_COMMAND });
  }
  if (!(await socatInstalled())) throw simErrors.SOCAT_INSTALL_FAILED({ code: 0, command: INSTALL_COMMAND });
  return 'installed';
}
