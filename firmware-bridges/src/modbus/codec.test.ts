import { describe, expect, it } from 'vitest';
import {
  crc16Modbus,
  decodeRegisterValue,
  decodeResponse,
  encodeRegisterValue,
  encodeRequest,
  encodeRtuFrame,
  encodeTcpFrame,
  parseRtuResponse,
  parseTcpFrame,
  planReadBlocks,
  responseMismatch,
  rtuInterFrameDelayMs,
} from './index.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('CRC-16/MODBUS', () => {
  it('matches the worked example of Modbus over Serial Line V1.02 Appendix B (02 07 -> 41 12 on the wire)', () => {
    const crc = crc16Modbus(hex('02 07'));
    expect([crc & 0xff, crc >> 8]).toEqual([0x41, 0x12]);
  });

  it('matches the Senseair S8 read-CO2 frames of TDE2067 (FE 04 00 03 00 01 D5 C5 / FE 04 02 01 90 AC D8)', () => {
    expect(encodeRtuFrame(0xfe, encodeRequest({ function: 0x04, address: 3, quantity: 1 }))).toEqual(hex('fe 04 00 03 00 01 d5 c5'));
    const parsed = parseRtuResponse(hex('fe 04 02 01 90 ac d8'));
    expect(parsed).toMatchObject({ status: 'frame', unitId: 0xfe, length: 7 });
    if (parsed.status !== 'frame') throw new Error('no frame');
    expect(decodeResponse(parsed.pdu)).toEqual({ ok: true, response: { kind: 'registers', function: 4, values: [400] } });
  });
});

describe('PDUs (examples of MODBUS Application Protocol V1.1b3)', () => {
  it('§6.3 read holding registers 108-110', () => {
    expect(encodeRequest({ function: 0x03, address: 0x6b, quantity: 3 })).toEqual(hex('03 00 6b 00 03'));
    expect(decodeResponse(hex('03 06 02 2b 00 00 00 64'))).toEqual({
      ok: true,
      response: { kind: 'registers', function: 3, values: [0x022b, 0, 0x64] },
    });
  });

  it('§6.4 read input register 9', () => {
    expect(encodeRequest({ function: 0x04, address: 0x08, quantity: 1 })).toEqual(hex('04 00 08 00 01'));
    expect(decodeResponse(hex('04 02 00 0a'))).toEqual({ ok: true, response: { kind: 'registers', function: 4, values: [10] } });
  });

  it('§6.6 write single register 2 = 3, echoed', () => {
    expect(encodeRequest({ function: 0x06, address: 1, value: 3 })).toEqual(hex('06 00 01 00 03'));
    expect(decodeResponse(hex('06 00 01 00 03'))).toEqual({
      ok: true,
      response: { kind: 'write_single', function: 6, address: 1, value: 3 },
    });
  });

  it('§6.12 write multiple registers 2-3 = 000A 0102', () => {
    expect(encodeRequest({ function: 0x10, address: 1, values: [0x000a, 0x0102] })).toEqual(hex('10 00 01 00 02 04 00 0a 01 02'));
    expect(decodeResponse(hex('10 00 01 00 02'))).toEqual({
      ok: true,
      response: { kind: 'write_multiple', function: 16, address: 1, quantity: 2 },
    });
  });

  it('§7 exception response: function code + 0x80 and the exception code', () => {
    expect(decodeResponse(hex('84 02'))).toEqual({
      ok: true,
      response: { kind: 'exception', function: 4, code: 2, name: 'ILLEGAL DATA ADDRESS' },
    });
  });

  it('refuses what the protocol cannot carry, and reports malformed or mismatched answers', () => {
    expect(() => encodeRequest({ function: 0x03, address: 0, quantity: 126 })).toThrow(RangeError);
    expect(() => encodeRequest({ function: 0x06, address: 0, value: 0x10000 })).toThrow(RangeError);
    expect(decodeResponse(hex('03 04 00 01'))).toMatchObject({ ok: false });
    expect(decodeResponse(hex('2b 0e'))).toMatchObject({ ok: false, reason: expect.stringContaining('unsupported') });
    const request = { function: 0x04, address: 0, quantity: 2 } as const;
    expect(responseMismatch(request, { kind: 'registers', function: 4, values: [1] })).toMatch(/1 registers, 2 requested/);
    expect(responseMismatch(request, { kind: 'registers', function: 3, values: [1, 2] })).toMatch(/function 0x3/);
  });
});

describe('RTU framing', () => {
  it('waits for the whole frame, flags a bad CRC, and ignores bytes after the frame', () => {
    const frame = encodeRtuFrame(1, hex('03 06 02 2b 00 00 00 64'));
    expect(frame.length).toBe(11);
    expect(parseRtuResponse(frame.subarray(0, 6))).toEqual({ status: 'incomplete' });
    expect(parseRtuResponse(Buffer.concat([frame, hex('ff ff')]))).toMatchObject({ status: 'frame', length: 11 });
    const corrupt = Buffer.from(frame);
    corrupt[4] = corrupt[4]! ^ 0x10;
    expect(parseRtuResponse(corrupt)).toEqual({ status: 'bad_crc', length: 11 });
    expect(parseRtuResponse(encodeRtuFrame(1, hex('84 02')))).toMatchObject({ status: 'frame', pdu: hex('84 02') });
  });

  it('uses 3.5 character times as inter-frame silence, 1.75 ms above 19200 baud (§2.5.1.1)', () => {
    expect(rtuInterFrameDelayMs(9600)).toBeCloseTo(4.01, 2);
    expect(rtuInterFrameDelayMs(115_200)).toBe(1.75);
  });
});

describe('TCP (MBAP) framing', () => {
  it('encodes the MBAP header and splits a stream into ADUs', () => {
    const request = encodeTcpFrame(1, 0x11, encodeRequest({ function: 0x03, address: 0x6b, quantity: 3 }));
    expect(request).toEqual(hex('00 01 00 00 00 06 11 03 00 6b 00 03'));
    const answer = hex('00 01 00 00 00 09 11 03 06 02 2b 00 00 00 64');
    expect(parseTcpFrame(answer.subarray(0, 10))).toEqual({ status: 'incomplete' });
    const parsed = parseTcpFrame(Buffer.concat([answer, answer]));
    expect(parsed).toMatchObject({ status: 'frame', transactionId: 1, unitId: 0x11, length: 15 });
    expect(parseTcpFrame(hex('00 01 00 07 00 06 11 03 00 6b 00 03'))).toMatchObject({ status: 'bad_header' });
  });
});

describe('register values', () => {
  it('decodes 16- and 32-bit integers and IEEE 754 floats in both word orders, with scale', () => {
    expect(decodeRegisterValue([0xfffe], 0, 'uint16')).toBe(65534);
    expect(decodeRegisterValue([0xfffe], 0, 'int16')).toBe(-2);
    expect(decodeRegisterValue([0x0001, 0x0002], 0, 'uint32')).toBe(65538);
    expect(decodeRegisterValue([0x0002, 0x0001], 0, 'uint32', 'little')).toBe(65538);
    expect(decodeRegisterValue([0xffff, 0xfffe], 0, 'int32')).toBe(-2);
    // 230.5 = 0x43668000 (IEEE 754 binary32)
    expect(decodeRegisterValue([0, 0x4366, 0x8000], 1, 'float32')).toBe(230.5);
    expect(decodeRegisterValue([0x8000, 0x4366], 0, 'float32', 'little')).toBe(230.5);
    expect(decodeRegisterValue([1234], 0, 'int16', 'big', 0.1)).toBeCloseTo(123.4);
    expect(() => decodeRegisterValue([1], 0, 'float32')).toThrow(RangeError);
  });

  it('encodes what it decodes', () => {
    for (const type of ['uint16', 'int16', 'uint32', 'int32', 'float32'] as const) {
      for (const order of ['big', 'little'] as const) {
        const value = type.startsWith('u') ? 4242 : -42.5 * (type === 'float32' ? 1 : 0) - 42;
        expect(decodeRegisterValue(encodeRegisterValue(value, type, order), 0, type, order)).toBe(value);
      }
    }
  });
});

describe('read planning', () => {
  it('merges registers into reads of at most max_block registers', () => {
    const sdm120 = [0x00, 0x06, 0x0c, 0x1e, 0x46, 0x48, 0x4a].map((address) => ({ address, type: 'float32' as const }));
    expect(planReadBlocks(sdm120)).toEqual([{ address: 0, quantity: 0x4c }]);
    expect(planReadBlocks(sdm120, 40)).toEqual([
      { address: 0, quantity: 0x20 },
      { address: 0x46, quantity: 6 },
    ]);
    expect(planReadBlocks([{ address: 3, type: 'uint16' }], 1)).toEqual([{ address: 3, quantity: 1 }]);
  });
});
