import type { Bridge } from '../bridge.ts';
import { encodePms5003Frame } from './messages.ts';
import { Pms5003Parser } from './parser.ts';

export interface Pms5003Bridge extends Bridge {
  readonly id: 'pms5003';
  createParser(options?: { now?: () => Date }): Pms5003Parser;
}

/** Plantower PMS5003 (and PMS1003/7003/A003, same 32-byte frame): PM1/2.5/10 and particle counts. */
export const pms5003: Pms5003Bridge = {
  id: 'pms5003',
  description: 'Plantower PMS5003 particle sensor (32-byte 42 4D frames)',
  // Data manual: 9600 bit/s, 8N1.
  serial: { baud_rate: 9600 },
  createParser: (options) => new Pms5003Parser(options),
  encodeFrame: encodePms5003Frame,
};

export { Pms5003Parser, Pms5003CommandParser } from './parser.ts';
export {
  encodePms5003Command,
  decodePms5003Command,
  type Pms5003Command,
  type Pms5003Mode,
  type Pms5003SleepState,
} from './commands.ts';
export { encodePms5003Frame, pms5003FieldsSchema, PMS5003_FIELDS, type Pms5003Fields } from './messages.ts';
