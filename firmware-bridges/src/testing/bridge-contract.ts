import { describe, expect, it } from 'vitest';
import type { Bridge } from '../bridge.ts';
import { byteByByte, loadCases, randomChunks, runParser, type BridgeCase, type ParserOutcome } from './cases.ts';

export interface BridgeContractOptions {
  bridge: Bridge;
  /** Folder of `<case>/{input.hex,expected.json}` (HOUSE-STYLE `src/<family>/test/cases`). */
  casesDir: string;
  /** Seeds for the random chunkings; each gives one deterministic split. */
  seeds?: readonly number[];
}

const FIXED_NOW = new Date('2020-09-27T18:00:00.000Z');

/**
 * The contract every firmware bridge passes (call it from the family's test file):
 * (a) each case's `input.hex` decodes to its `expected.json` (fields, replies,
 *     errors, counters); (b) the same bytes fed one byte at a time and in seeded
 *     random chunk sizes give exactly the same outcome; (c) `encodeFrame(fields)`
 *     of every expected frame parses back to the same fields, alone and back to back.
 */
export function bridgeContract({ bridge, casesDir, seeds = [1, 2, 3, 42] }: BridgeContractOptions): void {
  const cases = loadCases(casesDir);
  const now = () => FIXED_NOW;

  describe(`bridge contract: ${bridge.id}`, () => {
    it('declares an id, a description and serial settings', () => {
      expect(bridge.id).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
      expect(bridge.description.length).toBeGreaterThan(0);
      expect(bridge.serial.baud_rate).toBeGreaterThan(0);
    });

    it('has test cases', () => {
      expect(cases.length).toBeGreaterThan(0);
    });

    it('returns an independent parser from each createParser()', async () => {
      const first = cases[0]!;
      const a = bridge.createParser({ now });
      const b = bridge.createParser({ now });
      expect(a).not.toBe(b);
      a.end(first.input);
      a.resume();
      b.end();
      b.resume();
      await Promise.all([new Promise((r) => a.once('end', r)), new Promise((r) => b.once('end', r))]);
      expect(b.counters).toEqual({ frames: 0, bad_checksum: 0, bad_tail: 0, bad_length: 0, truncated: 0, garbage_bytes: 0 });
    });

    for (const testCase of cases) {
      describe(testCase.name, () => {
        it('decodes input.hex as expected.json', async () => {
          const outcome = await runParser(bridge, [testCase.input], { now });
          expectOutcome(outcome, testCase);
          for (const frame of outcome.frames) expect(frame.ts).toEqual(FIXED_NOW);
          for (const err of outcome.errors) expect(err.detail.length).toBeGreaterThan(0);
        });

        it('gives the same outcome fed one byte at a time', async () => {
          expectOutcome(await runParser(bridge, byteByByte(testCase.input), { now }), testCase);
        });

        it.each(seeds)('gives the same outcome in random chunk sizes (seed %i)', async (seed) => {
          expectOutcome(await runParser(bridge, randomChunks(testCase.input, seed), { now }), testCase);
        });

        it('round-trips encodeFrame(fields) through the parser', async () => {
          const expectedFields = testCase.expected.frames.map((f) => f.fields);
          for (const fields of expectedFields) {
            const alone = await runParser(bridge, [bridge.encodeFrame(fields)], { now });
            expect(alone.frames.map((f) => f.fields)).toEqual([fields]);
            expect(alone.errors).toEqual([]);
          }
          const backToBack = Buffer.concat(expectedFields.map((fields) => bridge.encodeFrame(fields)));
          const outcome = await runParser(bridge, randomChunks(backToBack, 7), { now });
          expect(outcome.frames.map((f) => f.fields)).toEqual(expectedFields);
          expect(outcome.counters.frames).toBe(expectedFields.length);
        });
      });
    }
  });
}

function expectOutcome(outcome: ParserOutcome, { expected }: BridgeCase): void {
  expect(outcome.frames.map((f) => f.fields)).toEqual(expected.frames.map((f) => f.fields));
  expect(outcome.replies).toEqual(expected.replies);
  expect(outcome.errors.map(({ kind, bytes }) => ({ kind, bytes }))).toEqual(expected.errors);
  expect(outcome.counters).toEqual(expected.counters);
}
