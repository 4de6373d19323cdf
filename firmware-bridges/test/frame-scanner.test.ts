import { describe, expect, it } from 'vitest';
import { bridges, type Bridge } from '../src/index.ts';
import { byteByByte, randomChunks, runParser } from '../src/testing/cases.ts';

// Property checks of the shared resynchronisation rules on synthetic streams
// (the real-capture cases live in src/<family>/test/cases).

const FRAME_LENGTH = { sds011: 10, pms5003: 32, mhz19b: 9, 'line-counter': 53, ze03: 9 } as const;

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function randomFields(bridge: Bridge, next: () => number): Record<string, number> {
  const int = (max: number) => Math.floor(next() * max);
  if (bridge.id === 'sds011') return { pm2_5: int(9999) / 10, pm10: int(9999) / 10, device_id: int(0x10000) };
  if (bridge.id === 'mhz19b') return { co2: int(0x10000) };
  if (bridge.id === 'ze03') return { concentration: int(0x10000) };
  if (bridge.id === 'line-counter') return { interval_end_s: int(2 ** 31), interval_s: 1 + int(9999), in: int(100_000), out: int(100_000), occupancy: int(1_999_999) - 999_999 };
  return { pm2_5: int(1000), pm10: int(1000), pm1: int(1000), n0_3: int(65536), n10_0: int(50) };
}

/** Valid frames mixed with noise, cut frames and bit errors (which may create header look-alikes). */
function noisyStream(bridge: Bridge, seed: number): Buffer {
  const next = rng(seed);
  const parts: Buffer[] = [];
  for (let i = 0; i < 150; i += 1) {
    const frame = bridge.encodeFrame(randomFields(bridge, next));
    const roll = next();
    if (roll < 0.1) parts.push(Buffer.from(Array.from({ length: 1 + Math.floor(next() * 12) }, () => Math.floor(next() * 256))));
    if (roll > 0.9) parts.push(frame.subarray(0, 1 + Math.floor(next() * (frame.length - 1))));
    else if (roll > 0.8) {
      const hit = Buffer.from(frame);
      hit[Math.floor(next() * hit.length)]! ^= 1 << Math.floor(next() * 8);
      parts.push(hit);
    } else parts.push(frame);
  }
  return Buffer.concat(parts);
}

describe.each(Object.values(bridges))('$id frame scanner', (bridge) => {
  it.each([11, 12, 13, 14, 15])('gives the same outcome however a noisy stream is chunked (seed %i)', async (seed) => {
    const input = noisyStream(bridge, seed);
    const whole = await runParser(bridge, [input]);
    const strip = (o: typeof whole) => ({ ...o, frames: o.frames.map((f) => f.fields) });
    expect(strip(await runParser(bridge, byteByByte(input)))).toEqual(strip(whole));
    expect(strip(await runParser(bridge, randomChunks(input, seed, 7)))).toEqual(strip(whole));
    expect(strip(await runParser(bridge, randomChunks(input, seed, 300)))).toEqual(strip(whole));
  });

  it.each([21, 22, 23])('accounts for every byte: in a frame or in exactly one error (seed %i)', async (seed) => {
    const input = noisyStream(bridge, seed);
    const { counters, errors } = await runParser(bridge, randomChunks(input, seed));
    const dropped = errors.reduce((sum, e) => sum + e.bytes, 0);
    expect(counters.frames * FRAME_LENGTH[bridge.id] + dropped).toBe(input.length);
    expect(counters.garbage_bytes).toBe(errors.filter((e) => e.kind === 'garbage').reduce((s, e) => s + e.bytes, 0));
  });

  it('recovers every frame separated by noise that holds no header byte', async () => {
    const next = rng(99);
    const fields = Array.from({ length: 40 }, () => randomFields(bridge, next));
    const headerBytes = new Set([0xaa, 0x42, 0xff, 0x24]);
    const noise = () => Buffer.from(Array.from({ length: Math.floor(next() * 9) }, () => Math.floor(next() * 256)).filter((b) => !headerBytes.has(b)));
    const input = Buffer.concat(fields.flatMap((f) => [noise(), bridge.encodeFrame(f)]));
    const outcome = await runParser(bridge, randomChunks(input, 5));
    expect(outcome.frames.map((f) => f.fields)).toEqual(fields.map((f) => carried(bridge, f)));
    expect(outcome.errors.every((e) => e.kind === 'garbage')).toBe(true);
  });

  it('reports a long garbage run every 1024 bytes, the same way however it is chunked', async () => {
    const input = Buffer.alloc(3000, 0x11);
    for (const chunks of [[input], byteByByte(input), randomChunks(input, 3, 500)]) {
      const { errors, counters } = await runParser(bridge, chunks);
      expect(errors.map((e) => [e.kind, e.bytes])).toEqual([
        ['garbage', 1024],
        ['garbage', 1024],
        ['garbage', 952],
      ]);
      expect(counters.garbage_bytes).toBe(3000);
    }
  });
});

/** The fields a frame carries after encoding: the given ones plus the encoder's defaults. */
function carried(bridge: Bridge, fields: Record<string, number>): Record<string, number> {
  if (bridge.id === 'sds011' || bridge.id === 'mhz19b' || bridge.id === 'line-counter' || bridge.id === 'ze03') return fields;
  return { pm1_cf1: 0, pm2_5_cf1: 0, pm10_cf1: 0, pm1: 0, n0_3: 0, n0_5: 0, n1_0: 0, n2_5: 0, n5_0: 0, n10_0: 0, ...fields };
}
