import { z } from 'zod';
import { bridgeErrors } from '../errors.ts';
import type { FrameFault, FrameLayout } from '../framing/frame-scanner.ts';

// Zenne's reference sentence for people counters behind an RS-232/485 link (README.md in this
// folder): NMEA 0183 framing — `$`, comma-separated fields, `*HH`, CR LF — with a proprietary
// sentence, which NMEA 0183 reserves to `$P` + a three-letter manufacturer mnemonic. Every
// field has a fixed width, so the sentence is always SENTENCE_LENGTH characters long:
//
//   $PZNELC,hhmmss,ddmmyyyy,iiii,nnnnn,nnnnn,±nnnnnn*HH<CR><LF>
//            end time (UTC) │    in    out  occupancy
//                   interval length (s)

/** `$P` (proprietary) + `ZNE` (Zenne, not an NMEA-registered mnemonic) + sentence `LC` (line counter). */
const HEADER = Buffer.from('$PZNELC,', 'ascii');

/** Field widths in characters, in wire order. */
const WIDTHS = { time: 6, date: 8, interval: 4, in: 5, out: 5, occupancy: 7 } as const;
const { occupancy: OCCUPANCY_WIDTH, ...UNSIGNED_WIDTHS } = WIDTHS;
const BODY_PATTERN = new RegExp(
  `^\\$PZNELC,${Object.values(UNSIGNED_WIDTHS).map((w) => `(\\d{${w}})`).join(',')},([+-]\\d{${OCCUPANCY_WIDTH - 1}})$`,
);

/** Offset of `*`; the two checksum characters follow it, then CR LF. */
const STAR_INDEX = HEADER.length + Object.values(WIDTHS).reduce((sum, w) => sum + w + 1, 0) - 1;
export const CHECKSUM_INDEX = STAR_INDEX + 1;
/** 53 characters, well inside NMEA 0183's 82-character sentence limit. */
export const SENTENCE_LENGTH = CHECKSUM_INDEX + 2 + 2;

const MAX_END_S = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000;

/** Fields of one sentence, as the `line-counter` bridge decodes them. */
export const lineCounterFieldsSchema = z.strictObject({
  /** End of the counting interval, Unix seconds (UTC); the sentence is sent when the interval closes. */
  interval_end_s: z.number().int().min(0).max(MAX_END_S),
  /** Length of the counting interval, seconds. */
  interval_s: z.number().int().min(1).max(9999),
  /** Crossings in the "in" direction during the interval. */
  in: z.number().int().min(0).max(99_999),
  /** Crossings in the "out" direction during the interval. */
  out: z.number().int().min(0).max(99_999),
  /** The counter's running in − out since its reset; negative after missed entries. */
  occupancy: z.number().int().min(-999_999).max(999_999),
});
export type LineCounterFields = z.infer<typeof lineCounterFieldsSchema>;

/** NMEA 0183 checksum: XOR of every character between `$` and `*`, both excluded. */
export function nmeaChecksum(sentence: Uint8Array, starIndex: number): number {
  let sum = 0;
  for (let i = 1; i < starIndex; i += 1) sum ^= sentence[i]!;
  return sum;
}

type Parsed = { fields: LineCounterFields } | { fault: FrameFault };

const layoutFault = (detail: string): { fault: FrameFault } => ({ fault: { kind: 'bad_length', detail } });

/**
 * Checks and decodes one candidate of SENTENCE_LENGTH bytes that starts with HEADER.
 * A sentence whose checksum is right but whose fields do not fit the fixed layout is a
 * `bad_length` (its fields have the wrong width or are not digits): FrameErrorKind has no
 * separate kind for it.
 */
export function parseSentence(frame: Buffer): Parsed {
  // The fixed widths put "*HH" CR LF at the same place in every sentence; anything else there is
  // a sentence cut short (the scanner calls it truncated when the next header follows) or too long.
  if (frame[STAR_INDEX] !== 0x2a || frame[SENTENCE_LENGTH - 2] !== 0x0d || frame[SENTENCE_LENGTH - 1] !== 0x0a) {
    const tail = JSON.stringify(frame.subarray(STAR_INDEX).toString('latin1'));
    return { fault: { kind: 'bad_tail', detail: `characters ${STAR_INDEX}–${SENTENCE_LENGTH - 1} are ${tail}, a $PZNELC sentence ends in "*HH\\r\\n" there` } };
  }
  const sent = frame.subarray(CHECKSUM_INDEX, CHECKSUM_INDEX + 2).toString('latin1');
  const computed = nmeaChecksum(frame, STAR_INDEX);
  if (!/^[0-9A-Fa-f]{2}$/.test(sent) || Number.parseInt(sent, 16) !== computed) {
    return { fault: { kind: 'bad_checksum', detail: `checksum is ${JSON.stringify(sent)}, the characters between $ and * give ${hex2(computed)}` } };
  }
  const body = frame.subarray(0, STAR_INDEX).toString('latin1');
  const match = BODY_PATTERN.exec(body);
  if (!match) return layoutFault(`fields of ${JSON.stringify(body)} do not match hhmmss,ddmmyyyy,iiii,nnnnn,nnnnn,±nnnnnn`);
  const [, time, date, interval, inCount, outCount, occupancy] = match as unknown as [string, string, string, string, string, string, string];
  const parts = [num(date, 4, 8), num(date, 2, 4) - 1, num(date, 0, 2), num(time, 0, 2), num(time, 2, 4), num(time, 4, 6)] as const;
  const end = new Date(Date.UTC(...parts));
  const endMs = end.getTime();
  // Date.UTC rolls 31 Feb over into March (and years 0–99 into 1900–1999): a time that does not
  // survive the round trip does not exist.
  const back = [end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate(), end.getUTCHours(), end.getUTCMinutes(), end.getUTCSeconds()];
  if (back.some((value, i) => value !== parts[i]) || endMs < 0) {
    return layoutFault(`interval end ${time} ${date} is not a real UTC time and date from 1970 on (hhmmss ddmmyyyy)`);
  }
  const intervalS = Number(interval);
  if (intervalS === 0) return layoutFault('interval length is 0000 s');
  return { fields: { interval_end_s: endMs / 1000, interval_s: intervalS, in: Number(inCount), out: Number(outCount), occupancy: Number(occupancy) } };
}

/** What a counter sends: `$PZNELC` sentences; other NMEA sentences on the line are skipped as garbage. */
export const sentenceLayout: FrameLayout = {
  name: '$PZNELC sentence',
  frameLength: SENTENCE_LENGTH,
  headers: [HEADER],
  check: (frame) => {
    const parsed = parseSentence(frame);
    return 'fault' in parsed ? parsed.fault : undefined;
  },
};

/** Decodes a sentence that passed `sentenceLayout.check`. */
export function decodeSentenceFields(frame: Buffer): LineCounterFields {
  const parsed = parseSentence(frame);
  if ('fault' in parsed) throw bridgeErrors.MALFORMED_MESSAGE({ bridge: 'line-counter', message: '$PZNELC sentence', reason: parsed.fault.detail });
  return parsed.fields;
}

/**
 * Encodes one `$PZNELC` sentence (virtual counters, tests).
 * Throws `ZENNE_ERR_BRIDGE_INVALID_FIELDS` for missing, unknown or out-of-range fields.
 */
export function encodeLineCounterSentence(fields: Record<string, number>): Buffer {
  const parsed = lineCounterFieldsSchema.safeParse(fields);
  if (!parsed.success) {
    throw bridgeErrors.INVALID_FIELDS({
      bridge: 'line-counter',
      reason: z.prettifyError(parsed.error).replace(/\n/g, ' '),
      fields: 'interval_end_s (Unix s), interval_s (1–9999), in and out (0–99999), occupancy (±999999), all integers',
    });
  }
  const { interval_end_s, interval_s, in: inCount, out, occupancy } = parsed.data;
  const end = new Date(interval_end_s * 1000);
  const time = [end.getUTCHours(), end.getUTCMinutes(), end.getUTCSeconds()].map((n) => pad(n, 2)).join('');
  const date = pad(end.getUTCDate(), 2) + pad(end.getUTCMonth() + 1, 2) + pad(end.getUTCFullYear(), 4);
  const sign = occupancy < 0 ? '-' : '+';
  const body = `${HEADER.toString('ascii')}${time},${date},${pad(interval_s, WIDTHS.interval)},${pad(inCount, WIDTHS.in)},${pad(out, WIDTHS.out)},${sign}${pad(Math.abs(occupancy), WIDTHS.occupancy - 1)}`;
  const sentence = Buffer.from(`${body}*00\r\n`, 'ascii');
  sentence.write(hex2(nmeaChecksum(sentence, STAR_INDEX)), CHECKSUM_INDEX, 'ascii');
  return sentence;
}

function num(text: string, from: number, to: number): number {
  return Number(text.slice(from, to));
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Two upper-case hex digits, as NMEA 0183 writes checksums. */
function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}
