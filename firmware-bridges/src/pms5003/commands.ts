import { bridgeErrors } from '../errors.ts';
import type { FrameLayout } from '../framing/frame-scanner.ts';
import { hex } from '../framing/hex.ts';
import { START_1, START_2, sum16 } from './messages.ts';

// Host → sensor commands (PMS5003 data manual, "Appendix B: transport protocol – passive mode";
// PyPMS docs/sensors/Plantower.md "commands"): 42 4D CMD DATAH DATAL LRCH LRCL, where
// LRC is the 16-bit sum of the first five bytes.

export const COMMAND_LENGTH = 7;

export const PMS5003_COMMAND_CODES = {
  /** Read a data frame while in passive mode. */
  read: 0xe2,
  /** DATAL 0 = passive, 1 = active. */
  change_mode: 0xe1,
  /** DATAL 0 = sleep, 1 = wakeup. */
  sleep_wakeup: 0xe4,
} as const;

export type Pms5003Mode = 'passive' | 'active';
export type Pms5003SleepState = 'sleep' | 'wakeup';

export type Pms5003Command =
  | { command: 'read' }
  | { command: 'change_mode'; mode: Pms5003Mode }
  | { command: 'sleep_wakeup'; state: Pms5003SleepState };

/** Encodes a host command into its 7 bytes. */
export function encodePms5003Command(command: Pms5003Command): Buffer {
  const data = (() => {
    switch (command.command) {
      case 'read':
        return 0;
      case 'change_mode':
        return command.mode === 'active' ? 1 : 0;
      case 'sleep_wakeup':
        return command.state === 'wakeup' ? 1 : 0;
    }
  })();
  const frame = Buffer.of(START_1, START_2, PMS5003_COMMAND_CODES[command.command], 0, data, 0, 0);
  frame.writeUInt16BE(sum16(frame, 0, 5), 5);
  return frame;
}

export const commandLayout: FrameLayout = {
  name: 'PMS5003 command',
  frameLength: COMMAND_LENGTH,
  headers: [Buffer.of(START_1, START_2)],
  check(frame) {
    const expected = sum16(frame, 0, 5);
    const actual = frame.readUInt16BE(5);
    if (actual === expected) return undefined;
    return {
      kind: 'bad_checksum',
      detail: `LRC is 0x${actual.toString(16).padStart(4, '0')}, bytes 0–4 sum to 0x${expected.toString(16).padStart(4, '0')}`,
    };
  },
};

/**
 * Decodes a host command on the device side (virtual sensors).
 * Throws `ZENNE_ERR_BRIDGE_MALFORMED_MESSAGE` for a wrong length, start bytes,
 * LRC, command code or data value.
 */
export function decodePms5003Command(bytes: Uint8Array): Pms5003Command {
  const frame = Buffer.from(bytes);
  const malformed = (reason: string) =>
    bridgeErrors.MALFORMED_MESSAGE({ bridge: 'pms5003', message: 'command', reason });
  if (frame.length !== COMMAND_LENGTH) throw malformed(`${frame.length} bytes, a command has ${COMMAND_LENGTH}`);
  if (frame[0] !== START_1 || frame[1] !== START_2) throw malformed(`starts with ${hex(frame.subarray(0, 2))}, expected 42 4d`);
  const fault = commandLayout.check(frame);
  if (fault) throw malformed(fault.detail);
  const data = frame.readUInt16BE(3);
  const flag = (meaning: string) => {
    if (data > 1) throw malformed(`data is ${data}, expected ${meaning}`);
    return data;
  };
  switch (frame[2]) {
    case PMS5003_COMMAND_CODES.read:
      return { command: 'read' };
    case PMS5003_COMMAND_CODES.change_mode:
      return { command: 'change_mode', mode: flag('0 (passive) or 1 (active)') === 1 ? 'active' : 'passive' };
    case PMS5003_COMMAND_CODES.sleep_wakeup:
      return { command: 'sleep_wakeup', state: flag('0 (sleep) or 1 (wakeup)') === 1 ? 'wakeup' : 'sleep' };
    default:
      throw malformed(`command code 0x${hex(frame.subarray(2, 3))} is not e1, e2 or e4`);
  }
}
