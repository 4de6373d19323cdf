/**
 * European Air Quality Index (EAQI) bands for PM2.5.
 *
 * Source: European Environment Agency, "European Air Quality Index — about the index",
 * https://airindex.eea.europa.eu/AQI/index.html, current revision (six levels aligned with the
 * WHO 2021 Air Quality Guidelines, which replaced the 2017 PM2.5 bands 0–10 / 10–20 / 20–25 /
 * 25–50 / 50–75 / 75–800 µg/m³). PM2.5 bands, µg/m³: Good 0–5, Fair 5–15, Moderate 15–50,
 * Poor 50–90, Very poor 90–140, Extremely poor 140–800. Colours are the index's official
 * palette (RGB 80,240,230 · 80,204,170 · 240,230,65 · 255,80,80 · 150,0,50 · 125,33,129).
 *
 * The EEA applies the bands to station concentrations; Zenne applies them to the latest reading
 * of a low-cost sensor, so a colour here is indicative, not an official index value.
 * A value on a boundary belongs to the lower band (5.0 is Good), as the EEA table's ranges read.
 */
import type { MessageKey } from '../../i18n/i18n.ts';

export interface EaqiBand {
  /** 1 (Good) … 6 (Extremely poor). */
  level: 1 | 2 | 3 | 4 | 5 | 6;
  /** Catalogue key of the band's name (src/i18n). */
  label: MessageKey;
  /** Lower bound (exclusive, except 0 for Good) in µg/m³. */
  lower: number;
  /** Upper bound (inclusive) in µg/m³; the last band's is the top of the EEA scale. */
  upper: number;
  /** Official EAQI colour, CSS hex. */
  colour: string;
}

export const EAQI_PM25_BANDS: readonly EaqiBand[] = [
  { level: 1, label: 'eaqi.1', lower: 0, upper: 5, colour: '#50f0e6' },
  { level: 2, label: 'eaqi.2', lower: 5, upper: 15, colour: '#50ccaa' },
  { level: 3, label: 'eaqi.3', lower: 15, upper: 50, colour: '#f0e641' },
  { level: 4, label: 'eaqi.4', lower: 50, upper: 90, colour: '#ff5050' },
  { level: 5, label: 'eaqi.5', lower: 90, upper: 140, colour: '#960032' },
  { level: 6, label: 'eaqi.6', lower: 140, upper: 800, colour: '#7d2181' },
];

/** Drawn for a sensor without a usable PM2.5 value (the EEA map's grey for "no data"). */
export { NO_VALUE_COLOUR } from '../reading-point-style.ts';

/**
 * The band of a PM2.5 concentration in µg/m³; null for a value that cannot be a concentration
 * (negative or not finite). Values above 800 stay Extremely poor.
 */
export function eaqiPm25Band(value: number): EaqiBand | null {
  if (!Number.isFinite(value) || value < 0) return null;
  for (const band of EAQI_PM25_BANDS) if (value <= band.upper) return band;
  return EAQI_PM25_BANDS[EAQI_PM25_BANDS.length - 1]!;
}
