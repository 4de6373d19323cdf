import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredErrorCodes } from '@zenne/device-profiles';

// Every package declares its error catalogue in <workspace>/src/errors.ts and
// documents it in docs/errors/<workspace>.md; this keeps the two in sync.
const root = join(import.meta.dirname, '..');
const workspaces = ['device-profiles', 'firmware-bridges', 'edge-agent', 'cloud', 'twin-viewer', 'simulations'];

function documentedCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of readdirSync(join(root, 'docs/errors')).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(root, 'docs/errors', file), 'utf8');
    for (const m of text.matchAll(/^\|\s*`(ZENNE_ERR_[A-Z0-9_]+)`\s*\|/gm)) codes.set(m[1]!, file);
  }
  return codes;
}

describe('error catalogue', () => {
  it('documents every declared code, and declares every documented code', async () => {
    for (const ws of workspaces) {
      const file = join(root, ws, 'src/errors.ts');
      if (existsSync(file)) await import(file);
    }
    const declared = [...declaredErrorCodes().keys()].sort();
    const documented = [...documentedCodes().keys()].sort();
    expect(declared.length).toBeGreaterThan(0);
    expect(declared.filter((c) => !documented.includes(c)), 'declared but not in docs/errors/*.md').toEqual([]);
    expect(documented.filter((c) => !declared.includes(c)), 'documented but not declared').toEqual([]);
  });

  it('gives every code a hint a technician can act on', async () => {
    const withoutHint = [...declaredErrorCodes()].filter(([, spec]) => !spec.hint).map(([code]) => code);
    expect(withoutHint).toEqual([]);
  });
});
