import type { Reading } from '@zenne/device-profiles/contracts';

/** How one device point looks, independent of Cesium (so it is unit-testable). */
export interface PointLook {
  /** Fill colour, CSS hex. */
  fill: string;
  /** Fill opacity: 1 for a trusted value, low for a hollow ring. */
  fillAlpha: number;
  outline: string;
  outlineWidth: number;
  /** Diameter in CSS pixels. */
  pixelSize: number;
  /** The colour that identifies the value: its class colour, or grey without a usable value. */
  colour: string;
}

/** Drawn for a device without a usable value (the EEA map's grey for "no data"). */
export const NO_VALUE_COLOUR = '#9e9e9e';
export const DARK_OUTLINE = '#1d232b';
/** Default point diameter (CSS px): a sensor, visible among the buildings at street scale. */
export const POINT_SIZE_PX = 16;

/**
 * The quality convention every layer shares: a good reading is a disc filled with its class
 * colour; a suspect one a ring in that colour (shown, but flagged); a bad one a grey ring (a bad
 * value says nothing); a device without a reading a grey disc. `colourOf` gives a value's class
 * colour, or null for a value outside every class.
 */
export function readingPointStyle(
  reading: Reading | null,
  colourOf: (value: number) => string | null,
  pixelSize: number = POINT_SIZE_PX,
): PointLook {
  if (!reading) {
    return { fill: NO_VALUE_COLOUR, fillAlpha: 1, outline: DARK_OUTLINE, outlineWidth: 2, pixelSize, colour: NO_VALUE_COLOUR };
  }
  const colour = (reading.quality === 'bad' ? null : colourOf(reading.value)) ?? NO_VALUE_COLOUR;
  if (reading.quality === 'good' && colour !== NO_VALUE_COLOUR) {
    return { fill: colour, fillAlpha: 1, outline: DARK_OUTLINE, outlineWidth: 2, pixelSize, colour };
  }
  return { fill: colour, fillAlpha: 0.12, outline: colour, outlineWidth: 3, pixelSize, colour };
}
