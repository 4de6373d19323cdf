import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const viewerRoot = path.resolve(import.meta.dirname, '../..');
export const viewerDist = path.join(viewerRoot, 'dist');

/** Newest modification time (ms) of the files the app bundle is built from. */
function newestSource(): number {
  const files = (readdirSync(path.join(viewerRoot, 'src'), { recursive: true }) as string[]).map((f) => path.join(viewerRoot, 'src', f));
  files.push(path.join(viewerRoot, 'index.html'), path.join(viewerRoot, 'vite.config.ts'));
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/**
 * Builds the viewer (`npm run build -w twin-viewer`) when dist/ lacks the page or the buildings,
 * or when a source file is newer than the built page (a test must not run yesterday's bundle).
 */
export function ensureViewerBuilt(): void {
  const page = path.join(viewerDist, 'index.html');
  if (existsSync(page) && existsSync(path.join(viewerDist, 'data/buildings.json')) && statSync(page).mtimeMs >= newestSource()) return;
  const result = spawnSync('npm', ['run', 'build', '-w', 'twin-viewer'], {
    cwd: path.dirname(viewerRoot),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`viewer build failed:\n${result.stdout}\n${result.stderr}`);
}
