import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createNormaliser, getProfile, type DecodedFrame } from '@zenne/device-profiles';
import { LineCounterParser } from '@zenne/firmware-bridges';
import { ENTRANCE_MODEL, entranceCounts } from '../src/devices/line-counter/entrance-flow.ts';
import { MELBOURNE_CENTRAL_HOURLY } from '../src/devices/line-counter/melbourne-central-counts.ts';
import { lineCounterKind } from '../src/devices/line-counter/virtual-line-counter.ts';
import { getVirtualDeviceKind } from '../src/devices/registry.ts';
import type { VirtualDevice } from '../src/devices/device.ts';
import { virtualDeviceContract } from '../src/devices/testing/device-contract.ts';
import type { ReplaySource } from '../src/replay/replay-source.ts';
import { linkPairFactories, type LinkPair } from './helpers/link-pairs.ts';

const PM_SOURCE: ReplaySource = { at: () => ({ pm2_5: 12.3, pm10: 20.5 }) };
const MINUTE_MS = 60_000;
const MELBOURNE_CSV = '/work/shared/data/timeseries/people-counts-melbourne/melbourne_pedestrian_hourly_2014-11-03_to_2014-11-16.csv';
/** Monday 2026-11-23 00:00 in Brussels (CET, UTC+1). */
const MONDAY_MIDNIGHT = Date.UTC(2026, 10, 22, 23, 0);

describe('line counter: Melbourne Central counts and the entrance model', () => {
  it.skipIf(!existsSync(MELBOURNE_CSV))('embeds the real hourly counts of sensor 3, day by day and hour by hour', () => {
    const rows = readFileSync(MELBOURNE_CSV, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
    const days = MELBOURNE_CENTRAL_HOURLY.counts.map((_, day) => new Date(Date.parse(`${MELBOURNE_CENTRAL_HOURLY.firstDay}T00:00:00Z`) + day * 86_400_000));
    const month = (d: Date) => d.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
    for (const [day, date] of days.entries()) {
      const label = `${String(date.getUTCDate()).padStart(2, '0')}-${month(date)}-${date.getUTCFullYear()}`;
      const hours = rows.filter((r) => r[0] === label && r[3] === String(MELBOURNE_CENTRAL_HOURLY.sensorId));
      expect(hours).toHaveLength(24);
      for (const r of hours) expect(MELBOURNE_CENTRAL_HOURLY.counts[day]![Number(r[2])]).toBe(Number(r[5]));
    }
  });

  it('adds up: a day of one-minute intervals carries the share of the day\'s real count that enters', () => {
    let entered = 0;
    let left = 0;
    for (let end = MONDAY_MIDNIGHT + MINUTE_MS; end <= MONDAY_MIDNIGHT + 86_400_000; end += MINUTE_MS) {
      const fields = entranceCounts(end, MINUTE_MS);
      entered += fields.in;
      left += fields.out;
      expect(fields.occupancy).toBeGreaterThanOrEqual(0);
    }
    // Monday 2026-11-23 replays a Monday of the series; both Mondays count within a few people of the share.
    const mondays = [0, 7].map((day) => MELBOURNE_CENTRAL_HOURLY.counts[day]!.reduce((sum, n) => sum + n, 0) * ENTRANCE_MODEL.entryShare);
    expect(mondays.some((m) => Math.abs(entered - m) <= 1)).toBe(true);
    // Occupancy is in − out: the day's net flow is exactly its change over the day.
    const startOccupancy = entranceCounts(MONDAY_MIDNIGHT, MINUTE_MS).occupancy;
    expect(entered - left).toBe(entranceCounts(MONDAY_MIDNIGHT + 86_400_000, MINUTE_MS).occupancy - startOccupancy);
  });

  it('follows the real day: the lunchtime hour carries many times the small-hours flow, inside the profile ranges', () => {
    const at = (hour: number) => entranceCounts(MONDAY_MIDNIGHT + hour * 3_600_000 + 30 * MINUTE_MS, MINUTE_MS);
    expect(at(12).in).toBeGreaterThan(10 * Math.max(1, at(4).in));
    const normaliser = createNormaliser(getProfile(lineCounterKind.profile), { device: 'people-test-01' });
    const { readings } = normaliser.normalise({ fields: { ...at(12) }, ts: new Date() });
    expect(readings.map((r) => [r.quantity, r.quality])).toEqual([
      ['people_flow_in', 'good'],
      ['people_flow_out', 'good'],
      ['people_count', 'good'],
    ]);
  });

  it('is registered under its bridge id', () => {
    expect(getVirtualDeviceKind('line-counter')).toBe(lineCounterKind);
  });
});

for (const factory of linkPairFactories) {
  describe(`virtual line counter ${factory.name}`, () => {
    virtualDeviceContract({ kind: lineCounterKind, openLink: factory.open });

    let link: LinkPair | undefined;
    let device: VirtualDevice | undefined;
    afterEach(async () => {
      await device?.stop();
      await link?.close();
      [link, device] = [undefined, undefined];
    });

    it('sends every interval closed since its last report, in order, repeats the last one until the next closes, and ignores host bytes', async () => {
      const first = MONDAY_MIDNIGHT + 9 * 3_600_000;
      let now = first + 30_000;
      link = await factory.open();
      device = lineCounterKind.create({ id: 'people-test-01', source: PM_SOURCE, now: () => now, periodMs: 20 });
      const parser = new LineCounterParser();
      const ends: number[] = [];
      parser.on('data', (frame: DecodedFrame) => {
        expect(frame.fields).toEqual(entranceCounts(frame.fields.interval_end_s! * 1000, MINUTE_MS));
        ends.push(frame.fields.interval_end_s! * 1000);
      });
      link.host.pipe(parser);
      device.start(link.device);
      link.host.write('$PZNEQ*00\r\n');
      while (ends.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      now += 3 * MINUTE_MS;
      while (!ends.includes(first + 3 * MINUTE_MS)) await new Promise((resolve) => setTimeout(resolve, 10));
      const distinct = ends.filter((end, i) => end !== ends[i - 1]);
      expect(distinct).toEqual([first, first + MINUTE_MS, first + 2 * MINUTE_MS, first + 3 * MINUTE_MS]);
      expect(device.counters).toMatchObject({ commands: 0, bad_commands: 0 });
      expect(device.state()).toMatchObject({ interval_s: 60 });
    });
  });
}
