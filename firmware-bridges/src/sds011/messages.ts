import { z } from 'zod';
import { bridgeErrors } from '../errors.ts';
import type { FrameFault, FrameLayout } from '../framing/frame-scanner.ts';
import { hex } from '../framing/hex.ts';

// Nova Fitness "Laser Dust Sensor Control Protocol V1.3" (2015-07-20), cited as §n below.
// Sensor → host messages are 10 bytes: AA, message id, 6 data bytes, checksum, AB (§3.1, §3.2).

export const HEAD = 0xaa;
export const TAIL = 0xab;
/** Measurement (§3.2 "Query data command", reply column; also sent unasked in active mode). */
export const DATA_ID = 0xc0;
/** Reply to a set/query command (§3.1, §3.3–§3.6, reply column). */
export const REPLY_ID = 0xc5;
export const MESSAGE_LENGTH = 10;
/** The device id value that addresses every sensor (§2). */
export const ALL_SENSORS = 0xffff;

/** Command ids, data byte 1 of commands and replies (§3). */
export const COMMAND_IDS = {
  reporting_mode: 2,
  query_data: 4,
  set_device_id: 5,
  sleep_work: 6,
  firmware_version: 7,
  working_period: 8,
} as const;

/** §1: the checksum is the low 8 bits of the sum of the data bytes (not head, command id or tail). */
export function checksum(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i += 1) sum += bytes[i]!;
  return sum & 0xff;
}

/** Framing checks shared by data frames and replies: tail, then checksum over bytes 2..7. */
function checkMessage(frame: Buffer): FrameFault | undefined {
  if (frame[9] !== TAIL) {
    return { kind: 'bad_tail', detail: `tail byte is 0x${hex(frame.subarray(9))}, expected 0xab` };
  }
  const expected = checksum(frame, 2, 8);
  if (frame[8] !== expected) {
    return {
      kind: 'bad_checksum',
      detail: `checksum byte is 0x${hex(frame.subarray(8, 9))}, the data bytes ${hex(frame.subarray(2, 8))} sum to 0x${hex(Buffer.of(expected))}`,
    };
  }
  return undefined;
}

/** What a sensor sends: measurements (AA C0) and command replies (AA C5). */
export const sensorMessageLayout: FrameLayout = {
  name: 'SDS011 frame',
  frameLength: MESSAGE_LENGTH,
  headers: [Buffer.of(HEAD, DATA_ID), Buffer.of(HEAD, REPLY_ID)],
  check: checkMessage,
};

/** Fields of a data frame, as the `sds011` bridge decodes them. */
export const sds011FieldsSchema = z.strictObject({
  /** µg/m³; the wire carries tenths (§3.2: "04D4 … 1236 … 123.6 μg/m3"). */
  pm2_5: z.number().min(0).max(0xffff / 10),
  pm10: z.number().min(0).max(0xffff / 10),
  /** ID1 << 8 | ID2, as the protocol prints it ("sensor with ID A160": ID1 = A1, ID2 = 60). Defaults to 0. */
  device_id: z.number().int().min(0).max(0xffff).default(0),
});
export type Sds011Fields = z.infer<typeof sds011FieldsSchema>;

/** Decodes the fields of a data frame that passed the framing checks. */
export function decodeDataFields(frame: Uint8Array): Sds011Fields {
  // §3.2: PM2.5 low, PM2.5 high, PM10 low, PM10 high, ID1, ID2.
  return {
    pm2_5: (frame[2]! | (frame[3]! << 8)) / 10,
    pm10: (frame[4]! | (frame[5]! << 8)) / 10,
    device_id: (frame[6]! << 8) | frame[7]!,
  };
}

/**
 * Encodes one data frame. PM values are rounded to the 0.1 µg/m³ the sensor sends.
 * Throws `ZENNE_ERR_BRIDGE_INVALID_FIELDS` for missing, unknown or out-of-range fields.
 */
export function encodeSds011Frame(fields: Record<string, number>): Buffer {
  const parsed = sds011FieldsSchema.safeParse(fields);
  if (!parsed.success) {
    throw bridgeErrors.INVALID_FIELDS({
      bridge: 'sds011',
      reason: z.prettifyError(parsed.error).replace(/\n/g, ' '),
      fields: 'pm2_5, pm10, device_id',
    });
  }
  const { pm2_5, pm10, device_id } = parsed.data;
  const pm25Raw = Math.round(pm2_5 * 10);
  const pm10Raw = Math.round(pm10 * 10);
  return message(DATA_ID, [pm25Raw & 0xff, pm25Raw >> 8, pm10Raw & 0xff, pm10Raw >> 8], device_id);
}

export type Sds011ReportingMode = 'active' | 'query';
export type Sds011WorkState = 'sleep' | 'work';
/** `get` reads the current setting, `set` changes it (data byte 2 of §3.1, §3.4, §3.5). */
export type Sds011Op = 'get' | 'set';

/**
 * A command reply (AA C5). `device_id` is the replying sensor's id; after
 * `set_device_id` it is the new id (§3.3).
 */
export type Sds011Reply = { device_id: number } & (
  | { command: 'reporting_mode'; op: Sds011Op; mode: Sds011ReportingMode }
  | { command: 'set_device_id' }
  | { command: 'sleep_work'; op: Sds011Op; state: Sds011WorkState }
  /** 0 = continuous; n = work 30 s, then sleep n×60−30 s (§3.5). */
  | { command: 'working_period'; op: Sds011Op; minutes: number }
  /** The firmware date, e.g. 15-7-10 (§3.6). */
  | { command: 'firmware_version'; year: number; month: number; day: number }
  /** A reply with a command id or setting this protocol version does not define. */
  | { command: 'unknown'; command_id: number; data: [number, number, number] }
);

const OPS: readonly Sds011Op[] = ['get', 'set'];
const REPORTING_MODES: readonly Sds011ReportingMode[] = ['active', 'query'];
// §3.4 table: 0 = sleep, 1 = work. (Its example ⑶ also calls "AA C5 06 00 00 …" working; the table wins.)
const WORK_STATES: readonly Sds011WorkState[] = ['sleep', 'work'];

/** Decodes the payload of a reply that passed the framing checks; never throws. */
export function decodeReplyPayload(frame: Uint8Array): Sds011Reply {
  const [id, b3, b4, b5] = [frame[2]!, frame[3]!, frame[4]!, frame[5]!];
  const device_id = (frame[6]! << 8) | frame[7]!;
  const op = OPS[b3];
  switch (id) {
    case COMMAND_IDS.reporting_mode: {
      const mode = REPORTING_MODES[b4];
      if (op && mode) return { command: 'reporting_mode', op, mode, device_id };
      break;
    }
    case COMMAND_IDS.set_device_id:
      return { command: 'set_device_id', device_id };
    case COMMAND_IDS.sleep_work: {
      const state = WORK_STATES[b4];
      if (op && state) return { command: 'sleep_work', op, state, device_id };
      break;
    }
    case COMMAND_IDS.working_period:
      if (op && b4 <= 30) return { command: 'working_period', op, minutes: b4, device_id };
      break;
    case COMMAND_IDS.firmware_version:
      return { command: 'firmware_version', year: b3, month: b4, day: b5, device_id };
  }
  return { command: 'unknown', command_id: id, data: [b3, b4, b5], device_id };
}

/**
 * Decodes one 10-byte reply (AA C5 … AB).
 * Throws `ZENNE_ERR_BRIDGE_MALFORMED_MESSAGE` when length, header, tail or checksum are wrong.
 */
export function decodeSds011Reply(bytes: Uint8Array): Sds011Reply {
  const frame = Buffer.from(bytes);
  const malformed = (reason: string) =>
    bridgeErrors.MALFORMED_MESSAGE({ bridge: 'sds011', message: 'reply', reason });
  if (frame.length !== MESSAGE_LENGTH) throw malformed(`${frame.length} bytes, a reply has ${MESSAGE_LENGTH}`);
  if (frame[0] !== HEAD || frame[1] !== REPLY_ID) throw malformed(`starts with ${hex(frame.subarray(0, 2))}, expected aa c5`);
  const fault = checkMessage(frame);
  if (fault) throw malformed(fault.detail);
  return decodeReplyPayload(frame);
}

/**
 * Encodes the reply a sensor sends to a command (device side, for virtual sensors).
 * Throws `ZENNE_ERR_BRIDGE_INVALID_COMMAND` when a value does not fit its byte.
 */
export function encodeSds011Reply(reply: Sds011Reply): Buffer {
  const invalid = (reason: string) => bridgeErrors.INVALID_COMMAND({ bridge: 'sds011', reason });
  if (!Number.isInteger(reply.device_id) || reply.device_id < 0 || reply.device_id > 0xffff) {
    throw invalid(`device_id ${reply.device_id} is not a 16-bit id`);
  }
  const byte = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw invalid(`${name} ${value} does not fit one byte`);
    return value;
  };
  const payload = ((): number[] => {
    switch (reply.command) {
      case 'reporting_mode':
        return [COMMAND_IDS.reporting_mode, OPS.indexOf(reply.op), REPORTING_MODES.indexOf(reply.mode), 0];
      case 'set_device_id':
        return [COMMAND_IDS.set_device_id, 0, 0, 0];
      case 'sleep_work':
        return [COMMAND_IDS.sleep_work, OPS.indexOf(reply.op), WORK_STATES.indexOf(reply.state), 0];
      case 'working_period':
        if (!Number.isInteger(reply.minutes) || reply.minutes < 0 || reply.minutes > 30) {
          throw invalid(`working period ${reply.minutes} min is outside 0–30 (§3.5)`);
        }
        return [COMMAND_IDS.working_period, OPS.indexOf(reply.op), reply.minutes, 0];
      case 'firmware_version':
        return [COMMAND_IDS.firmware_version, byte('year', reply.year), byte('month', reply.month), byte('day', reply.day)];
      case 'unknown':
        return [byte('command_id', reply.command_id), ...reply.data.map((b, i) => byte(`data[${i}]`, b))];
    }
  })();
  if (payload.some((b) => b < 0)) throw invalid(`unknown op, mode or state in ${JSON.stringify(reply)}`);
  return message(REPLY_ID, payload, reply.device_id);
}

/** AA id d1 d2 d3 d4 ID1 ID2 CHK AB */
function message(id: number, data: number[], deviceId: number): Buffer {
  const frame = Buffer.from([HEAD, id, ...data, deviceId >> 8, deviceId & 0xff, 0, TAIL]);
  frame[8] = checksum(frame, 2, 8);
  return frame;
}
