import { describe, expect, it } from 'vitest';
import { findCodec, listCodecIds } from '../index.ts';
import { elsysCodec } from './elsys.ts';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

describe('elsys payload codec', () => {
  it('is registered', () => {
    expect(listCodecIds()).toContain('elsys');
    expect(findCodec('elsys')).toBe(elsysCodec);
  });

  it('decodes the example of the ELSYS "Sensor payload" document', () => {
    // The document's worked example: 01 00E2 | 02 29 | 04 0027 | 05 06 | 06 0308 | 07 0D62.
    expect(elsysCodec.decode(bytes('0100E202290400270506060308070D62'), 5)).toEqual({
      ok: true,
      fields: { temperature: 22.6, humidity: 41, light: 39, motion: 6, co2: 776, vdd: 3426 },
    });
  });

  it('reads temperature as signed tenths of a degree', () => {
    // 0xFF9C = -100 → -10.0 °C (type 0x01: 2 bytes, signed, 0.1 °C).
    expect(elsysCodec.decode(bytes('01FF9C'), 5)).toEqual({ ok: true, fields: { temperature: -10 } });
  });

  it('numbers a repeated type (two external probes)', () => {
    expect(elsysCodec.decode(bytes('1900E21900A3'), 5)).toEqual({ ok: true, fields: { ext_temp2: 22.6, ext_temp2_2: 16.3 } });
  });

  it('stops at the settings block', () => {
    expect(elsysCodec.decode(bytes('0602BC3E0A0B0C'), 5)).toEqual({ ok: true, fields: { co2: 700 } });
  });

  it('refuses truncated, unknown and empty payloads with the reason', () => {
    expect(elsysCodec.decode(bytes('0100E20603'), 5)).toEqual({ ok: false, reason: 'type 0x06 at byte 3 needs 2 value bytes, 1 left' });
    expect(elsysCodec.decode(bytes('0100E240'), 5)).toEqual({ ok: false, reason: 'unknown Elsys data type 0x40 at byte 3' });
    expect(elsysCodec.decode(new Uint8Array(), 5)).toEqual({ ok: false, reason: 'empty payload' });
  });
});
