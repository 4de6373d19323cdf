import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const viewerRoot = path.resolve(import.meta.dirname, '../..');
export const viewerDist = path.join(viewerRoot, 'dist');

/** Builds the viewer (`npm run build -w twin-viewer`) when dist/ lacks the page or the buildings. */
export function ensureViewerBuilt(): void {
  if (existsSync(path.join(viewerDist, 'index.html')) && existsSync(path.join(viewerDist, 'data/buildings.json'))) return;
  const result = spawnSync('npm', ['run', 'build', '-w', 'twin-viewer'], {
    cwd: path.dirname(viewerRoot),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`viewer build failed:\n${result.stdout}\n${result.stderr}`);
}
