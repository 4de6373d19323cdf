import type { Bridge } from '../bridge.ts';
import { encodeSds011Frame } from './messages.ts';
import { Sds011Parser } from './parser.ts';

export interface Sds011Bridge extends Bridge {
  readonly id: 'sds011';
  createParser(options?: { now?: () => Date }): Sds011Parser;
}

/** Nova Fitness SDS011 (and SDS018/SDS021, same protocol): PM2.5 and PM10 over UART. */
export const sds011: Sds011Bridge = {
  id: 'sds011',
  description: 'Nova Fitness SDS011 laser dust sensor (Laser Dust Sensor Control Protocol V1.3)',
  // §1: 9600 bit/s, 8 data bits, no parity, 1 stop bit.
  serial: { baud_rate: 9600 },
  createParser: (options) => new Sds011Parser(options),
  encodeFrame: encodeSds011Frame,
};

export { Sds011Parser, Sds011CommandParser } from './parser.ts';
export {
  encodeSds011Command,
  decodeSds011Command,
  type Sds011Command,
  type DecodedSds011Command,
  type Sds011Target,
} from './commands.ts';
export {
  encodeSds011Frame,
  encodeSds011Reply,
  decodeSds011Reply,
  sds011FieldsSchema,
  type Sds011Fields,
  type Sds011Reply,
  type Sds011ReportingMode,
  type Sds011WorkState,
  type Sds011Op,
} from './messages.ts';
