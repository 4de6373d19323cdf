/**
 * Modbus PDUs for the register functions, after "MODBUS Application Protocol
 * Specification V1.1b3" (section numbers below refer to it).
 */

export const FUNCTION_READ_HOLDING_REGISTERS = 0x03; // §6.3
export const FUNCTION_READ_INPUT_REGISTERS = 0x04; // §6.4
export const FUNCTION_WRITE_SINGLE_REGISTER = 0x06; // §6.6
export const FUNCTION_WRITE_MULTIPLE_REGISTERS = 0x10; // §6.12

/** §6.3/§6.4: "Quantity of Registers 1 to 125 (0x7D)". */
export const MAX_READ_REGISTERS = 125;
/** §6.12: "Quantity of Registers 1 to 123 (0x7B)". */
export const MAX_WRITE_REGISTERS = 123;

export type ModbusRequest =
  | { function: 0x03 | 0x04; address: number; quantity: number }
  | { function: 0x06; address: number; value: number }
  | { function: 0x10; address: number; values: readonly number[] };

export type ModbusResponse =
  | { kind: 'registers'; function: 0x03 | 0x04; values: number[] }
  | { kind: 'write_single'; function: 0x06; address: number; value: number }
  | { kind: 'write_multiple'; function: 0x10; address: number; quantity: number }
  | { kind: 'exception'; function: number; code: number; name: string };

/** §7 "MODBUS Exception Responses", table of exception codes. */
const EXCEPTION_NAMES: Record<number, string> = {
  0x01: 'ILLEGAL FUNCTION',
  0x02: 'ILLEGAL DATA ADDRESS',
  0x03: 'ILLEGAL DATA VALUE',
  0x04: 'SERVER DEVICE FAILURE',
  0x05: 'ACKNOWLEDGE',
  0x06: 'SERVER DEVICE BUSY',
  0x08: 'MEMORY PARITY ERROR',
  0x0a: 'GATEWAY PATH UNAVAILABLE',
  0x0b: 'GATEWAY TARGET DEVICE FAILED TO RESPOND',
};

export function exceptionName(code: number): string {
  return EXCEPTION_NAMES[code] ?? `UNKNOWN EXCEPTION 0x${code.toString(16).padStart(2, '0')}`;
}

function checkWord(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`${name} ${value} is not a 16-bit unsigned integer`);
}

/** Encodes a request PDU (function code + data). Throws RangeError on values the protocol cannot carry. */
export function encodeRequest(request: ModbusRequest): Buffer {
  checkWord('address', request.address);
  switch (request.function) {
    case 0x03:
    case 0x04: {
      if (!Number.isInteger(request.quantity) || request.quantity < 1 || request.quantity > MAX_READ_REGISTERS) {
        throw new RangeError(`quantity ${request.quantity} is outside 1..${MAX_READ_REGISTERS}`);
      }
      const pdu = Buffer.alloc(5);
      pdu.writeUInt8(request.function, 0);
      pdu.writeUInt16BE(request.address, 1);
      pdu.writeUInt16BE(request.quantity, 3);
      return pdu;
    }
    case 0x06: {
      checkWord('value', request.value);
      const pdu = Buffer.alloc(5);
      pdu.writeUInt8(0x06, 0);
      pdu.writeUInt16BE(request.address, 1);
      pdu.writeUInt16BE(request.value, 3);
      return pdu;
    }
    case 0x10: {
      const n = request.values.length;
      if (n < 1 || n > MAX_WRITE_REGISTERS) throw new RangeError(`${n} registers is outside 1..${MAX_WRITE_REGISTERS}`);
      const pdu = Buffer.alloc(6 + 2 * n);
      pdu.writeUInt8(0x10, 0);
      pdu.writeUInt16BE(request.address, 1);
      pdu.writeUInt16BE(n, 3);
      pdu.writeUInt8(2 * n, 5);
      request.values.forEach((value, i) => {
        checkWord(`value[${i}]`, value);
        pdu.writeUInt16BE(value, 6 + 2 * i);
      });
      return pdu;
    }
  }
}

/**
 * Length of a complete response PDU, from its first bytes; `undefined` while
 * too few bytes are known, `null` for a function code this codec does not
 * speak. RTU needs this: a serial frame carries no length field (Modbus over
 * Serial Line V1.02 §2.5.1.1 delimits frames by silence only).
 */
export function responsePduLength(head: Uint8Array): number | undefined | null {
  if (head.length < 1) return undefined;
  const fn = head[0]!;
  if (fn & 0x80) return 2; // §7: function code + 0x80, exception code
  if (fn === 0x03 || fn === 0x04) return head.length < 2 ? undefined : 2 + head[1]!;
  if (fn === 0x06 || fn === 0x10) return 5; // §6.6/§6.12: echo of address and value/quantity
  return null;
}

export type DecodeResult = { ok: true; response: ModbusResponse } | { ok: false; reason: string };

/** Decodes a response PDU; a malformed one gives `{ ok: false, reason }`, never a throw. */
export function decodeResponse(pdu: Uint8Array): DecodeResult {
  const buf = Buffer.from(pdu.buffer, pdu.byteOffset, pdu.byteLength);
  const expected = responsePduLength(buf);
  if (expected === null) return { ok: false, reason: `unsupported function code 0x${buf[0]!.toString(16)}` };
  if (expected === undefined || buf.length !== expected) {
    return { ok: false, reason: `response PDU is ${buf.length} bytes, expected ${expected ?? 'at least 2'}` };
  }
  const fn = buf[0]!;
  if (fn & 0x80) {
    const code = buf[1]!;
    return { ok: true, response: { kind: 'exception', function: fn & 0x7f, code, name: exceptionName(code) } };
  }
  if (fn === 0x03 || fn === 0x04) {
    const byteCount = buf[1]!;
    if (byteCount % 2 !== 0) return { ok: false, reason: `odd byte count ${byteCount}` };
    const values: number[] = [];
    for (let i = 0; i < byteCount; i += 2) values.push(buf.readUInt16BE(2 + i));
    return { ok: true, response: { kind: 'registers', function: fn, values } };
  }
  if (fn === 0x06) {
    return { ok: true, response: { kind: 'write_single', function: 0x06, address: buf.readUInt16BE(1), value: buf.readUInt16BE(3) } };
  }
  return { ok: true, response: { kind: 'write_multiple', function: 0x10, address: buf.readUInt16BE(1), quantity: buf.readUInt16BE(3) } };
}

/** Why `response` cannot be the answer to `request` (another function, register count or address), or undefined when it can. */
export function responseMismatch(request: ModbusRequest, response: ModbusResponse): string | undefined {
  if (response.function !== request.function) {
    return `answer is for function 0x${response.function.toString(16)}, request was 0x${request.function.toString(16)}`;
  }
  switch (response.kind) {
    case 'exception':
      return undefined;
    case 'registers': {
      const quantity = (request as { quantity: number }).quantity;
      return response.values.length === quantity ? undefined : `answer holds ${response.values.length} registers, ${quantity} requested`;
    }
    case 'write_single':
    case 'write_multiple':
      return response.address === request.address ? undefined : `answer echoes address ${response.address}, request was ${request.address}`;
  }
}
