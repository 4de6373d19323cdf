import { crc32 } from 'node:zlib';

/**
 * One log record: u32le payload length, u32le CRC-32 of the payload, payload
 * (the Reading as UTF-8 JSON). The CRC tells a complete record from a torn or
 * damaged one; the length bound keeps a damaged length from being trusted.
 */
const RECORD_HEADER_BYTES = 8;
/** A Reading is a few hundred bytes; anything near this bound is damage, not data. */
const MAX_RECORD_PAYLOAD_BYTES = 64 * 1024;

export function encodeRecord(json: string): Buffer {
  const payload = Buffer.from(json, 'utf8');
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  record.writeUInt32LE(payload.length, 0);
  record.writeUInt32LE(crc32(payload), 4);
  payload.copy(record, RECORD_HEADER_BYTES);
  return record;
}

export type DecodedRecord =
  | { kind: 'record'; json: string; end: number }
  /** Not enough bytes for the record that starts here (end of data so far). */
  | { kind: 'incomplete' }
  /** The bytes here are not a record (bad length or CRC). */
  | { kind: 'damaged'; reason: string };

/** Decodes the record starting at `offset` of `bytes`. */
export function decodeRecord(bytes: Buffer, offset: number): DecodedRecord {
  if (bytes.length - offset < RECORD_HEADER_BYTES) return { kind: 'incomplete' };
  const length = bytes.readUInt32LE(offset);
  if (length === 0 || length > MAX_RECORD_PAYLOAD_BYTES) return { kind: 'damaged', reason: `length ${length} out of bounds` };
  const end = offset + RECORD_HEADER_BYTES + length;
  if (end > bytes.length) return { kind: 'incomplete' };
  const payload = bytes.subarray(offset + RECORD_HEADER_BYTES, end);
  if (crc32(payload) !== bytes.readUInt32LE(offset + 4)) return { kind: 'damaged', reason: 'CRC mismatch' };
  return { kind: 'record', json: payload.toString('utf8'), end };
}
