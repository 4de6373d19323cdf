import type { Bridge } from '../bridge.ts';
import { encodeLineCounterSentence } from './messages.ts';
import { LineCounterParser } from './parser.ts';

export interface LineCounterBridge extends Bridge {
  readonly id: 'line-counter';
  createParser(options?: { now?: () => Date }): LineCounterParser;
}

/** Line-crossing people counters speaking Zenne's `$PZNELC` reference sentence (README.md). */
export const lineCounter: LineCounterBridge = {
  id: 'line-counter',
  description: "People counter, Zenne's $PZNELC reference sentence (NMEA 0183 framing): interval end, length, in, out, occupancy",
  // NMEA 0183's standard line rate is 4800 bit/s; 9600 8N1 is what RS-232/485 serial adapters
  // and counters default to, and a 53-character sentence a minute needs far less either way.
  serial: { baud_rate: 9600 },
  createParser: (options) => new LineCounterParser(options),
  encodeFrame: encodeLineCounterSentence,
};

export { LineCounterParser } from './parser.ts';
export {
  encodeLineCounterSentence,
  lineCounterFieldsSchema,
  nmeaChecksum,
  CHECKSUM_INDEX as LINE_COUNTER_CHECKSUM_INDEX,
  SENTENCE_LENGTH as LINE_COUNTER_SENTENCE_LENGTH,
  type LineCounterFields,
} from './messages.ts';
