import { fileURLToPath } from 'node:url';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { bridgeContract } from '../../testing/bridge-contract.ts';
import { hex } from '../../framing/hex.ts';
import { bridgeErrors } from '../../errors.ts';
import {
  Sds011CommandParser,
  decodeSds011Command,
  decodeSds011Reply,
  encodeSds011Command,
  encodeSds011Reply,
  sds011,
  type Sds011Command,
  type Sds011Reply,
} from '../index.ts';

bridgeContract({ bridge: sds011, casesDir: fileURLToPath(new URL('./cases', import.meta.url)) });

const bytes = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// The byte examples printed in Laser Dust Sensor Control Protocol V1.3, §3.1–§3.6.
const COMMAND_EXAMPLES: [string, Sds011Command, string][] = [
  ['§3.1 query reporting mode', { command: 'reporting_mode', op: 'get' }, 'aa b4 02 00 00 00 00 00 00 00 00 00 00 00 00 ff ff 00 ab'],
  ['§3.1 set query mode', { command: 'reporting_mode', op: 'set', mode: 'query', target: 0xa160 }, 'aa b4 02 01 01 00 00 00 00 00 00 00 00 00 00 a1 60 05 ab'],
  ['§3.2 query data, all', { command: 'query_data' }, 'aa b4 04 00 00 00 00 00 00 00 00 00 00 00 00 ff ff 02 ab'],
  ['§3.2 query data, A160', { command: 'query_data', target: 0xa160 }, 'aa b4 04 00 00 00 00 00 00 00 00 00 00 00 00 a1 60 05 ab'],
  ['§3.3 set id A160 → A001', { command: 'set_device_id', new_device_id: 0xa001, target: 0xa160 }, 'aa b4 05 00 00 00 00 00 00 00 00 00 00 a0 01 a1 60 a7 ab'],
  ['§3.4 sleep', { command: 'sleep_work', op: 'set', state: 'sleep', target: 0xa160 }, 'aa b4 06 01 00 00 00 00 00 00 00 00 00 00 00 a1 60 08 ab'],
  ['§3.4 work', { command: 'sleep_work', op: 'set', state: 'work', target: 0xa160 }, 'aa b4 06 01 01 00 00 00 00 00 00 00 00 00 00 a1 60 09 ab'],
  ['§3.4 query work state', { command: 'sleep_work', op: 'get', target: 0xa160 }, 'aa b4 06 00 00 00 00 00 00 00 00 00 00 00 00 a1 60 07 ab'],
  ['§3.5 period 1 min', { command: 'working_period', op: 'set', minutes: 1, target: 0xa160 }, 'aa b4 08 01 01 00 00 00 00 00 00 00 00 00 00 a1 60 0b ab'],
  ['§3.5 continuous', { command: 'working_period', op: 'set', minutes: 0, target: 0xa160 }, 'aa b4 08 01 00 00 00 00 00 00 00 00 00 00 00 a1 60 0a ab'],
  ['§3.5 query period', { command: 'working_period', op: 'get', target: 0xa160 }, 'aa b4 08 00 00 00 00 00 00 00 00 00 00 00 00 a1 60 09 ab'],
  ['§3.6 firmware version', { command: 'firmware_version', target: 0xa160 }, 'aa b4 07 00 00 00 00 00 00 00 00 00 00 00 00 a1 60 08 ab'],
];

const REPLY_EXAMPLES: [string, Sds011Reply, string][] = [
  ['§3.1 active mode', { command: 'reporting_mode', op: 'get', mode: 'active', device_id: 0xa160 }, 'aa c5 02 00 00 00 a1 60 03 ab'],
  ['§3.1 query mode', { command: 'reporting_mode', op: 'get', mode: 'query', device_id: 0xa160 }, 'aa c5 02 00 01 00 a1 60 04 ab'],
  ['§3.3 new id', { command: 'set_device_id', device_id: 0xa001 }, 'aa c5 05 00 00 00 a0 01 a6 ab'],
  ['§3.4 sleep', { command: 'sleep_work', op: 'set', state: 'sleep', device_id: 0xa160 }, 'aa c5 06 01 00 00 a1 60 08 ab'],
  ['§3.4 working', { command: 'sleep_work', op: 'get', state: 'work', device_id: 0xa160 }, 'aa c5 06 00 01 00 a1 60 08 ab'],
  ['§3.5 period 1 min', { command: 'working_period', op: 'set', minutes: 1, device_id: 0xa160 }, 'aa c5 08 01 01 00 a1 60 0b ab'],
  ['§3.6 firmware 15-7-10', { command: 'firmware_version', year: 15, month: 7, day: 10, device_id: 0xa160 }, 'aa c5 07 0f 07 0a a1 60 28 ab'],
];

describe('sds011 host commands', () => {
  it.each(COMMAND_EXAMPLES)('encodes %s as in the protocol', (_name, command, wire) => {
    expect(hex(encodeSds011Command(command))).toBe(wire);
  });

  it.each(COMMAND_EXAMPLES)('decodes %s on the device side', (_name, command, wire) => {
    expect(decodeSds011Command(bytes(wire))).toEqual({ target: 'all', ...command });
  });

  it('rejects a working period over 30 minutes', () => {
    expect(() => encodeSds011Command({ command: 'working_period', op: 'set', minutes: 31 })).toThrow(
      expect.objectContaining({ code: bridgeErrors.INVALID_COMMAND.code }),
    );
  });

  it.each([
    ['a short frame', 'aa b4 04 00 ff ff 02 ab', /19/],
    ['a wrong checksum', 'aa b4 04 00 00 00 00 00 00 00 00 00 00 00 00 ff ff 03 ab', /checksum/],
    ['a wrong tail', 'aa b4 04 00 00 00 00 00 00 00 00 00 00 00 00 ff ff 02 aa', /tail/],
    ['an unknown command id', 'aa b4 09 00 00 00 00 00 00 00 00 00 00 00 00 ff ff 07 ab', /command id 9/],
    ['a bad setting', 'aa b4 08 01 1f 00 00 00 00 00 00 00 00 00 00 ff ff 26 ab', /0–30/],
  ])('refuses %s with a message saying why', (_name, wire, why) => {
    let thrown: unknown;
    try {
      decodeSds011Command(bytes(wire));
    } catch (err) {
      thrown = err;
    }
    expect(bridgeErrors.MALFORMED_MESSAGE.is(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(why);
  });

  it('parses a command stream split anywhere, skipping noise and bad frames', async () => {
    const parser = new Sds011CommandParser();
    const commands: unknown[] = [];
    const errors: string[] = [];
    parser.on('data', (c) => commands.push(c));
    parser.on('frame-error', (e) => errors.push(e.kind));
    const good = encodeSds011Command({ command: 'query_data' });
    const bad = Buffer.from(good);
    bad[17] = 0x00;
    for (const b of Buffer.concat([Buffer.of(0x00, 0xaa), good, bad, good])) parser.write(Buffer.of(b));
    parser.end();
    await finished(parser);
    expect(commands).toEqual([
      { command: 'query_data', target: 'all' },
      { command: 'query_data', target: 'all' },
    ]);
    expect(errors).toEqual(['garbage', 'bad_checksum']);
  });
});

describe('sds011 replies', () => {
  it.each(REPLY_EXAMPLES)('encodes %s as in the protocol', (_name, reply, wire) => {
    expect(hex(encodeSds011Reply(reply))).toBe(wire);
  });

  it.each(REPLY_EXAMPLES)('decodes %s', (_name, reply, wire) => {
    expect(decodeSds011Reply(bytes(wire))).toEqual(reply);
  });

  it('keeps a reply it does not understand as `unknown` instead of dropping it', () => {
    const reply = encodeSds011Reply({ command: 'unknown', command_id: 9, data: [1, 2, 3], device_id: 1 });
    expect(decodeSds011Reply(reply)).toEqual({ command: 'unknown', command_id: 9, data: [1, 2, 3], device_id: 1 });
  });

  it('refuses a reply with a wrong checksum', () => {
    expect(() => decodeSds011Reply(bytes('aa c5 07 0f 07 0a a1 60 29 ab'))).toThrow(/checksum/);
  });
});

describe('sds011 data frames', () => {
  it('decodes the §3.2 example: PM2.5 123.6, PM10 261.8 µg/m³ from sensor A160', async () => {
    const parser = sds011.createParser();
    const frames: unknown[] = [];
    parser.on('data', (f) => frames.push(f.fields));
    parser.end(bytes('aa c0 d4 04 3a 0a a1 60 1d ab'));
    await finished(parser);
    expect(frames).toEqual([{ pm2_5: 123.6, pm10: 261.8, device_id: 0xa160 }]);
  });

  it('encodes with device_id 0 when none is given and rounds to 0.1 µg/m³', () => {
    expect(hex(sds011.encodeFrame({ pm2_5: 123.64, pm10: 261.8 }))).toBe('aa c0 d4 04 3a 0a 00 00 1c ab');
  });

  it.each([
    ['a missing field', { pm10: 1 }],
    ['an unknown field', { pm2_5: 1, pm10: 1, pm1: 1 }],
    ['a negative value', { pm2_5: -1, pm10: 1 }],
    ['a value beyond 16 bits', { pm2_5: 7000, pm10: 1 }],
  ])('refuses to encode %s', (_name, fields) => {
    expect(() => sds011.encodeFrame(fields)).toThrow(expect.objectContaining({ code: bridgeErrors.INVALID_FIELDS.code }));
  });
});
