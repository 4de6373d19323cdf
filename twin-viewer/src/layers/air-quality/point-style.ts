import type { Reading } from '@zenne/device-profiles/contracts';
import { readingPointStyle, type PointLook } from '../reading-point-style.ts';
import { eaqiPm25Band, type EaqiBand } from './eaqi.ts';

export interface PointStyle extends PointLook {
  band: EaqiBand | null;
}

/** A PM2.5 sensor's point: its EAQI band colour under the shared quality convention. */
export function pointStyle(reading: Reading | null): PointStyle {
  const band = reading && reading.quality !== 'bad' ? eaqiPm25Band(reading.value) : null;
  return { ...readingPointStyle(reading, (value) => eaqiPm25Band(value)?.colour ?? null), band };
}
