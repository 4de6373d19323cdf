import { z } from 'zod';
import { bridgeErrors } from '../errors.ts';
import type { FrameLayout } from '../framing/frame-scanner.ts';
import { hex } from '../framing/hex.ts';

// Plantower PMS5003 data frame (PMS5003 data manual, "Transport protocol – active mode";
// PyPMS docs/sensors/Plantower.md, PMSx003): 32 bytes =
// 42 4D, frame length (2 bytes, big-endian, = 2×13 data + 2 check = 28),
// 13 data words big-endian, check word = 16-bit sum of bytes 0..29.

export const START_1 = 0x42;
export const START_2 = 0x4d;
export const FRAME_LENGTH = 32;
/** The length field counts the bytes after itself: 13 data words and the check word. */
export const LENGTH_FIELD = FRAME_LENGTH - 4;

/** Data words 1–12 in wire order; word 13 is reserved and not decoded. */
export const PMS5003_FIELDS = [
  'pm1_cf1',
  'pm2_5_cf1',
  'pm10_cf1',
  'pm1',
  'pm2_5',
  'pm10',
  'n0_3',
  'n0_5',
  'n1_0',
  'n2_5',
  'n5_0',
  'n10_0',
] as const;

/** Sum of the bytes in [from, to), modulo 2^16 as the sensor computes it. */
export function sum16(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i += 1) sum += bytes[i]!;
  return sum & 0xffff;
}

export const dataFrameLayout: FrameLayout = {
  name: 'PMS5003 frame',
  frameLength: FRAME_LENGTH,
  headers: [Buffer.of(START_1, START_2)],
  check(frame) {
    const length = frame.readUInt16BE(2);
    if (length !== LENGTH_FIELD) {
      return {
        kind: 'bad_length',
        detail: `length field is ${length} (0x${hex(frame.subarray(2, 4)).replace(' ', '')}), a PMS5003 data frame has ${LENGTH_FIELD}`,
      };
    }
    const expected = sum16(frame, 0, 30);
    const actual = frame.readUInt16BE(30);
    if (actual !== expected) {
      return {
        kind: 'bad_checksum',
        detail: `check word is 0x${actual.toString(16).padStart(4, '0')}, bytes 0–29 sum to 0x${expected.toString(16).padStart(4, '0')}`,
      };
    }
    return undefined;
  },
};

const word = z.number().min(0).max(0xffff);

/**
 * Fields of a data frame: µg/m³ (`*_cf1` = "CF=1, standard particle", the
 * others = "atmospheric environment") and particle counts per 0.1 L, raw.
 * pm2_5 and pm10 are required when encoding; the others default to 0.
 */
export const pms5003FieldsSchema = z.strictObject({
  pm1_cf1: word.default(0),
  pm2_5_cf1: word.default(0),
  pm10_cf1: word.default(0),
  pm1: word.default(0),
  pm2_5: word,
  pm10: word,
  n0_3: word.default(0),
  n0_5: word.default(0),
  n1_0: word.default(0),
  n2_5: word.default(0),
  n5_0: word.default(0),
  n10_0: word.default(0),
});
export type Pms5003Fields = z.infer<typeof pms5003FieldsSchema>;

export function decodeDataFields(frame: Buffer): Pms5003Fields {
  const fields = {} as Pms5003Fields;
  for (const [i, name] of PMS5003_FIELDS.entries()) fields[name] = frame.readUInt16BE(4 + 2 * i);
  return fields;
}

/**
 * Encodes one data frame; values are rounded to the integers the sensor sends
 * and the reserved word is 0. Throws `ZENNE_ERR_BRIDGE_INVALID_FIELDS` for
 * missing, unknown or out-of-range fields.
 */
export function encodePms5003Frame(fields: Record<string, number>): Buffer {
  const parsed = pms5003FieldsSchema.safeParse(fields);
  if (!parsed.success) {
    throw bridgeErrors.INVALID_FIELDS({
      bridge: 'pms5003',
      reason: z.prettifyError(parsed.error).replace(/\n/g, ' '),
      fields: PMS5003_FIELDS.join(', '),
    });
  }
  const frame = Buffer.alloc(FRAME_LENGTH);
  frame[0] = START_1;
  frame[1] = START_2;
  frame.writeUInt16BE(LENGTH_FIELD, 2);
  for (const [i, name] of PMS5003_FIELDS.entries()) frame.writeUInt16BE(Math.round(parsed.data[name]), 4 + 2 * i);
  frame.writeUInt16BE(sum16(frame, 0, 30), 30);
  return frame;
}
