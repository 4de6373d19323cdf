import { fileURLToPath } from 'node:url';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { bridgeContract } from '../../testing/bridge-contract.ts';
import { hex } from '../../framing/hex.ts';
import { bridgeErrors } from '../../errors.ts';
import { getBridge } from '../../index.ts';
import { Ze03CommandParser, decodeZe03Command, encodeZe03Command, encodeZe03Frame, ze03, type Ze03Command } from '../index.ts';

bridgeContract({ bridge: ze03, casesDir: fileURLToPath(new URL('./cases', import.meta.url)) });

const bytes = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// The byte strings the ZE03 drivers of ../README.md send: fega/winsen-ze03-arduino-library (setAs,
// readManual), the can5 ZE03-NO2 driver (READ_NO2_CMD, MODIFY_COMM_MODE_CMD) and
// guillaumechardin/MH411D (MODE_QA 0x04, MODE_ACTIVEUP 0x03, checksum per the Winsen formula).
const COMMAND_EXAMPLES: [string, Ze03Command, string][] = [
  ['read the concentration (can5 READ_NO2_CMD)', { command: 'read_concentration' }, 'ff 01 86 00 00 00 00 00 79'],
  ['switch to Q&A mode (can5, fega)', { command: 'set_mode', mode: 'qa' }, 'ff 01 78 04 00 00 00 00 83'],
  ['switch to active upload (fega setAs(ACTIVE))', { command: 'set_mode', mode: 'active_upload' }, 'ff 01 78 03 00 00 00 00 84'],
];

describe('ze03 host commands', () => {
  it.each(COMMAND_EXAMPLES)('encodes %s', (_name, command, wire) => {
    expect(hex(encodeZe03Command(command))).toBe(wire);
  });

  it.each(COMMAND_EXAMPLES)('decodes %s on the device side', (_name, command, wire) => {
    expect(decodeZe03Command(bytes(wire))).toEqual(command);
  });

  it('is a polled bridge: its poll command is the read command, the same bytes as the MH-Z19B read', () => {
    expect(hex(getBridge('ze03').pollCommand!())).toBe('ff 01 86 00 00 00 00 00 79');
    expect(hex(getBridge('ze03').pollCommand!())).toBe(hex(getBridge('mhz19b').pollCommand!()));
  });

  it.each([
    ['a short frame', 'ff 01 86 00 79', /9/],
    ['a response instead of a command', 'ff 86 00 01 00 00 00 00 79', /expected ff 01/],
    ['a wrong checksum', 'ff 01 86 00 00 00 00 00 78', /checksum/],
    ['an MH-Z19B-only command (0x87 zero point)', 'ff 01 87 00 00 00 00 00 78', /command 0x87/],
    ['an unknown mode byte', 'ff 01 78 05 00 00 00 00 82', /mode byte 0x05/],
  ])('refuses to decode %s with a message naming the bridge and why', (_name, wire, why) => {
    const refusal = expect.objectContaining({ code: bridgeErrors.MALFORMED_MESSAGE.code, message: expect.stringMatching(why) });
    expect(() => decodeZe03Command(bytes(wire))).toThrow(refusal);
    expect(() => decodeZe03Command(bytes(wire))).toThrow(/ze03 command/);
  });

  it('parses a command stream split anywhere, skipping noise, bad frames and undefined commands', async () => {
    const parser = new Ze03CommandParser();
    const commands: unknown[] = [];
    const errors: string[] = [];
    let commandErrors = 0;
    parser.on('data', (c) => commands.push(c));
    parser.on('frame-error', (e) => errors.push(e.kind));
    parser.on('command-error', () => (commandErrors += 1));
    const read = encodeZe03Command({ command: 'read_concentration' });
    const qa = encodeZe03Command({ command: 'set_mode', mode: 'qa' });
    const bad = Buffer.from(read);
    bad[8] = 0x00;
    for (const b of Buffer.concat([Buffer.of(0x00, 0xff), qa, bad, bytes('ff 01 87 00 00 00 00 00 78'), read])) parser.write(Buffer.of(b));
    parser.end();
    await finished(parser);
    expect(commands).toEqual([{ command: 'set_mode', mode: 'qa' }, { command: 'read_concentration' }]);
    expect(errors).toEqual(['garbage', 'bad_checksum']);
    expect(commandErrors).toBe(1);
  });
});

describe('ze03 read responses', () => {
  it('encodes the Winsen read-response layout: FF 86, HIGH, LOW, bytes 4–7 zero, checksum', () => {
    // 200 counts = 20.0 ppm, the ZE03-NO2 full scale.
    expect(hex(encodeZe03Frame({ concentration: 200 }))).toBe('ff 86 00 c8 00 00 00 00 b2');
  });

  it.each<Record<string, number>>([{ concentration: -1 }, { concentration: 65536 }, { concentration: 0.5 }, { co2: 400 }, {}])(
    'refuses to encode %j',
    (fields) => {
      expect(() => encodeZe03Frame(fields)).toThrow(expect.objectContaining({ code: bridgeErrors.INVALID_FIELDS.code }));
    },
  );
});
