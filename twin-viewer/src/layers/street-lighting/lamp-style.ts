import type { MessageKey } from '../../i18n/i18n.ts';
import type { LatestReadings } from '../point-device-layer.ts';
import { readingPointStyle, type PointLook } from '../reading-point-style.ts';

export interface LevelBand {
  label: MessageKey;
  /** Lower bound, % (exclusive, except for Off, which is exactly 0). */
  lower: number;
  /** Upper bound, % (inclusive). */
  upper: number;
  colour: string;
}

/**
 * Dimming level classes, dark to bright like the light they stand for. The bounds separate the
 * steps of the usual night profile (100 % → 70 % → 50 %, issue 5) and deep dimming (≤ 30 %).
 */
export const LEVEL_BANDS: readonly LevelBand[] = [
  { label: 'street-lighting.level.off', lower: 0, upper: 0, colour: '#3a4150' },
  { label: 'street-lighting.level.low', lower: 0, upper: 30, colour: '#8a5a14' },
  { label: 'street-lighting.level.dimmed', lower: 30, upper: 60, colour: '#d08a12' },
  { label: 'street-lighting.level.slight', lower: 60, upper: 90, colour: '#f4b942' },
  { label: 'street-lighting.level.full', lower: 90, upper: 100, colour: '#fff0a0' },
];

/** Outline of a lamp whose controller reports a fault. */
export const FAULT_COLOUR = '#e0182d';
/**
 * Lamps are many and close together (one every 15 m of street counting both sides): smaller
 * than a sensor, so the sensors stay findable. A faulty lamp is drawn larger, to stand out.
 */
const LAMP_SIZE_PX = 9;
const FAULT_SIZE_PX = 17;

/** The class of a level in %; null for a value that cannot be a level (outside 0–100). */
export function levelBand(level: number): LevelBand | null {
  if (!Number.isFinite(level) || level < 0 || level > 100) return null;
  return LEVEL_BANDS.find((b) => level <= b.upper) ?? null;
}

/**
 * The fault bits of the lamp controller profile (device-profiles/profiles/generic-modbus-lamp-controller.yaml,
 * register 8): bit 0 lamp, bit 1 driver or lantern, bit 2 column.
 */
const FAULT_BITS: ReadonlyArray<{ bit: number; label: MessageKey }> = [
  { bit: 0, label: 'street-lighting.fault.lamp' },
  { bit: 1, label: 'street-lighting.fault.driver' },
  { bit: 2, label: 'street-lighting.fault.column' },
];

/** The catalogue keys of the faults a flag word reports, and the bits no key explains. */
export function decodeFaults(flags: number): { known: MessageKey[]; unknownBits: number } {
  const value = Math.trunc(flags);
  const known = FAULT_BITS.filter((f) => (value >> f.bit) & 1).map((f) => f.label);
  const mask = FAULT_BITS.reduce((m, f) => m | (1 << f.bit), 0);
  return { known, unknownBits: value & ~mask };
}

/** True when the latest trustworthy fault word is not 0 (a bad reading says nothing). */
export function hasFault(latest: LatestReadings): boolean {
  const faults = latest.get('lamp_faults');
  return faults !== undefined && faults.quality !== 'bad' && faults.value !== 0;
}

/**
 * A lamp's point: its dimming level class under the shared quality convention (suspect level:
 * ring, bad: grey ring, none: grey disc), with a thick red outline and a larger size on a fault.
 */
export function lampLook(latest: LatestReadings): PointLook {
  const look = readingPointStyle(latest.get('lamp_level') ?? null, (level) => levelBand(level)?.colour ?? null, LAMP_SIZE_PX);
  if (!hasFault(latest)) return look;
  return { ...look, outline: FAULT_COLOUR, outlineWidth: 4, pixelSize: FAULT_SIZE_PX };
}
