import { DataType, StatusCodes, type DataValue, type StatusCode } from 'node-opcua';
import type { Assessment } from '@zenne/device-profiles';

/**
 * The quality a reading gets from its OPC UA StatusCode. Part 4 §7.39.1: the
 * two top bits give the severity (00 Good, 01 Uncertain, 10/11 Bad). Good →
 * good; Uncertain → suspect; Bad → bad. The reason names the closest of the
 * shared reasons: the "range" sub-codes (Uncertain_EngineeringUnitsExceeded,
 * Bad_OutOfRange) map to the range reasons, every other one to `sensor_fault`
 * (the device or the server's link to it vouches less for the value).
 */
export function qualityOfStatus(status: StatusCode): Assessment {
  const severity = status.value >>> 30;
  if (severity === 0) return { quality: 'good', reasons: [] };
  const code = status.value & 0xffff0000;
  if (severity === 1) {
    const range = code === (StatusCodes.UncertainEngineeringUnitsExceeded.value & 0xffff0000);
    return { quality: 'suspect', reasons: [range ? 'out_of_plausible_range' : 'sensor_fault'] };
  }
  const range = code === (StatusCodes.BadOutOfRange.value & 0xffff0000);
  return { quality: 'bad', reasons: [range ? 'out_of_valid_range' : 'sensor_fault'] };
}

/** True when the status is Bad (severity bits 1x). */
export function isBadStatus(status: StatusCode): boolean {
  return status.value >>> 31 === 1;
}

/**
 * The shortest decimal that is the same Float32. A Float carries 24 bits
 * (about 7 significant digits); widened to a double, 21.43f reads
 * 21.430000305175781, digits the BMS never sent.
 */
function shortestFloat32(x: number): number {
  for (let digits = 1; digits <= 9; digits += 1) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return x;
}

const NUMERIC_TYPES = new Set<DataType>([
  DataType.SByte,
  DataType.Byte,
  DataType.Int16,
  DataType.UInt16,
  DataType.Int32,
  DataType.UInt32,
  DataType.Float,
  DataType.Double,
]);

/**
 * The number a DataValue carries, or why there is none: `absent` (null
 * variant, typical with a Bad status) or `not_numeric` (a String, an array,
 * a 64-bit integer, NaN ...).
 */
export function numberOf(dataValue: DataValue): { value: number } | { missing: 'absent' | 'not_numeric'; type: string } {
  const variant = dataValue.value;
  if (!variant || variant.dataType === DataType.Null || variant.value === null || variant.value === undefined) {
    return { missing: 'absent', type: 'Null' };
  }
  const type = DataType[variant.dataType] ?? String(variant.dataType);
  if (!NUMERIC_TYPES.has(variant.dataType) || typeof variant.value !== 'number') return { missing: 'not_numeric', type };
  if (!Number.isFinite(variant.value)) return { missing: 'not_numeric', type: `${type} ${variant.value}` };
  return { value: variant.dataType === DataType.Float ? shortestFloat32(variant.value) : variant.value };
}
