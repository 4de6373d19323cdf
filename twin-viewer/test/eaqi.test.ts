import { describe, expect, it } from 'vitest';
import { t } from '../src/i18n/i18n.ts';
import { EAQI_PM25_BANDS, eaqiPm25Band } from '../src/layers/air-quality/eaqi.ts';

describe('EAQI PM2.5 bands (EEA, current revision)', () => {
  it('has the six EEA bands in order, contiguous, with the official colours', () => {
    expect(EAQI_PM25_BANDS.map((b) => [t(b.label, {}, 'en'), b.lower, b.upper, b.colour])).toEqual([
      ['Good', 0, 5, '#50f0e6'],
      ['Fair', 5, 15, '#50ccaa'],
      ['Moderate', 15, 50, '#f0e641'],
      ['Poor', 50, 90, '#ff5050'],
      ['Very poor', 90, 140, '#960032'],
      ['Extremely poor', 140, 800, '#7d2181'],
    ]);
  });

  it.each([
    [0, 'Good'],
    [4.9, 'Good'],
    [5, 'Good'],
    [5.01, 'Fair'],
    [15, 'Fair'],
    [15.1, 'Moderate'],
    [50, 'Moderate'],
    [62.5, 'Poor'],
    [90, 'Poor'],
    [90.5, 'Very poor'],
    [140, 'Very poor'],
    [140.1, 'Extremely poor'],
    [800, 'Extremely poor'],
    [2000, 'Extremely poor'],
  ])('%s µg/m³ is %s', (value, label) => {
    expect(t(eaqiPm25Band(value)!.label, {}, 'en')).toBe(label);
  });

  it('names the bands in French and Dutch', () => {
    expect(EAQI_PM25_BANDS.map((b) => t(b.label, {}, 'fr'))).toEqual(['Bon', 'Moyen', 'Dégradé', 'Mauvais', 'Très mauvais', 'Extrêmement mauvais']);
    expect(EAQI_PM25_BANDS.map((b) => t(b.label, {}, 'nl'))).toEqual(['Goed', 'Redelijk', 'Matig', 'Slecht', 'Zeer slecht', 'Extreem slecht']);
  });

  it('rates no value that cannot be a concentration', () => {
    expect(eaqiPm25Band(-0.1)).toBeNull();
    expect(eaqiPm25Band(Number.NaN)).toBeNull();
    expect(eaqiPm25Band(Number.POSITIVE_INFINITY)).toBeNull();
  });
});
