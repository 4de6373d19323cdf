import { fileURLToPath } from 'node:url';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { bridgeContract } from '../../testing/bridge-contract.ts';
import { hex } from '../../framing/hex.ts';
import { bridgeErrors } from '../../errors.ts';
import { getBridge } from '../../index.ts';
import { Mhz19bCommandParser, decodeMhz19bCommand, encodeMhz19bCommand, encodeMhz19bFrame, mhz19b, type Mhz19bCommand } from '../index.ts';

bridgeContract({ bridge: mhz19b, casesDir: fileURLToPath(new URL('./cases', import.meta.url)) });

const bytes = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// Byte examples of the MH-Z19B manual V1.0 §7 and of the PyPMS Winsen notes (MIT) for the
// calibration commands; the ABC and range frames are built from the §7 tables (checksum per §7).
const COMMAND_EXAMPLES: [string, Mhz19bCommand, string][] = [
  ['§7 0x86 read CO2 (manual example)', { command: 'read_co2' }, 'ff 01 86 00 00 00 00 00 79'],
  ['§7 0x87 zero point (PyPMS notes)', { command: 'zero_calibration' }, 'ff 01 87 00 00 00 00 00 78'],
  ['§7 0x88 span 1000 ppm (PyPMS notes)', { command: 'span_calibration', span_ppm: 1000 }, 'ff 01 88 03 e8 00 00 00 8c'],
  ['§7 0x88 span 2000 ppm (PyPMS notes)', { command: 'span_calibration', span_ppm: 2000 }, 'ff 01 88 07 d0 00 00 00 a0'],
  ['§7 0x79 ABC on', { command: 'abc', enabled: true }, 'ff 01 79 a0 00 00 00 00 e6'],
  ['§7 0x79 ABC off', { command: 'abc', enabled: false }, 'ff 01 79 00 00 00 00 00 86'],
  ['§7 0x99 range 2000 ppm', { command: 'detection_range', range_ppm: 2000 }, 'ff 01 99 07 d0 00 00 00 8f'],
  ['§7 0x99 range 5000 ppm', { command: 'detection_range', range_ppm: 5000 }, 'ff 01 99 13 88 00 00 00 cb'],
];

describe('mhz19b host commands', () => {
  it.each(COMMAND_EXAMPLES)('encodes %s', (_name, command, wire) => {
    expect(hex(encodeMhz19bCommand(command))).toBe(wire);
  });

  it.each(COMMAND_EXAMPLES)('decodes %s on the device side', (_name, command, wire) => {
    expect(decodeMhz19bCommand(bytes(wire))).toEqual(command);
  });

  it('is a polled bridge: its poll command is the §7 read-CO2 request', () => {
    expect(hex(getBridge('mhz19b').pollCommand!())).toBe('ff 01 86 00 00 00 00 00 79');
    expect(getBridge('sds011').pollCommand).toBeUndefined();
  });

  it.each([
    [{ command: 'span_calibration', span_ppm: 999 }, /1000–5000/],
    [{ command: 'span_calibration', span_ppm: 1500.5 }, /1000–5000/],
    [{ command: 'detection_range', range_ppm: 10000 as 5000 }, /2000 or 5000/],
  ] satisfies [Mhz19bCommand, RegExp][])('refuses to encode %j', (command, why) => {
    expect(() => encodeMhz19bCommand(command)).toThrow(why);
    expect(() => encodeMhz19bCommand(command)).toThrow(expect.objectContaining({ code: bridgeErrors.INVALID_COMMAND.code }));
  });

  it.each([
    ['a short frame', 'ff 01 86 00 79', /9/],
    ['a response instead of a command', 'ff 86 02 7c 42 00 00 00 ba', /expected ff 01/],
    ['a wrong checksum', 'ff 01 86 00 00 00 00 00 78', /checksum/],
    ['an unknown command id', 'ff 01 85 00 00 00 00 00 7a', /command 0x85/],
    ['a bad ABC byte', 'ff 01 79 01 00 00 00 00 85', /a0 \(ABC on\)/],
    ['a bad detection range', 'ff 01 99 03 e8 00 00 00 7b', /2000 or 5000/],
  ])('refuses to decode %s with a message saying why', (_name, wire, why) => {
    let thrown: unknown;
    try {
      decodeMhz19bCommand(bytes(wire));
    } catch (err) {
      thrown = err;
    }
    expect(bridgeErrors.MALFORMED_MESSAGE.is(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(why);
  });

  it('parses a command stream split anywhere, skipping noise, bad frames and undefined commands', async () => {
    const parser = new Mhz19bCommandParser();
    const commands: unknown[] = [];
    const errors: string[] = [];
    let commandErrors = 0;
    parser.on('data', (c) => commands.push(c));
    parser.on('frame-error', (e) => errors.push(e.kind));
    parser.on('command-error', () => (commandErrors += 1));
    const good = encodeMhz19bCommand({ command: 'read_co2' });
    const bad = Buffer.from(good);
    bad[8] = 0x00;
    const undefinedCommand = bytes('ff 01 85 00 00 00 00 00 7a');
    for (const b of Buffer.concat([Buffer.of(0x00, 0xff), good, bad, undefinedCommand, good])) parser.write(Buffer.of(b));
    parser.end();
    await finished(parser);
    expect(commands).toEqual([{ command: 'read_co2' }, { command: 'read_co2' }]);
    expect(errors).toEqual(['garbage', 'bad_checksum']);
    expect(commandErrors).toBe(1);
  });
});

describe('mhz19b responses', () => {
  it('encodes a response with the §7 layout: HIGH, LOW, bytes 4–7 zero, checksum', () => {
    // 636 ppm = 0x027c, the first value of the PyPMS capture.
    expect(hex(encodeMhz19bFrame({ co2: 636 }))).toBe('ff 86 02 7c 00 00 00 00 fc');
  });

  it.each<Record<string, number>>([{ co2: -1 }, { co2: 65536 }, { co2: 400.5 }, { co2: 400, temperature: 20 }, {}])('refuses to encode %j', (fields) => {
    expect(() => encodeMhz19bFrame(fields)).toThrow(expect.objectContaining({ code: bridgeErrors.INVALID_FIELDS.code }));
  });
});
