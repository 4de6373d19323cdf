import { z } from 'zod';
import { bridgeErrors } from '../errors.ts';
import { encodeReadResponse, readResponseLayout, readResponseValue } from '../mhz19b/messages.ts';

// Winsen ZE03 electrochemical gas module, UART in question-and-answer mode. The module answers
// the read command 0x86 with the Winsen 9-byte read response shared with the MH-Z19B
// (FF 86 HIGH LOW, 4 unused bytes, checksum = NOT(byte 1 + … + byte 7) + 1): see ./README.md for
// the sources and for what could not be confirmed (the active-upload frame).

/** What the module sends in Q&A mode: read responses (FF 86). */
export const responseLayout = readResponseLayout('ZE03 read response');

/**
 * Fields of a read response, as the `ze03` bridge decodes them. The wire carries a count of the
 * gas's resolution, the same for every ZE03 variant ("concentration = HIGH × 256 + LOW",
 * then × resolution: 0.1 ppm for the ZE03-NO2); the profile of each variant applies its resolution.
 */
export const ze03FieldsSchema = z.strictObject({
  /** Counts of the module's resolution, bytes 2–3 of the response. */
  concentration: z.number().int().min(0).max(0xffff),
});
export type Ze03Fields = z.infer<typeof ze03FieldsSchema>;

/** Decodes the fields of a response that passed the checksum check. */
export function decodeZe03Response(frame: Uint8Array): Ze03Fields {
  return { concentration: readResponseValue(frame) };
}

/**
 * Encodes one read response (virtual sensors, tests); bytes 4–7 are sent as 00.
 * Throws `ZENNE_ERR_BRIDGE_INVALID_FIELDS` for missing, unknown or out-of-range fields.
 */
export function encodeZe03Frame(fields: Record<string, number>): Buffer {
  const parsed = ze03FieldsSchema.safeParse(fields);
  if (!parsed.success) {
    throw bridgeErrors.INVALID_FIELDS({
      bridge: 'ze03',
      reason: z.prettifyError(parsed.error).replace(/\n/g, ' '),
      fields: 'concentration (integer counts of the resolution, 0–65535)',
    });
  }
  return encodeReadResponse(parsed.data.concentration);
}
