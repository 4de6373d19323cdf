import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNormaliser, getProfile, type ReadingDraft } from '@zenne/device-profiles';
import { loadCases, type BridgeCase } from '@zenne/firmware-bridges/testing/cases';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { closeSerialLink, getVirtualDeviceKind, openSerialLink, type VirtualDevice } from '@zenne/simulations';
import { silentLogger } from '../src/logger.ts';
import { SerialSource, type SerialSourceConfig } from '../src/sources/serial/index.ts';
import { sourceContract, type ExpectedReading } from '../src/sources/testing/source-contract.ts';

// The serial people counter end to end on the agent side: `$PZNELC` sentences
// (firmware-bridges/src/line-counter) through a real socat pty into the serial source.

const PROFILE = 'generic-line-counter-serial';
const DEVICE = 'people-test-01';
const bridgesSrc = dirname(createRequire(import.meta.url).resolve('@zenne/firmware-bridges'));
const minutes: BridgeCase = loadCases(join(bridgesSrc, 'line-counter/test/cases')).find((c) => c.name === 'stream-entrance-minutes')!;

function counterConfig(port: string): SerialSourceConfig {
  return { id: 'counter-01', kind: 'serial', port, baud_rate: 9600, bridge: 'line-counter', profile: PROFILE, device: DEVICE };
}

function readingsOf(fields: Record<string, number>[]): ExpectedReading[] {
  const normaliser = createNormaliser(getProfile(PROFILE), { device: DEVICE });
  return fields.flatMap((f) => normaliser.normalise({ fields: f, ts: new Date() }).readings.map(({ device, quantity, value }) => ({ device, quantity, value })));
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

{
  let pair: PtyPair | undefined;
  let source: SerialSource | undefined;
  sourceContract({
    name: 'serial over a socat pty, line-counter sentences of the virtual counter',
    async create() {
      pair = await openPtyPair();
      source = new SerialSource(counterConfig(pair.a), { logger: silentLogger() });
      return source;
    },
    async feed() {
      await writeFile(pair!.b, minutes.input);
      return readingsOf(minutes.expected.frames.map((f) => f.fields));
    },
    async feedNoise() {
      // Another talker's NMEA sentence and line noise.
      await writeFile(pair!.b, Buffer.from('$GPRMC,075200,A,5050.9820,N,00421.1620,E,0.0,0.0,231126,,,A*6A\r\n\u0000\u0013\u0011'));
    },
    async teardown() {
      await source?.stop();
      await pair?.close();
      [source, pair] = [undefined, undefined];
    },
  });
}

describe('serial source: the virtual line counter on a socat pty', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  it('turns its sentences into people_flow_in/out and people_count readings of the modelled interval, all good', async () => {
    const pair = await openPtyPair();
    cleanup.push(() => pair.close());
    const link = await openSerialLink(pair.b, 9600);
    cleanup.push(() => closeSerialLink(link));
    const kind = getVirtualDeviceKind('line-counter');
    // Monday 2026-11-23 12:30:30 in Brussels: lunchtime in the replayed Melbourne Monday.
    const now = Date.UTC(2026, 10, 23, 11, 30, 30);
    const counter: VirtualDevice = kind.create({ id: DEVICE, source: { at: () => ({ pm2_5: 0, pm10: 0 }) }, now: () => now, periodMs: 50 });
    cleanup.push(() => counter.stop());
    const source = new SerialSource(counterConfig(pair.a), { logger: silentLogger() });
    cleanup.push(() => source.stop());
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => source.stats().state === 'running');
    counter.start(link);
    await until(() => readings.length >= 6);
    await source.stop();

    // Until the next minute closes the counter repeats the last closed one, so every sentence carries the same interval.
    const expected = readingsOf([kind.fieldsAt({ at: () => ({ pm2_5: 0, pm10: 0 }) }, now)]);
    expect(expected.map((r) => r.quantity)).toEqual(['people_flow_in', 'people_flow_out', 'people_count']);
    expect(expected[0]!.value).toBeGreaterThan(0);
    const whole = readings.slice(0, readings.length - (readings.length % 3));
    for (let at = 0; at < whole.length; at += 3) {
      expect(whole.slice(at, at + 3).map(({ device, quantity, value }) => ({ device, quantity, value }))).toEqual(expected);
    }
    expect(readings.every((r) => r.quality === 'good')).toBe(true);
    expect(source.stats().errors).toEqual({});
  });
});
