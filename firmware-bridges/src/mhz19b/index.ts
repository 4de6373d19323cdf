import type { Bridge } from '../bridge.ts';
import { encodeMhz19bCommand } from './commands.ts';
import { encodeMhz19bFrame } from './messages.ts';
import { Mhz19bParser } from './parser.ts';

export interface Mhz19bBridge extends Bridge {
  readonly id: 'mhz19b';
  createParser(options?: { now?: () => Date }): Mhz19bParser;
  pollCommand(): Buffer;
}

/** Winsen MH-Z19B NDIR CO2 module: CO2 in ppm over UART, answered only when asked. */
export const mhz19b: Mhz19bBridge = {
  id: 'mhz19b',
  description: 'Winsen MH-Z19B NDIR CO2 module (User\'s Manual V1.0, UART commands 0x86/0x87/0x88/0x79/0x99)',
  // §7 "General Settings": 9600 baud, 8 data bits, 1 stop bit, no parity.
  serial: { baud_rate: 9600 },
  createParser: (options) => new Mhz19bParser(options),
  encodeFrame: encodeMhz19bFrame,
  // §7 0x86: the sensor sends a reading only in answer to FF 01 86 00 00 00 00 00 79.
  pollCommand: () => encodeMhz19bCommand({ command: 'read_co2' }),
};

export { Mhz19bParser, Mhz19bCommandParser } from './parser.ts';
export {
  encodeMhz19bCommand,
  decodeMhz19bCommand,
  DETECTION_RANGES_PPM,
  type Mhz19bCommand,
  type Mhz19bDetectionRange,
} from './commands.ts';
export { encodeMhz19bFrame, mhz19bFieldsSchema, type Mhz19bFields } from './messages.ts';
