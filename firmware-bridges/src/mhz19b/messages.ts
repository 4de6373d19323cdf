import { z } from 'zod';
import { bridgeErrors } from '../errors.ts';
import type { FrameFault, FrameLayout } from '../framing/frame-scanner.ts';
import { hex } from '../framing/hex.ts';

// Winsen "Intelligent Infrared CO2 Module (Model: MH-Z19B) User's Manual" V1.0 (2016-01-21),
// §7 "UART OUTPUT", cited as §7 below. Every message is 9 bytes: start byte FF, then bytes 1..7,
// then a checksum; the sensor only speaks when asked (§7 lists no unsolicited output).

export const START = 0xff;
/** Byte 1 of a read-CO2 response (§7, "0x86 - Read CO2 concentration", Response). */
export const RESPONSE_ID = 0x86;
export const FRAME_LENGTH = 9;

/**
 * §7 "Checksum": (NOT (Byte1 + … + Byte7)) + 1, on 8 bits; the manual's worked example
 * turns FF 01 86 00 00 00 00 00 into 0x79.
 */
export function checksum(frame: Uint8Array): number {
  let sum = 0;
  for (let i = 1; i < 8; i += 1) sum += frame[i]!;
  return (0xff - (sum & 0xff) + 1) & 0xff;
}

/** Checksum check shared by responses and commands: the length and start are fixed by the layout. */
export function checkFrame(frame: Buffer): FrameFault | undefined {
  const expected = checksum(frame);
  if (frame[8] === expected) return undefined;
  return {
    kind: 'bad_checksum',
    detail: `checksum byte is 0x${hex(frame.subarray(8, 9))}, bytes 1–7 ${hex(frame.subarray(1, 8))} give 0x${hex(Buffer.of(expected))}`,
  };
}

/**
 * Framing of a Winsen read response (FF 86, 9 bytes, §7 checksum). Other Winsen UART modules
 * answer their read command 0x86 with the same frame (e.g. the ZE03, see ../ze03/README.md);
 * `name` says which module in error details.
 */
export function readResponseLayout(name: string): FrameLayout {
  return { name, frameLength: FRAME_LENGTH, headers: [Buffer.of(START, RESPONSE_ID)], check: checkFrame };
}

/** What the sensor sends: read-CO2 responses (FF 86); every other command has "NO RESPONSE" (§7). */
export const responseLayout: FrameLayout = readResponseLayout('MH-Z19B response');

/**
 * Fields of a read-CO2 response, as the `mhz19b` bridge decodes them. Only `co2`: bytes 4–7 are
 * "-" in §7. Some libraries read byte 4 − 40 as a temperature, but neither the manual, the
 * PyPMS sensor notes nor the capture's decoded values (MHZ19B.csv has only CO2) support it.
 */
export const mhz19bFieldsSchema = z.strictObject({
  /** ppm; §7: "CO2 concentration = HIGH * 256 + LOW". */
  co2: z.number().int().min(0).max(0xffff),
});
export type Mhz19bFields = z.infer<typeof mhz19bFieldsSchema>;

/** The value of a Winsen read response (FF 86): §7 "HIGH * 256 + LOW", bytes 2 and 3. */
export function readResponseValue(frame: Uint8Array): number {
  return (frame[2]! << 8) | frame[3]!;
}

/** A Winsen read response carrying `value` (0–65535) in bytes 2–3; bytes 4–7 are sent as 00. */
export function encodeReadResponse(value: number): Buffer {
  return withChecksum([START, RESPONSE_ID, value >> 8, value & 0xff, 0, 0, 0, 0]);
}

/** Decodes the fields of a response that passed the checksum check. */
export function decodeResponseFields(frame: Uint8Array): Mhz19bFields {
  return { co2: readResponseValue(frame) };
}

/**
 * Encodes one read-CO2 response (virtual sensors, tests); bytes 4–7 are sent as 00.
 * Throws `ZENNE_ERR_BRIDGE_INVALID_FIELDS` for missing, unknown or out-of-range fields.
 */
export function encodeMhz19bFrame(fields: Record<string, number>): Buffer {
  const parsed = mhz19bFieldsSchema.safeParse(fields);
  if (!parsed.success) {
    throw bridgeErrors.INVALID_FIELDS({
      bridge: 'mhz19b',
      reason: z.prettifyError(parsed.error).replace(/\n/g, ' '),
      fields: 'co2 (integer ppm, 0–65535)',
    });
  }
  return encodeReadResponse(parsed.data.co2);
}

/** Appends the §7 checksum to bytes 0..7. */
export function withChecksum(bytes: number[]): Buffer {
  const frame = Buffer.from([...bytes, 0]);
  frame[8] = checksum(frame);
  return frame;
}
