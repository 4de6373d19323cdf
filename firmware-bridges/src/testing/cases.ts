import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { z } from 'zod';
import type { Bridge, FrameError, FrameParser, ParserCounters } from '../bridge.ts';
import { parseHexText } from '../framing/hex.ts';

const countersSchema = z.strictObject({
  frames: z.number().int().min(0),
  bad_checksum: z.number().int().min(0),
  bad_tail: z.number().int().min(0),
  bad_length: z.number().int().min(0),
  truncated: z.number().int().min(0),
  garbage_bytes: z.number().int().min(0),
});

/** `test/cases/<case>/expected.json`: what the parser must produce from `input.hex`. */
export const expectedCaseSchema = z.strictObject({
  description: z.string().min(1),
  frames: z.array(
    z.strictObject({
      /** When the source recorded this frame (provenance only; not compared). */
      recorded_at: z.string().optional(),
      fields: z.record(z.string(), z.number()),
    }),
  ),
  /** Non-data events the bridge emits as `reply` (SDS011 command replies), in order. */
  replies: z.array(z.record(z.string(), z.unknown())).default([]),
  /** Every `frame-error`, in order: kind and bytes (details are free text). */
  errors: z.array(z.strictObject({ kind: z.enum(['bad_checksum', 'bad_tail', 'bad_length', 'truncated', 'garbage']), bytes: z.number().int().positive() })),
  counters: countersSchema,
});
export type ExpectedCase = z.infer<typeof expectedCaseSchema>;

export interface BridgeCase {
  name: string;
  dir: string;
  input: Buffer;
  expected: ExpectedCase;
}

/** Loads every `<casesDir>/<case>/{input.hex,expected.json}`, sorted by name. */
export function loadCases(casesDir: string): BridgeCase[] {
  return readdirSync(casesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(casesDir, entry.name, 'input.hex')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const dir = join(casesDir, name);
      const input = parseHexText(readFileSync(join(dir, 'input.hex'), 'utf8'));
      const parsed = expectedCaseSchema.safeParse(JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')));
      if (!parsed.success) throw new Error(`${dir}/expected.json: ${z.prettifyError(parsed.error)}`);
      return { name, dir, input, expected: parsed.data };
    });
}

/** Everything a parser produced from one byte stream. */
export interface ParserOutcome {
  frames: { fields: Record<string, number>; ts: Date }[];
  replies: unknown[];
  errors: FrameError[];
  counters: ParserCounters;
}

/** Attaches collectors to a parser; `done()` resolves after the parser has ended. */
export function collect(parser: FrameParser): { done(): Promise<ParserOutcome> } {
  const outcome: Omit<ParserOutcome, 'counters'> = { frames: [], replies: [], errors: [] };
  parser.on('data', (frame) => outcome.frames.push(frame));
  parser.on('reply', (reply: unknown) => outcome.replies.push(reply));
  parser.on('frame-error', (err) => outcome.errors.push(err));
  const ended = finished(parser);
  return {
    async done() {
      await ended;
      return { ...outcome, counters: { ...parser.counters } };
    },
  };
}

/** Feeds `chunks` into a fresh parser of `bridge`, ends it and returns what came out. */
export async function runParser(
  bridge: Bridge,
  chunks: Iterable<Uint8Array>,
  options: { now?: () => Date } = {},
): Promise<ParserOutcome> {
  const parser = bridge.createParser(options);
  const collector = collect(parser);
  for (const chunk of chunks) parser.write(chunk);
  parser.end();
  return collector.done();
}

/** Splits `bytes` into chunks of 1..maxChunk bytes, deterministically for a given seed. */
export function* randomChunks(bytes: Buffer, seed: number, maxChunk = 64): Generator<Buffer> {
  const next = mulberry32(seed);
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(next() * maxChunk);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

export function* byteByByte(bytes: Buffer): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += 1) yield bytes.subarray(at, at + 1);
}

// mulberry32: a tiny seeded PRNG, enough for reproducible chunk sizes.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
