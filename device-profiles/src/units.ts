import { QUANTITIES, UNITS, type Quantity, type Unit } from './contracts/quantities.ts';
import { unitErrors } from './errors.ts';

export type Dimension = (typeof UNITS)[Unit]['dimension'];

function unitSpec(unit: string): (typeof UNITS)[Unit] {
  if (!Object.hasOwn(UNITS, unit)) {
    throw unitErrors.UNKNOWN({ unit, known: Object.keys(UNITS).join(', ') });
  }
  return UNITS[unit as Unit];
}

/** The dimension a unit measures (e.g. `K` → `temperature`); throws ZENNE_ERR_UNIT_UNKNOWN. */
export function dimensionOf(unit: Unit): Dimension {
  return unitSpec(unit).dimension;
}

/** The units that share a dimension, in catalogue order. */
export function unitsOfDimension(dimension: Dimension): Unit[] {
  return (Object.keys(UNITS) as Unit[]).filter((u) => UNITS[u].dimension === dimension);
}

/** The canonical unit readings of `quantity` are stored in; throws ZENNE_ERR_UNIT_UNKNOWN_QUANTITY. */
export function canonicalUnit(quantity: Quantity): Unit {
  if (!Object.hasOwn(QUANTITIES, quantity)) {
    throw unitErrors.UNKNOWN_QUANTITY({ quantity, known: Object.keys(QUANTITIES).join(', ') });
  }
  return QUANTITIES[quantity].unit;
}

/** True when a value in `from` can be expressed in `to` (same dimension). */
export function canConvert(from: Unit, to: Unit): boolean {
  return dimensionOf(from) === dimensionOf(to);
}

/**
 * Rounds to 15 significant digits. Float64 carries ~15.9; affine factors such as
 * 5/9 or 0.1 leave noise in the 16th-17th (300 K → 26.850000000000023 °C,
 * 1236 × 0.1 → 123.60000000000001). No sensor resolves 15 digits, so this
 * removes only the noise. Non-finite values pass through.
 */
export function dropFloatNoise(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(15)) : x;
}

/**
 * Converts `value` from one UCUM unit to another of the same dimension, through
 * the dimension's canonical unit (`canonical = value * factor + offset`).
 * Throws ZENNE_ERR_UNIT_DIMENSION_MISMATCH (naming both units) when the
 * dimensions differ and ZENNE_ERR_UNIT_UNKNOWN for a code outside the catalogue.
 * Non-finite input passes through unchanged, so callers can flag it.
 */
export function convert(value: number, from: Unit, to: Unit): number {
  const source = unitSpec(from);
  const target = unitSpec(to);
  if (source.dimension !== target.dimension) {
    throw unitErrors.DIMENSION_MISMATCH({
      from,
      to,
      from_dimension: source.dimension,
      to_dimension: target.dimension,
      compatible: unitsOfDimension(target.dimension).join(', '),
    });
  }
  if (from === to) return value;
  const canonical = value * source.factor + source.offset;
  return dropFloatNoise((canonical - target.offset) / target.factor);
}

/** Converts `value` in `unit` to the canonical unit of `quantity` (e.g. ppb → ppm for co2). */
export function toCanonical(value: number, unit: Unit, quantity: Quantity): number {
  return convert(value, unit, canonicalUnit(quantity));
}
