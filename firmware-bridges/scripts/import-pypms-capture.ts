/**
 * Turns the avaldebe/PyPMS captures (xxd hexdump + decoded CSV, MIT) into the
 * bridges' data-driven test cases: one case with the capture as recorded, and
 * fault cases built from the same bytes (garbage, truncation, bit errors ...)
 * whose expected outcome follows from the fault alone: the frames the fault
 * touches are lost, every other frame decodes to its CSV values, and the
 * stated errors and counters are exact.
 *
 * The expected values come from the CSV (and, where the CSV has no column,
 * straight from the protocol's byte positions), never from running the parser.
 *
 *   npx tsx firmware-bridges/scripts/import-pypms-capture.ts
 *   npx tsx firmware-bridges/scripts/import-pypms-capture.ts --bridge pms5003 --source-dir /work/shared/data/protocols/captured-bytestreams
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

type ErrorKind = 'bad_checksum' | 'bad_tail' | 'bad_length' | 'truncated' | 'garbage';
interface ExpectedError {
  kind: ErrorKind;
  bytes: number;
}
type CsvRow = Record<string, number>;

/** One piece of a case's byte stream. */
type Piece =
  | { kind: 'message'; index: number; bytes: Buffer; lost: boolean; note?: string }
  | { kind: 'insert'; bytes: Buffer; note: string };

interface FaultCase {
  name: string;
  description: string;
  build(messages: Buffer[]): Piece[];
  errors: ExpectedError[];
  replies?: Record<string, unknown>[];
}

interface CaptureSpec {
  bridge: 'sds011' | 'pms5003' | 'mhz19b';
  capture: string;
  messageLength: number;
  toFields(row: CsvRow, message: Buffer): Record<string, number>;
  faults: FaultCase[];
}

const kept = (messages: Buffer[], index: number): Piece => ({ kind: 'message', index, bytes: messages[index]!, lost: false });
const lost = (index: number, bytes: Buffer, note: string): Piece => ({ kind: 'message', index, bytes, lost: true, note });
const insert = (hexBytes: string, note: string): Piece => ({ kind: 'insert', bytes: Buffer.from(hexBytes.replace(/\s+/g, ''), 'hex'), note });

/** All messages in order, with `replace[i]` standing in for message i and `before[i]` inserted before it. */
function stream(messages: Buffer[], replace: Record<number, Piece>, before: Record<number, Piece[]> = {}): Piece[] {
  return messages.flatMap((_, i) => [...(before[i] ?? []), replace[i] ?? kept(messages, i)]);
}

function withByte(message: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(message);
  copy[at] = value;
  return copy;
}

const sds011: CaptureSpec = {
  bridge: 'sds011',
  capture: 'SDS01x',
  messageLength: 10,
  // The CSV holds PM2.5 and PM10; it does not record the sensor id, so that is
  // read from data bytes 5–6 (protocol V1.3 §3.2: ID1, ID2).
  toFields: (row, message) => ({ pm2_5: row.pm25!, pm10: row.pm10!, device_id: (message[6]! << 8) | message[7]! }),
  faults: [
    {
      name: 'fault-leading-garbage',
      description: 'listening starts inside message 0 (its first 4 bytes missed) after 3 bytes of line noise, one of them a lone header byte',
      build: (m) => stream(m, { 0: lost(0, m[0]!.subarray(4), 'without its first 4 bytes') }, { 0: [insert('00 ff aa', 'line noise')] }),
      errors: [{ kind: 'garbage', bytes: 9 }],
    },
    {
      name: 'fault-truncated',
      description: 'message 3 stops after 5 bytes and message 4 follows at once; the stream ends 7 bytes into message 9',
      build: (m) =>
        stream(m, {
          3: lost(3, m[3]!.subarray(0, 5), 'cut after 5 bytes'),
          9: lost(9, m[9]!.subarray(0, 7), 'cut after 7 bytes, end of stream'),
        }),
      errors: [
        { kind: 'truncated', bytes: 5 },
        { kind: 'truncated', bytes: 7 },
      ],
    },
    {
      name: 'fault-bad-checksum',
      description: 'a bit error in the PM2.5 low byte of message 2 (09 → 0b) makes its checksum wrong',
      build: (m) => stream(m, { 2: lost(2, withByte(m[2]!, 2, m[2]![2]! ^ 0x02), 'with bit 1 of byte 2 flipped') }),
      errors: [{ kind: 'bad_checksum', bytes: 10 }],
    },
    {
      name: 'fault-bad-tail',
      description: 'the tail byte of message 5 reads 00 instead of ab',
      build: (m) => stream(m, { 5: lost(5, withByte(m[5]!, 9, 0x00), 'with tail 00') }),
      errors: [{ kind: 'bad_tail', bytes: 10 }],
    },
    {
      name: 'fault-mid-stream-noise',
      description: 'noise bursts between messages 4/5 (with lone aa bytes) and 7/8; no message is lost',
      build: (m) => stream(m, {}, { 5: [insert('aa 00 13 37 aa aa', 'noise burst')], 8: [insert('ff ff ff', 'noise burst')] }),
      errors: [
        { kind: 'garbage', bytes: 6 },
        { kind: 'garbage', bytes: 3 },
      ],
    },
    {
      name: 'fault-false-header',
      description: 'noise that looks like a frame start (aa c0 12) right before message 6: a 3-byte truncated frame, message 6 survives',
      build: (m) => stream(m, {}, { 6: [insert('aa c0 12', 'false header')] }),
      errors: [{ kind: 'truncated', bytes: 3 }],
    },
    {
      name: 'replies-interleaved',
      description: 'command replies (the examples of protocol V1.3 §3.1, §3.5 and §3.6) between captured messages',
      build: (m) =>
        stream(m, {}, {
          2: [insert('aa c5 02 01 01 00 a1 60 05 ab', 'reply: reporting mode set to query (§3.1)')],
          5: [insert('aa c5 08 00 02 00 a1 60 0b ab', 'reply: working period is 2 min (§3.5)')],
          9: [insert('aa c5 07 0f 07 0a a1 60 28 ab', 'reply: firmware 15-7-10 (§3.6)')],
        }),
      errors: [],
      replies: [
        { command: 'reporting_mode', op: 'set', mode: 'query', device_id: 0xa160 },
        { command: 'working_period', op: 'get', minutes: 2, device_id: 0xa160 },
        { command: 'firmware_version', year: 15, month: 7, day: 10, device_id: 0xa160 },
      ],
    },
  ],
};

const pms5003: CaptureSpec = {
  bridge: 'pms5003',
  capture: 'PMSx003',
  messageLength: 32,
  // raw* = CF=1 values, pm* = atmospheric; n* in the CSV are per cm³ = raw per 0.1 L / 100.
  toFields: (row) => ({
    pm1_cf1: row.raw01!,
    pm2_5_cf1: row.raw25!,
    pm10_cf1: row.raw10!,
    pm1: row.pm01!,
    pm2_5: row.pm25!,
    pm10: row.pm10!,
    n0_3: Math.round(row.n0_3! * 100),
    n0_5: Math.round(row.n0_5! * 100),
    n1_0: Math.round(row.n1_0! * 100),
    n2_5: Math.round(row.n2_5! * 100),
    n5_0: Math.round(row.n5_0! * 100),
    n10_0: Math.round(row.n10_0! * 100),
  }),
  faults: [
    {
      name: 'fault-leading-garbage',
      description: 'listening starts 20 bytes into message 0, after 2 bytes of noise with a lone 42',
      build: (m) => stream(m, { 0: lost(0, m[0]!.subarray(20), 'without its first 20 bytes') }, { 0: [insert('00 42', 'line noise')] }),
      errors: [{ kind: 'garbage', bytes: 14 }],
    },
    {
      name: 'fault-truncated',
      description: 'message 3 stops after 20 bytes and message 4 follows at once; the stream ends 2 bytes short of the end of message 9',
      build: (m) =>
        stream(m, {
          3: lost(3, m[3]!.subarray(0, 20), 'cut after 20 bytes'),
          9: lost(9, m[9]!.subarray(0, 30), 'cut after 30 bytes, end of stream'),
        }),
      errors: [
        { kind: 'truncated', bytes: 20 },
        { kind: 'truncated', bytes: 30 },
      ],
    },
    {
      name: 'fault-bad-checksum',
      description: 'a bit error in the PM2.5 (atmospheric) low byte of message 2 (07 → 05) makes its check word wrong',
      build: (m) => stream(m, { 2: lost(2, withByte(m[2]!, 13, m[2]![13]! ^ 0x02), 'with bit 1 of byte 13 flipped') }),
      errors: [{ kind: 'bad_checksum', bytes: 32 }],
    },
    {
      name: 'fault-bad-length',
      description: 'the length field of message 6 reads 0x0014 (a PMS3003 frame) instead of 0x001c',
      build: (m) => stream(m, { 6: lost(6, withByte(m[6]!, 3, 0x14), 'with length 0x0014') }),
      errors: [{ kind: 'bad_length', bytes: 32 }],
    },
    {
      name: 'fault-mid-stream-noise',
      description: 'noise bursts between messages 4/5 (with lone 42 and 4d bytes) and 7/8; no message is lost',
      build: (m) => stream(m, {}, { 5: [insert('42 42 00 ff 4d', 'noise burst')], 8: [insert('00 00 00 00', 'noise burst')] }),
      errors: [
        { kind: 'garbage', bytes: 5 },
        { kind: 'garbage', bytes: 4 },
      ],
    },
    {
      name: 'fault-false-header',
      description: 'noise that looks like a frame start (42 4d 00 1c 00) right before message 6: a 5-byte truncated frame, message 6 survives',
      build: (m) => stream(m, {}, { 6: [insert('42 4d 00 1c 00', 'false header')] }),
      errors: [{ kind: 'truncated', bytes: 5 }],
    },
  ],
};

const mhz19b: CaptureSpec = {
  bridge: 'mhz19b',
  capture: 'MHZ19B',
  messageLength: 9,
  // The capture holds only the read-CO2 responses (FF 86 HIGH LOW …, Winsen MH-Z19B manual
  // V1.0 §7); PyPMS's FF 01 86 requests are not in it. The CSV's CO2 column is the ppm value.
  toFields: (row) => ({ co2: row.CO2! }),
  faults: [
    {
      name: 'fault-leading-garbage',
      description: 'listening starts 4 bytes into message 0, after 3 bytes of noise with a lone ff start byte',
      build: (m) => stream(m, { 0: lost(0, m[0]!.subarray(4), 'without its first 4 bytes') }, { 0: [insert('00 ff 01', 'line noise')] }),
      errors: [{ kind: 'garbage', bytes: 8 }],
    },
    {
      name: 'fault-truncated',
      description: 'message 3 stops after 5 bytes and message 4 follows at once; the stream ends 7 bytes into message 9',
      build: (m) =>
        stream(m, {
          3: lost(3, m[3]!.subarray(0, 5), 'cut after 5 bytes'),
          9: lost(9, m[9]!.subarray(0, 7), 'cut after 7 bytes, end of stream'),
        }),
      errors: [
        { kind: 'truncated', bytes: 5 },
        { kind: 'truncated', bytes: 7 },
      ],
    },
    {
      name: 'fault-bad-checksum',
      description: 'a bit error in the CO2 low byte of message 2 (7c → 7e) makes its checksum wrong',
      build: (m) => stream(m, { 2: lost(2, withByte(m[2]!, 3, m[2]![3]! ^ 0x02), 'with bit 1 of byte 3 flipped') }),
      errors: [{ kind: 'bad_checksum', bytes: 9 }],
    },
    {
      name: 'fault-mid-stream-noise',
      description: 'noise bursts between messages 4/5 (with lone ff bytes) and 7/8; no message is lost',
      build: (m) => stream(m, {}, { 5: [insert('ff 00 13 37 ff ff', 'noise burst')], 8: [insert('00 00 00', 'noise burst')] }),
      errors: [
        { kind: 'garbage', bytes: 6 },
        { kind: 'garbage', bytes: 3 },
      ],
    },
    {
      name: 'fault-false-header',
      description: 'noise that looks like a response start (ff 86 02) right before message 6: a 3-byte truncated frame, message 6 survives',
      build: (m) => stream(m, {}, { 6: [insert('ff 86 02', 'false header')] }),
      errors: [{ kind: 'truncated', bytes: 3 }],
    },
    {
      name: 'fault-command-echo',
      description: 'a half-duplex adapter echoes the host read-CO2 command (ff 01 86 … 79, §7) before message 4; it is skipped, no message is lost',
      build: (m) => stream(m, {}, { 4: [insert('ff 01 86 00 00 00 00 00 79', 'echo of the read-CO2 command')] }),
      errors: [{ kind: 'garbage', bytes: 9 }],
    },
  ],
};

const SPECS = { sds011, pms5003, mhz19b } as const;

function parseHexdump(text: string, messageLength: number, file: string): Buffer[] {
  const messages: Buffer[] = [];
  let offset = 0;
  for (const [n, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const match = /^([0-9a-f]{8}): ((?:[0-9a-f]{2} )*[0-9a-f]{2})  /.exec(line);
    if (!match) throw new Error(`${file}:${n + 1}: not an xxd line`);
    const bytes = Buffer.from(match[2]!.replace(/ /g, ''), 'hex');
    if (Number.parseInt(match[1]!, 16) !== offset) throw new Error(`${file}:${n + 1}: offset ${match[1]} but ${offset} bytes so far`);
    if (bytes.length !== messageLength) throw new Error(`${file}:${n + 1}: ${bytes.length} bytes, expected one ${messageLength}-byte message per line`);
    messages.push(bytes);
    offset += bytes.length;
  }
  return messages;
}

function parseCsv(text: string): CsvRow[] {
  const [header, ...rows] = text.trim().split('\n');
  const names = header!.split(',').map((s) => s.trim());
  return rows.map((row) => Object.fromEntries(row.split(',').map((value, i) => [names[i]!, Number(value.trim())])));
}

function hexLine(bytes: Buffer): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function writeCase(
  dir: string,
  spec: CaptureSpec,
  description: string,
  pieces: Piece[],
  rows: CsvRow[],
  messages: Buffer[],
  errors: ExpectedError[],
  replies: Record<string, unknown>[] | undefined,
): void {
  mkdirSync(dir, { recursive: true });
  const source = `avaldebe/PyPMS docs/sensors/${spec.capture}.hexdump and ${spec.capture}.csv (MIT, see ../NOTICE)`;
  const lines = [
    `# ${description}`,
    `# Source: ${source}`,
    '# Generated by firmware-bridges/scripts/import-pypms-capture.ts; edit the script, not this file.',
    ...pieces.map((p) => {
      const what = p.kind === 'insert' ? p.note : `message ${p.index}${p.note ? `: ${p.note}` : ''}${p.lost ? ' (lost)' : ''}`;
      return `${hexLine(p.bytes)}  # ${what}`;
    }),
  ];
  writeFileSync(join(dir, 'input.hex'), `${lines.join('\n')}\n`);

  const frames = pieces
    .filter((p): p is Extract<Piece, { kind: 'message' }> => p.kind === 'message' && !p.lost)
    .map((p) => ({
      recorded_at: new Date(rows[p.index]!.time! * 1000).toISOString(),
      fields: spec.toFields(rows[p.index]!, messages[p.index]!),
    }));
  const count = (kind: ErrorKind) => errors.filter((e) => e.kind === kind).length;
  const expected = {
    description,
    frames,
    ...(replies ? { replies } : {}),
    errors,
    counters: {
      frames: frames.length + (replies?.length ?? 0),
      bad_checksum: count('bad_checksum'),
      bad_tail: count('bad_tail'),
      bad_length: count('bad_length'),
      truncated: count('truncated'),
      garbage_bytes: errors.filter((e) => e.kind === 'garbage').reduce((sum, e) => sum + e.bytes, 0),
    },
  };
  writeFileSync(join(dir, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
}

function importCapture(spec: CaptureSpec, sourceDir: string, packageDir: string): string[] {
  const hexdumpFile = join(sourceDir, `${spec.capture}.hexdump`);
  const messages = parseHexdump(readFileSync(hexdumpFile, 'utf8'), spec.messageLength, hexdumpFile);
  const rows = parseCsv(readFileSync(join(sourceDir, `${spec.capture}.csv`), 'utf8'));
  if (rows.length !== messages.length) {
    throw new Error(`${spec.capture}: ${messages.length} messages but ${rows.length} CSV rows`);
  }
  const casesDir = join(packageDir, 'src', spec.bridge, 'test', 'cases');
  const recordedOn = new Date(rows[0]!.time! * 1000).toISOString().slice(0, 10);
  mkdirSync(casesDir, { recursive: true });
  copyFileSync(join(sourceDir, 'LICENSE-PyPMS-MIT.txt'), join(casesDir, 'LICENSE-PyPMS-MIT.txt'));
  writeFileSync(
    join(casesDir, 'NOTICE'),
    [
      `The byte streams and decoded values in the case folders here come from the`,
      `avaldebe/PyPMS project (https://github.com/avaldebe/PyPMS), docs/sensors/${spec.capture}.hexdump`,
      `and ${spec.capture}.csv: real UART captures of a ${spec.capture} sensor, recorded ${recordedOn}.`,
      `Copyright (c) Alvaro Valdebenito; MIT licence, see LICENSE-PyPMS-MIT.txt in this folder.`,
      `The fault-* and replies-* cases are those captures with deliberate changes described in`,
      `each input.hex; all are generated by firmware-bridges/scripts/import-pypms-capture.ts.`,
      '',
    ].join('\n'),
  );

  const written: string[] = [];
  const captureName = `capture-${spec.capture.toLowerCase()}`;
  const cases: FaultCase[] = [
    {
      name: captureName,
      description: `${spec.capture} capture as recorded: ${messages.length} messages, one every 10 s`,
      build: (m) => stream(m, {}),
      errors: [],
    },
    ...spec.faults,
  ];
  for (const c of cases) {
    const dir = join(casesDir, c.name);
    writeCase(dir, spec, c.description, c.build(messages), rows, messages, c.errors, c.replies);
    written.push(dir);
  }
  return written;
}

const HELP = `Usage: import-pypms-capture [--bridge ${Object.keys(SPECS).join('|')}] [--source-dir DIR]

Regenerates firmware-bridges/src/<bridge>/test/cases/ from the PyPMS captures.

Options:
  --bridge ID        only this bridge (default: all: ${Object.keys(SPECS).join(', ')})
  --source-dir DIR   folder with <capture>.hexdump, <capture>.csv and LICENSE-PyPMS-MIT.txt
                     (default: /work/shared/data/protocols/captured-bytestreams)
  -h, --help         show this help

Examples:
  npx tsx firmware-bridges/scripts/import-pypms-capture.ts
  npx tsx firmware-bridges/scripts/import-pypms-capture.ts --bridge sds011
`;

function main(): void {
  const { values } = parseArgs({
    options: {
      bridge: { type: 'string' },
      'source-dir': { type: 'string', default: '/work/shared/data/protocols/captured-bytestreams' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const selected = values.bridge === undefined ? Object.values(SPECS) : [SPECS[values.bridge as keyof typeof SPECS]];
  if (selected.some((s) => s === undefined)) {
    process.stderr.write(`unknown --bridge "${values.bridge}"; use one of ${Object.keys(SPECS).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  for (const spec of selected) {
    process.stdout.write(`${spec.bridge}: importing ${spec.capture} from ${values['source-dir']}\n`);
    for (const dir of importCapture(spec, values['source-dir'], packageDir)) {
      process.stdout.write(`  wrote ${relative(process.cwd(), dir)}\n`);
    }
  }
}

main();
