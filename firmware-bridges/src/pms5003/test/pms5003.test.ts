import { fileURLToPath } from 'node:url';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { bridgeContract } from '../../testing/bridge-contract.ts';
import { hex } from '../../framing/hex.ts';
import { bridgeErrors } from '../../errors.ts';
import { Pms5003CommandParser, decodePms5003Command, encodePms5003Command, pms5003, type Pms5003Command } from '../index.ts';

bridgeContract({ bridge: pms5003, casesDir: fileURLToPath(new URL('./cases', import.meta.url)) });

const bytes = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// The command table of PyPMS docs/sensors/Plantower.md (PMS5003 manual, passive-mode appendix).
const COMMANDS: [string, Pms5003Command, string][] = [
  ['active mode', { command: 'change_mode', mode: 'active' }, '42 4d e1 00 01 01 71'],
  ['passive mode', { command: 'change_mode', mode: 'passive' }, '42 4d e1 00 00 01 70'],
  ['passive read', { command: 'read' }, '42 4d e2 00 00 01 71'],
  ['sleep', { command: 'sleep_wakeup', state: 'sleep' }, '42 4d e4 00 00 01 73'],
  ['wake up', { command: 'sleep_wakeup', state: 'wakeup' }, '42 4d e4 00 01 01 74'],
];

describe('pms5003 host commands', () => {
  it.each(COMMANDS)('encodes %s as documented', (_name, command, wire) => {
    expect(hex(encodePms5003Command(command))).toBe(wire);
  });

  it.each(COMMANDS)('decodes %s on the device side', (_name, command, wire) => {
    expect(decodePms5003Command(bytes(wire))).toEqual(command);
  });

  it.each([
    ['a wrong LRC', '42 4d e2 00 00 01 72', /LRC/],
    ['an unknown command code', '42 4d e3 00 00 01 72', /command code 0xe3/],
    ['a data value other than 0 or 1', '42 4d e1 00 02 01 72', /data is 2/],
    ['a short frame', '42 4d e2 00 00 01', /7/],
  ])('refuses %s with a message saying why', (_name, wire, why) => {
    let thrown: unknown;
    try {
      decodePms5003Command(bytes(wire));
    } catch (err) {
      thrown = err;
    }
    expect(bridgeErrors.MALFORMED_MESSAGE.is(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(why);
  });

  it('parses a command stream split anywhere and reports unknown codes separately', async () => {
    const parser = new Pms5003CommandParser();
    const commands: unknown[] = [];
    const commandErrors: unknown[] = [];
    parser.on('data', (c) => commands.push(c));
    parser.on('command-error', (e) => commandErrors.push(e));
    const stream = Buffer.concat([bytes('ff 42'), bytes('42 4d e2 00 00 01 71'), bytes('42 4d e3 00 00 01 72'), bytes('42 4d e4 00 00 01 73')]);
    for (const b of stream) parser.write(Buffer.of(b));
    parser.end();
    await finished(parser);
    expect(commands).toEqual([{ command: 'read' }, { command: 'sleep_wakeup', state: 'sleep' }]);
    expect(commandErrors).toHaveLength(1);
    expect(parser.counters.garbage_bytes).toBe(2);
  });
});

describe('pms5003 data frames', () => {
  it('reproduces a captured frame from its fields when the reserved word is 0', () => {
    // PMSx003.hexdump message 0 with its reserved word (97 00) zeroed and the check word recomputed.
    const fields = { pm1_cf1: 0, pm2_5_cf1: 8, pm10_cf1: 8, pm1: 0, pm2_5: 8, pm10: 8, n0_3: 210, n0_5: 70, n1_0: 45, n2_5: 30, n5_0: 0, n10_0: 0 };
    expect(hex(pms5003.encodeFrame(fields))).toBe(
      '42 4d 00 1c 00 00 00 08 00 08 00 00 00 08 00 08 00 d2 00 46 00 2d 00 1e 00 00 00 00 00 00 02 2e',
    );
  });

  it('defaults every field except pm2_5 and pm10 to 0 when encoding', async () => {
    const parser = pms5003.createParser();
    const frames: Record<string, number>[] = [];
    parser.on('data', (f) => frames.push(f.fields));
    parser.end(pms5003.encodeFrame({ pm2_5: 12.4, pm10: 20 }));
    await finished(parser);
    expect(frames).toEqual([{ pm1_cf1: 0, pm2_5_cf1: 0, pm10_cf1: 0, pm1: 0, pm2_5: 12, pm10: 20, n0_3: 0, n0_5: 0, n1_0: 0, n2_5: 0, n5_0: 0, n10_0: 0 }]);
  });

  it.each([
    ['a missing pm10', { pm2_5: 1 }],
    ['an unknown field', { pm2_5: 1, pm10: 1, temperature: 20 }],
    ['a value beyond 16 bits', { pm2_5: 70000, pm10: 1 }],
  ])('refuses to encode %s', (_name, fields) => {
    expect(() => pms5003.encodeFrame(fields)).toThrow(expect.objectContaining({ code: bridgeErrors.INVALID_FIELDS.code }));
  });
});
