import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PMS5003_FIELDS } from '@zenne/firmware-bridges';
import { loadPlantowerFieldRatios, plantowerFields } from '../../src/replay/plantower-field-ratios.ts';
import { createReplaySource } from '../../src/replay/replay-source.ts';
import { loadSensorCommunitySeries, parseSensorCommunityCsv, SENSOR_COMMUNITY_DIR } from '../../src/replay/sensor-community-csv.ts';
import { timeZoneOffsetMs } from '../../src/replay/time-shift.ts';

const { series, rejected } = loadSensorCommunitySeries();

describe('Sensor.Community replay', () => {
  it('reads the 14 days of node 5331 without rejecting a row', () => {
    // One sample per data line: every file's lines minus its header.
    const files = readdirSync(SENSOR_COMMUNITY_DIR).filter((f) => f.endsWith('.csv'));
    const lines = files.reduce((n, f) => n + readFileSync(join(SENSOR_COMMUNITY_DIR, f), 'utf8').trim().split('\n').length - 1, 0);
    expect(files).toHaveLength(14);
    expect(rejected).toEqual([]);
    expect(series.length).toBe(lines);
    expect(series.periodMs).toBe(14 * 86_400_000);
    expect(series.startMs).toBe(Date.parse('2019-05-10T00:00:00Z'));
  });

  it('replays a recorded sample at the same local time of day, in winter and in summer', () => {
    // CSV 2019-05-10T00:05:23 (UTC) = 01:05:23 in Aberdeen (BST): P1 (PM10) 2.93, P2 (PM2.5) 1.33.
    // 2026-01-09 is a whole number of 14-day cycles later; 01:05:23 in Brussels is 00:05:23Z in
    // winter (CET) and, on 2026-06-26, 23:05:23Z the day before in summer (CEST).
    const source = createReplaySource(series, { days: 0, minutes: 0 });
    expect(source.at(Date.parse('2026-01-09T00:05:23Z'))).toEqual({ pm2_5: 1.33, pm10: 2.93 });
    expect(source.at(Date.parse('2026-06-25T23:05:23Z'))).toEqual({ pm2_5: 1.33, pm10: 2.93 });
  });

  it('shifts by the sensor phase and interpolates linearly between samples', () => {
    // CSV 2019-05-15T04:02:03 → P1 26.43, P2 20.43; 04:04:30 → P1 23.70, P2 20.07.
    const fiveDays = createReplaySource(series, { days: 5, minutes: 0 });
    expect(fiveDays.at(Date.parse('2026-01-09T04:04:30Z'))).toEqual({ pm2_5: 20.07, pm10: 23.7 });
    const midway = fiveDays.at(Date.parse('2026-01-09T04:03:16.500Z'));
    expect(midway.pm10).toBeCloseTo((26.43 + 23.7) / 2, 9);
    expect(midway.pm2_5).toBeCloseTo((20.43 + 20.07) / 2, 9);
    const plusTwoMinutes = createReplaySource(series, { days: 5, minutes: 2 });
    expect(plusTwoMinutes.at(Date.parse('2026-01-09T04:02:30Z'))).toEqual({ pm2_5: 20.07, pm10: 23.7 });
  });

  it('is cyclic: the last sample leads back into the first one', () => {
    const x = 123_456;
    expect(series.valueAt(series.startMs + series.periodMs + x)).toEqual(series.valueAt(series.startMs + x));
    expect(series.valueAt(series.startMs - x)).toEqual(series.valueAt(series.startMs + series.periodMs - x));
  });

  it('skips and reports a malformed row, keeping the others', () => {
    const text = [
      'sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;durP2;ratioP2',
      '5331;SDS011;3121;57.138;-2.078;2019-05-10T00:02:37;4.20;;;1.57;;',
      '5331;SDS011;3121;57.138;-2.078;2019-05-10T00:05:23;;;;1.33;;',
    ].join('\n');
    const result = parseSensorCommunityCsv(text, 'x.csv');
    expect(result.samples).toEqual([{ t: Date.parse('2019-05-10T00:02:37Z'), pm10: 4.2, pm2_5: 1.57 }]);
    expect(result.rejected.map((e) => e.code)).toEqual(['ZENNE_ERR_SIM_REPLAY_ROW_INVALID']);
    expect(result.rejected[0]!.message).toContain('x.csv line 3: P1');
  });

  it('knows Brussels daylight saving time', () => {
    expect(timeZoneOffsetMs('Europe/Brussels', Date.parse('2026-01-09T12:00:00Z'))).toBe(3_600_000);
    expect(timeZoneOffsetMs('Europe/Brussels', Date.parse('2026-06-26T12:00:00Z'))).toBe(7_200_000);
  });
});

describe('PMS5003 fields from the replayed series', () => {
  it('derives PM1 and the counts from the real Plantower captures', () => {
    const ratios = loadPlantowerFieldRatios();
    const fields = plantowerFields({ pm2_5: 10, pm10: 12 }, ratios);
    // PMS5003T.csv: PM1 sums to 206 and PM2.5 to 334 over its ten frames.
    expect(fields.pm1).toBeCloseTo((10 * 206) / 334, 9);
    // PMSx003.csv: CF=1 equals atmospheric; n0_3 sums to 17.85 /cm³ over 65 µg/m³ of PM2.5 (×100 per 0.1 L).
    expect(fields.pm2_5_cf1).toBe(10);
    expect(fields.pm10_cf1).toBe(12);
    expect(fields.n0_3).toBeCloseTo((10 * 1785) / 65, 9);
    expect(fields.n10_0).toBe(0);
    expect(Object.keys(fields).sort()).toEqual([...PMS5003_FIELDS].sort());
  });
});
