import { crc16Modbus } from './crc16.ts';
import { responsePduLength } from './pdu.ts';

/**
 * RTU ADU = address (unit id) + PDU + CRC, "MODBUS over Serial Line V1.02"
 * §2.5.1 (Figure 13); the CRC is appended low byte first (§2.5.1.2).
 */
export function encodeRtuFrame(unitId: number, pdu: Uint8Array): Buffer {
  // §2.2 reserves 248-255, yet devices use them: the Senseair S8 answers 254 ("any sensor", TDE2067 §4).
  if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) throw new RangeError(`unit id ${unitId} is outside 0..255`);
  const frame = Buffer.alloc(pdu.length + 3);
  frame.writeUInt8(unitId, 0);
  frame.set(pdu, 1);
  frame.writeUInt16LE(crc16Modbus(frame.subarray(0, pdu.length + 1)), pdu.length + 1);
  return frame;
}

export type RtuParse =
  | { status: 'incomplete' }
  | { status: 'frame'; unitId: number; pdu: Buffer; length: number }
  | { status: 'bad_crc'; length: number }
  | { status: 'unknown_function'; functionCode: number };

/**
 * Reads one response frame from the start of `bytes` (what arrived since the
 * request went out). `length` is how many bytes the frame took; anything
 * after it is not part of the answer.
 */
export function parseRtuResponse(bytes: Uint8Array): RtuParse {
  if (bytes.length < 2) return { status: 'incomplete' };
  const pduLength = responsePduLength(bytes.subarray(1));
  if (pduLength === null) return { status: 'unknown_function', functionCode: bytes[1]! };
  if (pduLength === undefined) return { status: 'incomplete' };
  const length = 1 + pduLength + 2;
  if (bytes.length < length) return { status: 'incomplete' };
  const frame = Buffer.from(bytes.buffer, bytes.byteOffset, length);
  if (crc16Modbus(frame.subarray(0, length - 2)) !== frame.readUInt16LE(length - 2)) return { status: 'bad_crc', length };
  return { status: 'frame', unitId: frame[0]!, pdu: Buffer.from(frame.subarray(1, length - 2)), length };
}

/**
 * Silent interval that ends an RTU frame, in ms: 3.5 character times of 11
 * bits, fixed at 1.75 ms above 19200 baud ("MODBUS over Serial Line V1.02"
 * §2.5.1.1). A master waits this long before its next request.
 */
export function rtuInterFrameDelayMs(baudRate: number): number {
  return baudRate > 19_200 ? 1.75 : (3.5 * 11 * 1000) / baudRate;
}
