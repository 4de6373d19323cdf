import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bridgeErrors } from '../../errors.ts';
import { getBridge } from '../../index.ts';
import { runParser } from '../../testing/cases.ts';
import { bridgeContract } from '../../testing/bridge-contract.ts';
import { encodeLineCounterSentence, lineCounter, LINE_COUNTER_SENTENCE_LENGTH, nmeaChecksum } from '../index.ts';

bridgeContract({ bridge: lineCounter, casesDir: fileURLToPath(new URL('./cases', import.meta.url)) });

const MORNING = { interval_end_s: Date.UTC(2026, 10, 23, 8, 1) / 1000, interval_s: 60, in: 42, out: 17, occupancy: 311 };

describe('line-counter $PZNELC sentence', () => {
  it('is registered under its id', () => {
    expect(getBridge('line-counter')).toBe(lineCounter);
  });

  it('writes fixed-width fields, the NMEA 0183 XOR checksum in upper-case hex, and CR LF', () => {
    const sentence = encodeLineCounterSentence(MORNING).toString('latin1');
    expect(sentence).toBe('$PZNELC,080100,23112026,0060,00042,00017,+000311*2E\r\n');
    expect(sentence).toHaveLength(LINE_COUNTER_SENTENCE_LENGTH);
    // NMEA 0183 caps a sentence at 82 characters, $ and CR LF included.
    expect(sentence.length).toBeLessThanOrEqual(82);
    const star = sentence.indexOf('*');
    expect(nmeaChecksum(Buffer.from(sentence, 'latin1'), star)).toBe(0x2e);
  });

  it('carries a negative occupancy (missed entries) with its sign, for the profile to mark bad', async () => {
    const sentence = encodeLineCounterSentence({ ...MORNING, occupancy: -12 });
    expect(sentence.toString('latin1')).toContain(',-000012*');
    const { frames } = await runParser(lineCounter, [sentence]);
    expect(frames.map((f) => f.fields)).toEqual([{ ...MORNING, occupancy: -12 }]);
  });

  it('accepts a checksum written in lower-case hex', async () => {
    const sentence = Buffer.from(encodeLineCounterSentence(MORNING).toString('latin1').replace('*2E', '*2e'), 'latin1');
    const { frames, errors } = await runParser(lineCounter, [sentence]);
    expect(frames).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('names what is wrong in each frame error', async () => {
    const good = encodeLineCounterSentence(MORNING);
    const badChecksum = Buffer.from(good.toString('latin1').replace('*2E', '*2F'), 'latin1');
    const { errors } = await runParser(lineCounter, [badChecksum, good.subarray(0, 20), good]);
    expect(errors.map((e) => e.kind)).toEqual(['bad_checksum', 'truncated']);
    expect(errors[0]!.detail).toMatch(/"2F".*2E/);
    expect(errors[1]!.detail).toMatch(/cut short/);
  });

  it.each<[string, Record<string, number>]>([
    ['a fractional count', { ...MORNING, in: 4.5 }],
    ['a count wider than its field', { ...MORNING, out: 100_000 }],
    ['a zero interval', { ...MORNING, interval_s: 0 }],
    ['a missing field', { interval_end_s: MORNING.interval_end_s, interval_s: 60, in: 1, out: 1 }],
    ['an unknown field', { ...MORNING, pm2_5: 3 }],
  ])('refuses to encode %s', (_name, fields) => {
    expect(() => encodeLineCounterSentence(fields)).toThrow(expect.objectContaining({ code: bridgeErrors.INVALID_FIELDS.code }));
  });
});
