import { hex } from '../framing/hex.ts';
import { SENSOR_NUMBER, checkHostCommand, hostCommandLayout } from '../mhz19b/commands.ts';
import { START, withChecksum } from '../mhz19b/messages.ts';

// Host → module commands: FF, 01, command, bytes 3..7, checksum (the Winsen command frame of
// the MH-Z19B). Only the two commands three independent ZE03 drivers agree on (./README.md).

export const ZE03_COMMAND_IDS = {
  /** Answered by one read response (FF 86). */
  read_concentration: 0x86,
  /** Byte 3 selects the mode (ZE03_MODES). */
  set_mode: 0x78,
} as const;

/** Byte 3 of the 0x78 command. */
export const ZE03_MODES = {
  /** The module reports by itself; that frame's layout is not confirmed, so the bridge does not decode it. */
  active_upload: 0x03,
  /** The module answers each read command: the mode this bridge reads. */
  qa: 0x04,
} as const;
export type Ze03Mode = keyof typeof ZE03_MODES;

export type Ze03Command = { command: 'read_concentration' } | { command: 'set_mode'; mode: Ze03Mode };

/** Encodes a host command into its 9 bytes. */
export function encodeZe03Command(command: Ze03Command): Buffer {
  const byte3 = command.command === 'set_mode' ? ZE03_MODES[command.mode] : 0;
  return withChecksum([START, SENSOR_NUMBER, ZE03_COMMAND_IDS[command.command], byte3, 0, 0, 0, 0]);
}

/** Framing of ZE03 host commands (FF 01), for the device-side stream parser. */
export const ze03CommandLayout = hostCommandLayout('ZE03 command');

/**
 * Decodes a host command on the device side (virtual sensors).
 * Throws `ZENNE_ERR_BRIDGE_MALFORMED_MESSAGE` when length, start bytes or checksum are wrong,
 * or the command or mode is not one of ZE03_COMMAND_IDS / ZE03_MODES.
 */
export function decodeZe03Command(bytes: Uint8Array): Ze03Command {
  const { frame, malformed } = checkHostCommand(bytes, 'ze03');
  switch (frame[2]) {
    case ZE03_COMMAND_IDS.read_concentration:
      return { command: 'read_concentration' };
    case ZE03_COMMAND_IDS.set_mode: {
      const mode = (Object.keys(ZE03_MODES) as Ze03Mode[]).find((m) => ZE03_MODES[m] === frame[3]);
      if (mode) return { command: 'set_mode', mode };
      throw malformed(`mode byte 0x${hex(frame.subarray(3, 4))} is not 03 (active upload) or 04 (Q&A)`);
    }
    default:
      throw malformed(`command 0x${hex(frame.subarray(2, 3))} is not 86 (read) or 78 (set mode)`);
  }
}

