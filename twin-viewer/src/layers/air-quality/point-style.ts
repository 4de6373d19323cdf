import type { Reading } from '@zenne/device-profiles/contracts';
import { eaqiPm25Band, NO_VALUE_COLOUR, type EaqiBand } from './eaqi.ts';

/** How one sensor point looks, independent of Cesium (so it is unit-testable). */
export interface PointStyle {
  /** Fill colour, CSS hex. */
  fill: string;
  /** Fill opacity: 1 for a trusted value, low for a hollow ring. */
  fillAlpha: number;
  outline: string;
  outlineWidth: number;
  /** The colour that identifies the state: the band colour, or grey without a usable value. */
  colour: string;
  band: EaqiBand | null;
}

const DARK_OUTLINE = '#1d232b';

/**
 * Good readings: a disc filled with the EAQI band colour. Suspect readings: a ring in the band
 * colour (the value is shown, but flagged). Bad readings and sensors without a value: grey,
 * bad ones as a ring (a bad value says nothing about the air).
 */
export function pointStyle(reading: Reading | null): PointStyle {
  if (!reading) {
    return { fill: NO_VALUE_COLOUR, fillAlpha: 1, outline: DARK_OUTLINE, outlineWidth: 2, colour: NO_VALUE_COLOUR, band: null };
  }
  const band = reading.quality === 'bad' ? null : eaqiPm25Band(reading.value);
  const colour = band?.colour ?? NO_VALUE_COLOUR;
  if (reading.quality === 'good' && band) {
    return { fill: colour, fillAlpha: 1, outline: DARK_OUTLINE, outlineWidth: 2, colour, band };
  }
  return { fill: colour, fillAlpha: 0.12, outline: colour, outlineWidth: 4, colour, band };
}
