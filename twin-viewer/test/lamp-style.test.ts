import type { Quantity, Reading } from '@zenne/device-profiles';
import { describe, expect, it } from 'vitest';
import { NO_VALUE_COLOUR } from '../src/layers/reading-point-style.ts';
import { decodeFaults, FAULT_COLOUR, lampLook, LEVEL_BANDS, levelBand } from '../src/layers/street-lighting/lamp-style.ts';

const reading = (quantity: Quantity, value: number, quality: Reading['quality'] = 'good'): Reading => ({
  device: 'lamp-rue-neuve-01',
  quantity,
  value,
  unit: quantity === 'lamp_level' ? '%' : '{flags}',
  ts: '2026-11-23T21:00:00.000Z',
  seq: 1,
  quality,
  ...(quality === 'good' ? {} : { reasons: ['out_of_plausible_range' as const] }),
});

const latest = (...readings: Reading[]) => new Map(readings.map((r) => [r.quantity, r]));

describe('lamp level classes', () => {
  it.each([
    [0, 'street-lighting.level.off'],
    [0.5, 'street-lighting.level.low'],
    [30, 'street-lighting.level.low'],
    [50, 'street-lighting.level.dimmed'],
    [70, 'street-lighting.level.slight'],
    [90, 'street-lighting.level.slight'],
    [95, 'street-lighting.level.full'],
    [100, 'street-lighting.level.full'],
  ])('level %s is %s', (level, label) => {
    expect(levelBand(level)?.label).toBe(label);
  });

  it('separates the steps of the usual night profile (100 → 70 → 50 %)', () => {
    expect(new Set([100, 70, 50].map((l) => levelBand(l)!.colour)).size).toBe(3);
  });

  it('rates no value outside 0–100 %', () => {
    expect(levelBand(-1)).toBeNull();
    expect(levelBand(100.5)).toBeNull();
    expect(levelBand(Number.NaN)).toBeNull();
  });
});

describe('lamp point look', () => {
  it('fills a lamp with its level colour and rings it red, larger, on a fault', () => {
    const ok = lampLook(latest(reading('lamp_level', 100), reading('lamp_faults', 0)));
    expect(ok).toMatchObject({ fill: LEVEL_BANDS.at(-1)!.colour, fillAlpha: 1 });
    expect(ok.outline).not.toBe(FAULT_COLOUR);
    const faulty = lampLook(latest(reading('lamp_level', 100), reading('lamp_faults', 1)));
    expect(faulty).toMatchObject({ fill: ok.fill, outline: FAULT_COLOUR });
    expect(faulty.pixelSize).toBeGreaterThan(ok.pixelSize);
  });

  it('draws a suspect level as a ring, a bad one and a lamp without readings in grey, and ignores a bad fault word', () => {
    expect(lampLook(latest(reading('lamp_level', 50, 'suspect')))).toMatchObject({ outline: levelBand(50)!.colour });
    expect(lampLook(latest(reading('lamp_level', 50, 'suspect'))).fillAlpha).toBeLessThan(0.5);
    expect(lampLook(latest(reading('lamp_level', 50, 'bad')))).toMatchObject({ colour: NO_VALUE_COLOUR, outline: NO_VALUE_COLOUR });
    expect(lampLook(latest())).toMatchObject({ colour: NO_VALUE_COLOUR, fillAlpha: 1 });
    expect(lampLook(latest(reading('lamp_level', 50), reading('lamp_faults', 4, 'bad'))).outline).not.toBe(FAULT_COLOUR);
  });

  it('decodes the fault bits of the lamp controller profile', () => {
    expect(decodeFaults(0)).toEqual({ known: [], unknownBits: 0 });
    expect(decodeFaults(5)).toEqual({ known: ['street-lighting.fault.lamp', 'street-lighting.fault.column'], unknownBits: 0 });
    expect(decodeFaults(0x12)).toEqual({ known: ['street-lighting.fault.driver'], unknownBits: 0x10 });
  });
});
