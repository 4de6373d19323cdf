import { bridgeErrors } from '../errors.ts';
import type { FrameLayout } from '../framing/frame-scanner.ts';
import { hex } from '../framing/hex.ts';
import { FRAME_LENGTH, START, checkFrame, withChecksum } from './messages.ts';

// Host → sensor commands, §7 "Commands": FF, sensor number 01, command, bytes 3..7, checksum.

/** Byte 1 of every command ("Sensor #", always 0x01 in §7). */
export const SENSOR_NUMBER = 0x01;

export const COMMAND_IDS = {
  read_co2: 0x86,
  zero_calibration: 0x87,
  span_calibration: 0x88,
  abc: 0x79,
  detection_range: 0x99,
} as const;

/** §7 0x79: byte 3 is A0 for ABC on, 00 for off. */
const ABC_ON = 0xa0;
/** §7 0x99: "Detection range is 2000 or 5000ppm". */
export const DETECTION_RANGES_PPM = [2000, 5000] as const;
export type Mhz19bDetectionRange = (typeof DETECTION_RANGES_PPM)[number];
/** §7 0x88: "Suggest using 2000ppm as span, at least 1000ppm"; it cannot exceed the largest range. */
const SPAN_MIN_PPM = 1000;
const SPAN_MAX_PPM = 5000;

export type Mhz19bCommand =
  /** §7 0x86 — the sensor answers with a response frame (FF 86). */
  | { command: 'read_co2' }
  /** §7 0x87 — sets the current air as 400 ppm; only after ≥ 20 min in 400 ppm air. No response. */
  | { command: 'zero_calibration' }
  /** §7 0x88 — sets the current air as `span_ppm`; zero calibration first. No response. */
  | { command: 'span_calibration'; span_ppm: number }
  /** §7 0x79 — automatic baseline correction on (factory default, §8 C) or off. No response. */
  | { command: 'abc'; enabled: boolean }
  /** §7 0x99 — full scale 2000 or 5000 ppm. No response. */
  | { command: 'detection_range'; range_ppm: Mhz19bDetectionRange };

function invalid(reason: string) {
  return bridgeErrors.INVALID_COMMAND({ bridge: 'mhz19b', reason });
}

function checkSpan(span: number): number {
  if (!Number.isInteger(span) || span < SPAN_MIN_PPM || span > SPAN_MAX_PPM) {
    throw invalid(`span ${span} ppm is outside ${SPAN_MIN_PPM}–${SPAN_MAX_PPM} (§7 0x88: at least 1000, 2000 suggested)`);
  }
  return span;
}

function checkRange(range: number): Mhz19bDetectionRange {
  const known = DETECTION_RANGES_PPM.find((r) => r === range);
  if (known === undefined) throw invalid(`detection range ${range} ppm is not 2000 or 5000 (§7 0x99)`);
  return known;
}

/**
 * Encodes a host command into its 9 bytes.
 * Throws `ZENNE_ERR_BRIDGE_INVALID_COMMAND` for a span or range the manual does not allow.
 */
export function encodeMhz19bCommand(command: Mhz19bCommand): Buffer {
  const data = [0, 0, 0, 0, 0];
  switch (command.command) {
    case 'span_calibration': {
      const span = checkSpan(command.span_ppm);
      [data[0], data[1]] = [span >> 8, span & 0xff];
      break;
    }
    case 'detection_range': {
      const range = checkRange(command.range_ppm);
      [data[0], data[1]] = [range >> 8, range & 0xff];
      break;
    }
    case 'abc':
      data[0] = command.enabled ? ABC_ON : 0;
      break;
    case 'read_co2':
    case 'zero_calibration':
      break;
  }
  return withChecksum([START, SENSOR_NUMBER, COMMAND_IDS[command.command], ...data]);
}

/**
 * Framing of Winsen host commands (FF 01, 9 bytes, §7 checksum), for device-side stream parsers;
 * shared with the ZE03 (../ze03/). `name` says which module in error details.
 */
export function hostCommandLayout(name: string): FrameLayout {
  return { name, frameLength: FRAME_LENGTH, headers: [Buffer.of(START, SENSOR_NUMBER)], check: checkFrame };
}

/** Framing of MH-Z19B host commands (FF 01), for the device-side stream parser. */
export const commandLayout: FrameLayout = hostCommandLayout('MH-Z19B command');

/**
 * The checks every Winsen host command passes before its command id is read: 9 bytes, FF 01,
 * §7 checksum. Returns the frame and the `ZENNE_ERR_BRIDGE_MALFORMED_MESSAGE` maker for
 * `bridge`'s own checks; throws that error when a check fails.
 */
export function checkHostCommand(bytes: Uint8Array, bridge: string): { frame: Buffer; malformed: (reason: string) => Error } {
  const frame = Buffer.from(bytes);
  const malformed = (reason: string) => bridgeErrors.MALFORMED_MESSAGE({ bridge, message: 'command', reason });
  if (frame.length !== FRAME_LENGTH) throw malformed(`${frame.length} bytes, a command has ${FRAME_LENGTH}`);
  if (frame[0] !== START || frame[1] !== SENSOR_NUMBER) throw malformed(`starts with ${hex(frame.subarray(0, 2))}, expected ff 01`);
  const fault = checkFrame(frame);
  if (fault) throw malformed(fault.detail);
  return { frame, malformed };
}

/**
 * Decodes a host command on the device side (virtual sensors).
 * Throws `ZENNE_ERR_BRIDGE_MALFORMED_MESSAGE` when length, start bytes or checksum are wrong,
 * or the command id or its value is not in §7.
 */
export function decodeMhz19bCommand(bytes: Uint8Array): Mhz19bCommand {
  const { frame, malformed } = checkHostCommand(bytes, 'mhz19b');
  const value = (frame[3]! << 8) | frame[4]!;
  const rethrow = <T>(decode: () => T): T => {
    try {
      return decode();
    } catch (err) {
      throw malformed((err as Error).message);
    }
  };
  switch (frame[2]) {
    case COMMAND_IDS.read_co2:
      return { command: 'read_co2' };
    case COMMAND_IDS.zero_calibration:
      return { command: 'zero_calibration' };
    case COMMAND_IDS.span_calibration:
      return { command: 'span_calibration', span_ppm: rethrow(() => checkSpan(value)) };
    case COMMAND_IDS.detection_range:
      return { command: 'detection_range', range_ppm: rethrow(() => checkRange(value)) };
    case COMMAND_IDS.abc:
      if (frame[3] === ABC_ON || frame[3] === 0) return { command: 'abc', enabled: frame[3] === ABC_ON };
      throw malformed(`byte 3 is 0x${hex(frame.subarray(3, 4))}, expected a0 (ABC on) or 00 (off)`);
    default:
      throw malformed(`command 0x${hex(frame.subarray(2, 3))} is not one of ${Object.values(COMMAND_IDS).map((id) => hex(Buffer.of(id))).join(', ')}`);
  }
}
