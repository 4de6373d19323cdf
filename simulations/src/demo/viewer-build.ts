import { existsSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { simErrors } from '../errors.ts';
import { run } from './run-command.ts';

/** The built viewer the cloud serves. */
export function viewerDistDir(repoRoot: string): string {
  return join(repoRoot, 'twin-viewer', 'dist');
}

/**
 * Builds the twin viewer (`npm run build -w twin-viewer`) when
 * twin-viewer/dist/index.html is missing, showing its output and keeping it
 * in `logFile`. Throws `ZENNE_ERR_SIM_VIEWER_BUILD_FAILED` on failure.
 */
export async function ensureViewerBuilt(repoRoot: string, logFile: string, onOutput: (line: string) => void): Promise<'present' | 'built'> {
  if (existsSync(join(viewerDistDir(repoRoot), 'index.html'))) return 'present';
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const code = await run(npm, ['run', 'build', '-w', 'twin-viewer'], (line) => {
    appendFileSync(logFile, `${line}\n`);
    onOutput(line);
  }, repoRoot);
  if (code !== 0 || !existsSync(join(viewerDistDir(repoRoot), 'index.html'))) {
    throw simErrors.VIEWER_BUILD_FAILED({ code, log: logFile });
  }
  return 'built';
}
