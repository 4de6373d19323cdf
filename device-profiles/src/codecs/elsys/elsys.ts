import type { CodecResult, PayloadCodec } from '../codec.ts';

/*
 * Elsys generic LoRaWAN payload (ERS, ERS CO2, ERS Sound, ELT, EMS ... share it):
 * a sequence of [type byte][value bytes], values big-endian. Type table from
 * ELSYS "Sensor payload" document (elsys.se/public/documents/Sensor_payload.pdf,
 * also at elsys.se/en/elsys-payload/), section "Data types". A type the table
 * does not list has an unknown length, so the rest cannot be read: the whole
 * payload is refused rather than misread.
 */

type Read = (bytes: Uint8Array, at: number) => number;
const u8: Read = (b, at) => b[at]!;
const s8: Read = (b, at) => (b[at]! << 24) >> 24;
const u16: Read = (b, at) => (b[at]! << 8) | b[at + 1]!;
const s16: Read = (b, at) => {
  const v = u16(b, at);
  return v >= 0x8000 ? v - 0x10000 : v;
};
const u32: Read = (b, at) => ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
const s32: Read = (b, at) => (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;

/** One type: its value length and the fields it yields (name, offset in the value, reader, scale). */
interface ElsysType {
  length: number;
  fields: ReadonlyArray<[name: string, offset: number, read: Read, scale: number]>;
}

const TYPES: ReadonlyMap<number, ElsysType> = new Map<number, ElsysType>([
  [0x01, { length: 2, fields: [['temperature', 0, s16, 0.1]] }], // °C, 0.1 resolution, signed
  [0x02, { length: 1, fields: [['humidity', 0, u8, 1]] }], // % RH, 0..100
  [0x03, { length: 3, fields: [['acc_x', 0, s8, 1], ['acc_y', 1, s8, 1], ['acc_z', 2, s8, 1]] }], // 63 = 1 g
  [0x04, { length: 2, fields: [['light', 0, u16, 1]] }], // lux
  [0x05, { length: 1, fields: [['motion', 0, u8, 1]] }], // PIR motion count since last uplink
  [0x06, { length: 2, fields: [['co2', 0, u16, 1]] }], // ppm, 0..10000
  [0x07, { length: 2, fields: [['vdd', 0, u16, 1]] }], // battery, mV
  [0x08, { length: 2, fields: [['analog1', 0, u16, 1]] }], // mV
  [0x09, { length: 6, fields: [] }], // GPS position: not a Zenne quantity, skipped
  [0x0a, { length: 2, fields: [['pulse1', 0, u16, 1]] }], // pulses since last uplink
  [0x0b, { length: 4, fields: [['pulse1_abs', 0, u32, 1]] }], // pulses, absolute
  [0x0c, { length: 2, fields: [['ext_temp1', 0, s16, 0.1]] }], // °C
  [0x0d, { length: 1, fields: [['ext_digital', 0, u8, 1]] }],
  [0x0e, { length: 2, fields: [['ext_distance', 0, u16, 1]] }], // mm
  [0x0f, { length: 1, fields: [['acc_motion', 0, u8, 1]] }],
  [0x10, { length: 4, fields: [['ir_internal_temp', 0, s16, 0.1], ['ir_external_temp', 2, s16, 0.1]] }], // °C
  [0x11, { length: 1, fields: [['occupancy', 0, u8, 1]] }], // 0 free, 1 movement, 2 occupied
  [0x12, { length: 1, fields: [['waterleak', 0, u8, 1]] }],
  [0x13, { length: 65, fields: [] }], // Grid-EYE 8x8 thermal image: skipped
  [0x14, { length: 4, fields: [['pressure', 0, u32, 0.001]] }], // hPa
  [0x15, { length: 2, fields: [['sound_peak', 0, u8, 1], ['sound_avg', 1, u8, 1]] }], // dB
  [0x16, { length: 2, fields: [['pulse2', 0, u16, 1]] }],
  [0x17, { length: 4, fields: [['pulse2_abs', 0, u32, 1]] }],
  [0x18, { length: 2, fields: [['analog2', 0, u16, 1]] }], // mV
  [0x19, { length: 2, fields: [['ext_temp2', 0, s16, 0.1]] }], // °C
  [0x1a, { length: 1, fields: [['ext_digital2', 0, u8, 1]] }],
  [0x1b, { length: 4, fields: [['ext_analog_uv', 0, s32, 1]] }], // µV, signed
  [0x3d, { length: 4, fields: [] }], // debug word: skipped
]);

// Type 0x3E: sensor settings, sent once after a join; everything after it is settings, not measurements.
const TYPE_SETTINGS = 0x3e;

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0').toUpperCase()}`;

function decode(payload: Uint8Array): CodecResult {
  if (payload.length === 0) return { ok: false, reason: 'empty payload' };
  const fields: Record<string, number> = {};
  let at = 0;
  while (at < payload.length) {
    const type = payload[at]!;
    if (type === TYPE_SETTINGS) break;
    const spec = TYPES.get(type);
    if (!spec) return { ok: false, reason: `unknown Elsys data type ${hex(type)} at byte ${at}` };
    if (at + 1 + spec.length > payload.length) {
      return { ok: false, reason: `type ${hex(type)} at byte ${at} needs ${spec.length} value bytes, ${payload.length - at - 1} left` };
    }
    for (const [name, offset, read, scale] of spec.fields) {
      // A sensor with two probes of one kind repeats the type: the second becomes name_2.
      let key = name;
      for (let n = 2; Object.hasOwn(fields, key); n += 1) key = `${name}_${n}`;
      fields[key] = Math.round(read(payload, at + 1 + offset) * scale * 1000) / 1000;
    }
    at += 1 + spec.length;
  }
  if (Object.keys(fields).length === 0) return { ok: false, reason: 'no measurement in the payload (settings or debug only)' };
  return { ok: true, fields };
}

/** Elsys ERS family (ERS, ERS CO2, ERS Lite ...): temperature, humidity, light, motion, CO2, battery. */
export const elsysCodec: PayloadCodec = {
  id: 'elsys',
  reference: 'ELSYS "Sensor payload" document, elsys.se/public/documents/Sensor_payload.pdf (generic Elsys LoRaWAN payload)',
  fields: [...TYPES.values()].flatMap((t) => t.fields.map(([name]) => name)),
  decode: (payload) => decode(payload),
};
