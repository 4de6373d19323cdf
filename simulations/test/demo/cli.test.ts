import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simErrors } from '../../src/errors.ts';
import { ensureSocat } from '../../src/demo/socat.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'zenne-demo.js');

describe('zenne-demo command line', () => {
  it('prints help with examples', () => {
    const run = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--http-port');
  });

  it('refuses a bad flag value, naming it, before starting anything', () => {
    const run = spawnSync(process.execPath, [BIN, '--mqtt-port', 'eighteen'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--mqtt-port "eighteen" is not a port');
  });
});

describe('socat check', () => {
  it('names the exact install command when socat is missing and installing is not allowed', async () => {
    const emptyPath = mkdtempSync(join(tmpdir(), 'zenne-no-socat-'));
    const saved = process.env.PATH;
    process.env.PATH = emptyPath;
    try {
      const err = await ensureSocat({ install: false, onOutput: () => {} }).catch((e: unknown) => e);
      expect(simErrors.SOCAT_MISSING.is(err)).toBe(true);
      expect((err as Error).message).toMatch(/apt-get update && (sudo )?apt-get install -y socat/);
    } finally {
      process.env.PATH = saved;
      rmSync(emptyPath, { recursive: true });
    }
  });
});
