import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bridgeErrors } from '../src/errors.ts';
import { openPtyPair } from '../src/pty/pty-pair.ts';

describe('openPtyPair', () => {
  it('links two ptys that carry bytes, and removes everything on close', async () => {
    const pair = await openPtyPair();
    expect((await stat(pair.a)).isCharacterDevice()).toBe(true);
    expect((await stat(pair.b)).isCharacterDevice()).toBe(true);

    // fs streams on a tty block a libuv thread; the serial binding polls the fd instead.
    const reader = await new Promise<SerialPortStream>((resolve, reject) => {
      const port = new SerialPortStream({ binding: autoDetect(), path: pair.b, baudRate: 9600 }, (err) =>
        err ? reject(err) : resolve(port),
      );
    });
    const got = new Promise<Buffer>((resolve) => reader.once('data', (chunk: Buffer) => resolve(chunk)));
    await writeFile(pair.a, Buffer.of(0xaa, 0xc0, 0x00, 0xff));
    expect(await got).toEqual(Buffer.of(0xaa, 0xc0, 0x00, 0xff));
    await new Promise<void>((resolve, reject) => reader.close((err) => (err ? reject(err) : resolve())));

    await pair.close();
    await pair.close();
    await expect(stat(pair.a)).rejects.toThrow(/ENOENT/);
  });

  it('keeps a directory it did not create', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-pty-test-'));
    try {
      const pair = await openPtyPair({ dir });
      expect(pair.a).toBe(join(dir, 'a'));
      await pair.close();
      expect((await stat(dir)).isDirectory()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says how to install socat when it is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(tmpdir(), 'zenne-no-such-bin');
    try {
      const attempt = openPtyPair();
      await expect(attempt).rejects.toSatisfy((err: unknown) => bridgeErrors.SOCAT_MISSING.is(err));
      await expect(attempt).rejects.toThrow(/apt-get install -y socat/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('reports socat failing to create a link, with its own words', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-pty-test-'));
    try {
      await writeFile(join(dir, 'note'), '');
      // A link path inside a regular file cannot be created.
      const attempt = openPtyPair({ dir: join(dir, 'note') });
      await expect(attempt).rejects.toSatisfy((err: unknown) => bridgeErrors.PTY_PAIR_FAILED.is(err));
      expect(await readFile(join(dir, 'note'), 'utf8')).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
