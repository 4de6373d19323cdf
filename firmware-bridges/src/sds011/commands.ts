import { bridgeErrors } from '../errors.ts';
import type { FrameLayout } from '../framing/frame-scanner.ts';
import { hex } from '../framing/hex.ts';
import {
  ALL_SENSORS,
  COMMAND_IDS,
  HEAD,
  TAIL,
  checksum,
  type Sds011Op,
  type Sds011ReportingMode,
  type Sds011WorkState,
} from './messages.ts';

// Host → sensor commands, Laser Dust Sensor Control Protocol V1.3 §1 and §3:
// 19 bytes = AA, B4, data bytes 1..15, checksum, AB. Data byte 1 is the command id,
// data bytes 14–15 the addressed sensor's id (FF FF = every sensor, §2).

export const COMMAND_HEAD_ID = 0xb4;
export const COMMAND_LENGTH = 19;

/** Which sensor must answer: its 16-bit id, or `all` (FF FF, §2). Defaults to `all`. */
export type Sds011Target = number | 'all';

export type Sds011Command = { target?: Sds011Target } & (
  /** §3.1 — active: the sensor reports every working period; query: only when asked. */
  | { command: 'reporting_mode'; op: 'get' }
  | { command: 'reporting_mode'; op: 'set'; mode: Sds011ReportingMode }
  /** §3.2 — the sensor answers with a data frame (AA C0). */
  | { command: 'query_data' }
  /** §3.3 */
  | { command: 'set_device_id'; new_device_id: number }
  /** §3.4 — not kept over a power cycle. */
  | { command: 'sleep_work'; op: 'get' }
  | { command: 'sleep_work'; op: 'set'; state: Sds011WorkState }
  /** §3.5 — minutes 0 (continuous) to 30. */
  | { command: 'working_period'; op: 'get' }
  | { command: 'working_period'; op: 'set'; minutes: number }
  /** §3.6 */
  | { command: 'firmware_version' }
);

/** A command as decoded on the device side: the target is always explicit. */
export type DecodedSds011Command = Sds011Command & { target: Sds011Target };

function invalid(reason: string) {
  return bridgeErrors.INVALID_COMMAND({ bridge: 'sds011', reason });
}

function u16(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw invalid(`${name} ${value} is not a 16-bit id`);
  return value;
}

function opByte(op: Sds011Op): number {
  return op === 'set' ? 1 : 0;
}

/**
 * Encodes a host command into its 19 bytes.
 * Throws `ZENNE_ERR_BRIDGE_INVALID_COMMAND` for out-of-range values.
 */
export function encodeSds011Command(command: Sds011Command): Buffer {
  const frame = Buffer.alloc(COMMAND_LENGTH);
  frame[0] = HEAD;
  frame[1] = COMMAND_HEAD_ID;
  frame[2] = COMMAND_IDS[command.command];
  switch (command.command) {
    case 'reporting_mode':
      frame[3] = opByte(command.op);
      if (command.op === 'set') frame[4] = command.mode === 'query' ? 1 : 0;
      break;
    case 'sleep_work':
      frame[3] = opByte(command.op);
      if (command.op === 'set') frame[4] = command.state === 'work' ? 1 : 0;
      break;
    case 'working_period':
      frame[3] = opByte(command.op);
      if (command.op === 'set') {
        if (!Number.isInteger(command.minutes) || command.minutes < 0 || command.minutes > 30) {
          throw invalid(`working period ${command.minutes} min is outside 0–30 (§3.5)`);
        }
        frame[4] = command.minutes;
      }
      break;
    case 'set_device_id': {
      // §3.3: the new id goes in data bytes 12–13.
      const id = u16('new_device_id', command.new_device_id);
      frame[13] = id >> 8;
      frame[14] = id & 0xff;
      break;
    }
    case 'query_data':
    case 'firmware_version':
      break;
  }
  const target = command.target === undefined || command.target === 'all' ? ALL_SENSORS : u16('target', command.target);
  frame[15] = target >> 8;
  frame[16] = target & 0xff;
  frame[17] = checksum(frame, 2, 17);
  frame[18] = TAIL;
  return frame;
}

/** Framing of host commands, for the device-side stream parser. */
export const commandLayout: FrameLayout = {
  name: 'SDS011 command',
  frameLength: COMMAND_LENGTH,
  headers: [Buffer.of(HEAD, COMMAND_HEAD_ID)],
  check(frame) {
    if (frame[18] !== TAIL) {
      return { kind: 'bad_tail', detail: `tail byte is 0x${hex(frame.subarray(18))}, expected 0xab` };
    }
    const expected = checksum(frame, 2, 17);
    if (frame[17] !== expected) {
      return {
        kind: 'bad_checksum',
        detail: `checksum byte is 0x${hex(frame.subarray(17, 18))}, data bytes 1–15 sum to 0x${hex(Buffer.of(expected))}`,
      };
    }
    return undefined;
  },
};

const COMMAND_BY_ID = new Map<number, Sds011Command['command']>(
  Object.entries(COMMAND_IDS).map(([name, id]) => [id, name as Sds011Command['command']]),
);

/**
 * Decodes a host command on the device side (virtual sensors).
 * Throws `ZENNE_ERR_BRIDGE_MALFORMED_MESSAGE` when length, header, tail or
 * checksum are wrong, or the command id or a setting is not in §3.
 */
export function decodeSds011Command(bytes: Uint8Array): DecodedSds011Command {
  const frame = Buffer.from(bytes);
  const malformed = (reason: string) =>
    bridgeErrors.MALFORMED_MESSAGE({ bridge: 'sds011', message: 'command', reason });
  if (frame.length !== COMMAND_LENGTH) throw malformed(`${frame.length} bytes, a command has ${COMMAND_LENGTH}`);
  if (frame[0] !== HEAD || frame[1] !== COMMAND_HEAD_ID) {
    throw malformed(`starts with ${hex(frame.subarray(0, 2))}, expected aa b4`);
  }
  const fault = commandLayout.check(frame);
  if (fault) throw malformed(fault.detail);

  const rawTarget = (frame[15]! << 8) | frame[16]!;
  const target: Sds011Target = rawTarget === ALL_SENSORS ? 'all' : rawTarget;
  const name = COMMAND_BY_ID.get(frame[2]!);
  const [opRaw, value] = [frame[3]!, frame[4]!];
  const readOp = (): Sds011Op => {
    if (opRaw > 1) throw malformed(`data byte 2 is ${opRaw}, expected 0 (get) or 1 (set)`);
    return opRaw === 1 ? 'set' : 'get';
  };
  const setting = (meaning: string, max: number) => {
    if (value > max) throw malformed(`data byte 3 is ${value}, expected ${meaning}`);
    return value;
  };
  const op = name === 'reporting_mode' || name === 'sleep_work' || name === 'working_period' ? readOp() : 'get';
  switch (name) {
    case 'reporting_mode':
      return op === 'get'
        ? { command: name, op, target }
        : { command: name, op, mode: setting('0 (active) or 1 (query)', 1) === 1 ? 'query' : 'active', target };
    case 'sleep_work':
      return op === 'get'
        ? { command: name, op, target }
        : { command: name, op, state: setting('0 (sleep) or 1 (work)', 1) === 1 ? 'work' : 'sleep', target };
    case 'working_period':
      return op === 'get'
        ? { command: name, op, target }
        : { command: name, op, minutes: setting('0–30 minutes', 30), target };
    case 'set_device_id':
      return { command: name, new_device_id: (frame[13]! << 8) | frame[14]!, target };
    case 'query_data':
    case 'firmware_version':
      return { command: name, target };
    case undefined:
      throw malformed(`command id ${frame[2]} is not one of ${[...COMMAND_BY_ID.keys()].join(', ')}`);
  }
}
