import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simErrors } from '../../src/errors.ts';
import { ensureViewerBuilt } from '../../src/demo/viewer-build.ts';

/** A minimal workspace whose twin-viewer "build" runs `script`. */
function fakeRepo(script: string): string {
  const root = mkdtempSync(join(tmpdir(), 'zenne-viewer-build-'));
  mkdirSync(join(root, 'twin-viewer'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fake', private: true, workspaces: ['twin-viewer'] }));
  writeFileSync(join(root, 'twin-viewer', 'package.json'), JSON.stringify({ name: 'fake-viewer', scripts: { build: script } }));
  return root;
}

describe('viewer build step', () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

  it('runs `npm run build -w twin-viewer` when dist/index.html is missing, showing its output, then skips it', async () => {
    const root = fakeRepo(`node -e "require('fs').mkdirSync('dist');require('fs').writeFileSync('dist/index.html','ok');console.log('built it')"`);
    roots.push(root);
    const lines: string[] = [];
    expect(await ensureViewerBuilt(root, join(root, 'build.log'), (l) => lines.push(l))).toBe('built');
    expect(lines).toContain('built it');
    expect(existsSync(join(root, 'build.log'))).toBe(true);
    expect(await ensureViewerBuilt(root, join(root, 'build.log'), () => {})).toBe('present');
  });

  it('fails with the log file named when the build fails', async () => {
    const root = fakeRepo('node -e "process.exit(3)"');
    roots.push(root);
    const err = await ensureViewerBuilt(root, join(root, 'build.log'), () => {}).catch((e: unknown) => e);
    expect(simErrors.VIEWER_BUILD_FAILED.is(err)).toBe(true);
    expect((err as Error).message).toContain(join(root, 'build.log'));
  });
});
