/** What a codec makes of one payload: named numeric fields, or why it could not. */
export type CodecResult = { ok: true; fields: Record<string, number> } | { ok: false; reason: string };

/**
 * A payload codec: turns the binary application payload of one device family
 * (a LoRaWAN FRMPayload) into the named fields a profile's channels read.
 * Codecs are plain TypeScript modules listed in ./index.ts; user-supplied
 * JavaScript is never evaluated.
 *
 * `decode` is pure and never throws: a payload it cannot read gives
 * `{ ok: false, reason }` naming the byte offset and what was wrong.
 */
export interface PayloadCodec {
  readonly id: string;
  /** The vendor document that defines the payload format. */
  readonly reference: string;
  /** Every field name `decode` can return, for checking profiles against the codec. */
  readonly fields: readonly string[];
  decode(payload: Uint8Array, fPort: number): CodecResult;
}
