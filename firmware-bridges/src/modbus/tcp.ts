/**
 * Modbus TCP ADU = MBAP header + PDU, "MODBUS Messaging on TCP/IP
 * Implementation Guide V1.0b" §3.1.3: transaction id (2 bytes), protocol id
 * (2 bytes, 0 = Modbus), length (2 bytes, counting the unit id and the PDU),
 * unit id (1 byte). No CRC: TCP checks integrity (§3.1.2).
 */
export const MBAP_HEADER_LENGTH = 7;
// §4.2: "the maximum size of a MODBUS PDU is 253 bytes"; length = unit id + PDU.
const MAX_MBAP_LENGTH = 254;

export function encodeTcpFrame(transactionId: number, unitId: number, pdu: Uint8Array): Buffer {
  if (!Number.isInteger(transactionId) || transactionId < 0 || transactionId > 0xffff) {
    throw new RangeError(`transaction id ${transactionId} is outside 0..65535`);
  }
  if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) throw new RangeError(`unit id ${unitId} is outside 0..255`);
  const frame = Buffer.alloc(MBAP_HEADER_LENGTH + pdu.length);
  frame.writeUInt16BE(transactionId, 0);
  frame.writeUInt16BE(0, 2);
  frame.writeUInt16BE(pdu.length + 1, 4);
  frame.writeUInt8(unitId, 6);
  frame.set(pdu, MBAP_HEADER_LENGTH);
  return frame;
}

export type TcpParse =
  | { status: 'incomplete' }
  | { status: 'frame'; transactionId: number; unitId: number; pdu: Buffer; length: number }
  | { status: 'bad_header'; reason: string };

/** Reads one ADU from the start of a TCP byte stream; `length` is how many bytes it took. */
export function parseTcpFrame(bytes: Uint8Array): TcpParse {
  if (bytes.length < MBAP_HEADER_LENGTH) return { status: 'incomplete' };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const protocolId = buf.readUInt16BE(2);
  if (protocolId !== 0) return { status: 'bad_header', reason: `protocol id ${protocolId}, Modbus is 0` };
  const mbapLength = buf.readUInt16BE(4);
  if (mbapLength < 2 || mbapLength > MAX_MBAP_LENGTH) return { status: 'bad_header', reason: `MBAP length ${mbapLength} is outside 2..${MAX_MBAP_LENGTH}` };
  const length = 6 + mbapLength;
  if (buf.length < length) return { status: 'incomplete' };
  return {
    status: 'frame',
    transactionId: buf.readUInt16BE(0),
    unitId: buf[6]!,
    pdu: Buffer.from(buf.subarray(MBAP_HEADER_LENGTH, length)),
    length,
  };
}
