import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { ZenneError } from '@zenne/device-profiles';
import { simErrors } from '../errors.ts';
import { RecordedSeries, type PmSample } from './recorded-series.ts';

/** The copied archive files (simulations/data/sensor-community-5331/NOTICE). */
export const SENSOR_COMMUNITY_DIR = new URL('../../data/sensor-community-5331/', import.meta.url).pathname;

const decimal = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal number')
  .transform(Number);

// Sensor.Community archive layout for SDS011 files:
// sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;durP2;ratioP2
// P1 is PM10 and P2 is PM2.5 (µg/m³); timestamps are UTC without a zone suffix.
const rowSchema = z.object({
  timestamp: z.iso.datetime({ local: true }).transform((s) => Date.parse(`${s}Z`)),
  P1: decimal,
  P2: decimal,
});

export interface ParseResult {
  samples: PmSample[];
  /** Rows that could not be read; each names its file, line and reason. */
  rejected: ZenneError[];
}

/** Parses one `;`-separated Sensor.Community SDS011 CSV. Bad rows are skipped and reported, never thrown. */
export function parseSensorCommunityCsv(text: string, file: string): ParseResult {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(';');
  const samples: PmSample[] = [];
  const rejected: ZenneError[] = [];
  for (const [index, line] of lines.entries()) {
    if (index === 0 || line.trim() === '') continue;
    const cells = line.split(';');
    const record = Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
    const parsed = rowSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      rejected.push(simErrors.REPLAY_ROW_INVALID({ file, line: index + 1, reason: `${issue.path.join('.')}: ${issue.message}` }));
      continue;
    }
    samples.push({ t: parsed.data.timestamp, pm10: parsed.data.P1, pm2_5: parsed.data.P2 });
  }
  return { samples, rejected };
}

/**
 * Loads every `*sds011*.csv` of `dir` into one series.
 * Throws `ZENNE_ERR_SIM_REPLAY_DATA_MISSING` when nothing usable is there.
 */
export function loadSensorCommunitySeries(dir: string = SENSOR_COMMUNITY_DIR): { series: RecordedSeries; rejected: ZenneError[] } {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /sds011.*\.csv$/i.test(f)).sort();
  } catch (cause) {
    throw simErrors.REPLAY_DATA_MISSING({ dir }, { cause });
  }
  const samples: PmSample[] = [];
  const rejected: ZenneError[] = [];
  for (const file of files) {
    const result = parseSensorCommunityCsv(readFileSync(join(dir, file), 'utf8'), basename(file));
    samples.push(...result.samples);
    rejected.push(...result.rejected);
  }
  if (samples.length < 2) throw simErrors.REPLAY_DATA_MISSING({ dir });
  return { series: new RecordedSeries(samples), rejected };
}
