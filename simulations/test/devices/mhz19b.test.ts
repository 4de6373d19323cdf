import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecodedFrame } from '@zenne/device-profiles';
import { encodeMhz19bCommand, Mhz19bParser, type Mhz19bCommand } from '@zenne/firmware-bridges';
import { MHZ19B_CAPTURE, capturedCo2At } from '../../src/devices/mhz19b/mhz19b-capture.ts';
import { mhz19bKind } from '../../src/devices/mhz19b/virtual-mhz19b.ts';
import { getVirtualDeviceKind } from '../../src/devices/registry.ts';
import type { VirtualDevice } from '../../src/devices/device.ts';
import { virtualDeviceContract } from '../../src/devices/testing/device-contract.ts';
import type { ReplaySource } from '../../src/replay/replay-source.ts';
import { linkPairFactories, type LinkPair } from '../helpers/link-pairs.ts';
import { nextEvent } from '../helpers/next-event.ts';

const PM_SOURCE: ReplaySource = { at: () => ({ pm2_5: 12.3, pm10: 20.5 }) };
const captureStartMs = MHZ19B_CAPTURE.startS * 1000;

describe('MH-Z19B replayed CO2', () => {
  it('is the CO2 column of the real capture the mhz19b bridge is tested with', () => {
    const bridgesSrc = dirname(createRequire(import.meta.url).resolve('@zenne/firmware-bridges'));
    const expected = JSON.parse(readFileSync(join(bridgesSrc, 'mhz19b/test/cases/capture-mhz19b/expected.json'), 'utf8')) as {
      frames: { recorded_at: string; fields: { co2: number } }[];
    };
    expect(MHZ19B_CAPTURE.co2Ppm).toEqual(expected.frames.map((f) => f.fields.co2));
    expect(new Date(captureStartMs).toISOString()).toBe(expected.frames[0]!.recorded_at);
  });

  it('replays it cyclically, one value per 10-s slot', () => {
    const values = MHZ19B_CAPTURE.co2Ppm;
    const cycleMs = values.length * MHZ19B_CAPTURE.stepS * 1000;
    expect(Array.from(values, (_, i) => capturedCo2At(captureStartMs + i * 10_000 + 9_999))).toEqual(values);
    for (const t of [0, 123_456_789, Date.UTC(2026, 0, 15, 8, 30)]) expect(capturedCo2At(t + cycleMs)).toBe(capturedCo2At(t));
    expect(mhz19bKind.fieldsAt(PM_SOURCE, captureStartMs + 95_000)).toEqual({ co2: 633 });
  });

  it('is registered under its bridge id', () => {
    expect(getVirtualDeviceKind('mhz19b')).toBe(mhz19bKind);
  });
});

for (const factory of linkPairFactories) {
  describe(`virtual MH-Z19B ${factory.name}`, () => {
    virtualDeviceContract({ kind: mhz19bKind, openLink: factory.open });

    let link: LinkPair | undefined;
    let device: VirtualDevice | undefined;
    afterEach(async () => {
      await device?.stop();
      await link?.close();
      link = undefined;
      device = undefined;
    });

    async function start(nowMs: number) {
      link = await factory.open();
      device = mhz19bKind.create({ id: 'co2-test-01', source: PM_SOURCE, now: () => nowMs });
      const parser = new Mhz19bParser();
      link.host.pipe(parser);
      device.start(link.device);
      const send = (command: Mhz19bCommand) => link!.host.write(encodeMhz19bCommand(command));
      return { parser, send, device };
    }

    it('answers each read-CO2 command with the captured value of the moment, and only then', async () => {
      const { parser, send, device } = await start(captureStartMs + 85_000);
      const frame = nextEvent<DecodedFrame>(parser, 'data');
      send({ command: 'read_co2' });
      expect((await frame).fields).toEqual({ co2: 635 });
      expect(device.counters.frames_sent).toBe(1);
    });

    it('acts on calibration, ABC and range commands without answering (§7 "No response")', async () => {
      const { parser, send, device } = await start(captureStartMs);
      send({ command: 'abc', enabled: false });
      send({ command: 'detection_range', range_ppm: 2000 });
      send({ command: 'zero_calibration' });
      send({ command: 'span_calibration', span_ppm: 2000 });
      // The read is answered after the four silent commands: the device handles them in order.
      const frame = nextEvent<DecodedFrame>(parser, 'data');
      send({ command: 'read_co2' });
      expect((await frame).fields).toEqual({ co2: 636 });
      expect(device.state()).toEqual({ abc: 'off', detection_range_ppm: 2000, zero_calibrations: 1, last_span_ppm: 2000 });
      expect(device.counters).toMatchObject({ commands: 5, replies: 4, frames_sent: 1, bad_commands: 0 });
      expect(parser.counters.frames).toBe(1);
    });

    it('counts a command with a bad checksum and still answers the next one', async () => {
      const { parser, send, device } = await start(captureStartMs);
      const broken = encodeMhz19bCommand({ command: 'read_co2' });
      broken[8] = broken[8]! ^ 0xff;
      link!.host.write(broken);
      const frame = nextEvent<DecodedFrame>(parser, 'data');
      send({ command: 'read_co2' });
      expect((await frame).fields).toEqual({ co2: 636 });
      expect(device.counters.bad_commands).toBe(1);
    });
  });
}
