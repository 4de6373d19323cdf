import { describe, expect, it } from 'vitest';
import { convert, toCanonical, unitErrors, UNITS, type Unit, type ZenneError } from '../src/index.ts';

describe('convert', () => {
  it.each<[number, Unit, Unit, number]>([
    [300, 'K', 'Cel', 26.85],
    [0, 'K', 'Cel', -273.15],
    [21.2, 'Cel', 'K', 294.35],
    [212, '[degF]', 'Cel', 100],
    [32, '[degF]', 'Cel', 0],
    [-40, '[degF]', 'Cel', -40],
    [100, 'Cel', '[degF]', 212],
    [1500, 'ppb', 'ppm', 1.5],
    [412, 'ppm', 'ppb', 412000],
    [1.234, 'kWh', 'Wh', 1234],
    [1013.25, 'hPa', 'Pa', 101325],
    [0.035, 'mg/m3', 'ug/m3', 35],
    // PMSx003.csv (PyPMS capture): n0_3 raw 210 particles per 0.1 L is 2.10 #/cm³.
    [210, '/dL', '/cm3', 2.1],
    [90, 'min', 'h', 1.5],
  ])('%d %s = %d %s', (value, from, to, expected) => {
    // Exact equality on purpose: conversions drop binary floating-point noise.
    expect(convert(value, from, to)).toBe(expected);
  });

  it('returns the value untouched when both units are the same', () => {
    expect(convert(0.1 + 0.2, 'ug/m3', 'ug/m3')).toBe(0.1 + 0.2);
  });

  it('round-trips between every pair of units of one dimension', () => {
    const units = Object.keys(UNITS) as Unit[];
    for (const from of units) {
      for (const to of units.filter((u) => UNITS[u].dimension === UNITS[from].dimension)) {
        expect(convert(convert(123.456, from, to), to, from)).toBeCloseTo(123.456, 9);
      }
    }
  });

  it('refuses a dimension mismatch, naming both units', () => {
    let err: ZenneError | undefined;
    try {
      convert(400, 'ppm', 'Cel');
    } catch (e) {
      err = e as ZenneError;
    }
    expect(unitErrors.DIMENSION_MISMATCH.is(err)).toBe(true);
    expect(err!.kind).toBe('invalid_input');
    expect(err!.message).toContain('ppm (mixing_ratio)');
    expect(err!.message).toContain('Cel (temperature)');
    expect(err!.message).toContain('K, [degF]');
  });

  it('refuses a unit outside the catalogue', () => {
    expect(() => convert(1, 'µg/m³' as Unit, 'ug/m3')).toThrow(/unknown unit "µg\/m³"/);
  });
});

describe('toCanonical', () => {
  it('converts to the quantity canonical unit', () => {
    expect(toCanonical(1500, 'ppb', 'co2')).toBe(1.5);
    expect(toCanonical(1.234, 'kWh', 'energy')).toBe(1234);
    expect(toCanonical(300, 'K', 'temperature')).toBe(26.85);
    expect(toCanonical(95, '%', 'power_factor')).toBe(0.95);
  });

  it('refuses a unit that cannot express the quantity', () => {
    expect(() => toCanonical(20, 'Cel', 'pm2_5')).toThrow(/cannot convert Cel \(temperature\) to ug\/m3/);
  });
});
