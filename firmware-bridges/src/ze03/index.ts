import type { Bridge } from '../bridge.ts';
import { encodeZe03Command } from './commands.ts';
import { encodeZe03Frame } from './messages.ts';
import { Ze03Parser } from './parser.ts';

export interface Ze03Bridge extends Bridge {
  readonly id: 'ze03';
  createParser(options?: { now?: () => Date }): Ze03Parser;
  pollCommand(): Buffer;
}

/** Winsen ZE03 electrochemical gas module (NO2, SO2, O3, CO …) read in question-and-answer mode. */
export const ze03: Ze03Bridge = {
  id: 'ze03',
  description: 'Winsen ZE03 electrochemical gas module, UART Q&A mode (read 0x86 → FF 86 HIGH LOW; counts of the gas resolution)',
  // 9600 8N1, as every ZE03 driver in ./README.md opens the port.
  serial: { baud_rate: 9600 },
  createParser: (options) => new Ze03Parser(options),
  encodeFrame: encodeZe03Frame,
  // Q&A mode answers FF 01 86 00 00 00 00 00 79 with one read response.
  pollCommand: () => encodeZe03Command({ command: 'read_concentration' }),
};

export { Ze03Parser, Ze03CommandParser } from './parser.ts';
export { encodeZe03Command, decodeZe03Command, ZE03_MODES, type Ze03Command, type Ze03Mode } from './commands.ts';
export { encodeZe03Frame, ze03FieldsSchema, type Ze03Fields } from './messages.ts';
