import { z } from 'zod';
import { readingKey } from '../../reading-key.ts';
import type { HistoryPoint } from '../../store.ts';
import { FIELD, msToNs, newestPerSeries, pointToReading, TAG, type StoredPoint } from '../point.ts';
import { lookupWindows, type ReadingQueriesFactory } from './reading-queries.ts';

/** `/query` answer (InfluxDB 1.x HTTP API; the same shape from 2.x's and 3.x's v1-compatible endpoint). */
const seriesSchema = z.object({
  tags: z.record(z.string(), z.string()).optional(),
  columns: z.array(z.string()),
  values: z.array(z.array(z.unknown())),
});
const responseSchema = z.object({
  results: z.array(z.object({ series: z.array(seriesSchema).optional(), error: z.string().optional() })).default([]),
  error: z.string().optional(),
});
type Series = z.infer<typeof seriesSchema>;
type Row = Record<string, unknown>;

function ident(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function tagIs(tag: string, value: string): string {
  return `${ident(tag)} = ${literal(value)}`;
}

/** A tag equal to '' also matches points without that tag (real data has no scenario tag). */
function scenarioIs(scenario: string | undefined): string {
  return tagIs(TAG.scenario, scenario ?? '');
}

function anyDevice(devices: readonly string[]): string {
  return `(${devices.map((d) => tagIs(TAG.device, d)).join(' OR ')})`;
}

/** Rows of one series with its GROUP BY tags merged in; `time` in ms (epoch=ms truncates the sub-ms seq offset). */
function rows(series: Series): Row[] {
  return series.values.map((values) => ({ ...series.tags, ...Object.fromEntries(series.columns.map((c, i) => [c, values[i]])) }));
}

function rowToPoint(row: Row): StoredPoint {
  const tags: StoredPoint['tags'] = {};
  for (const tag of Object.keys(TAG) as (keyof typeof TAG)[]) tags[tag] = (row[TAG[tag]] as string | null | undefined) ?? null;
  return { timeMs: Number(row.time), value: Number(row[FIELD.value]), seq: Number(row[FIELD.seq]), tags };
}

/** InfluxQL over `/query?db=&epoch=ms` (InfluxDB 1.x; 2.x through a DBRP mapping; 3.x). */
export const influxQl: ReadingQueriesFactory = (influx, config) => {
  const from = ident(config.measurement);

  async function run(q: string): Promise<Series[]> {
    const body = new URLSearchParams({ db: config.database, q, epoch: 'ms' }).toString();
    const answer = responseSchema.parse(
      await influx.transport.request('/query', body, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    );
    const first = answer.results[0];
    const error = answer.error ?? first?.error;
    if (error) throw new Error(`InfluxQL: ${error} (query: ${q.slice(0, 200)})`);
    return first?.series ?? [];
  }

  return {
    async open() {
      if (config.create_database) await run(`CREATE DATABASE ${ident(config.database)}`);
      // A missing database is an error here (SHOW MEASUREMENTS would answer an empty list).
      await run(`SELECT count(${ident(FIELD.seq)}) FROM ${from} WHERE time > now() - 1s`);
    },

    async storedKeys(candidates) {
      const keys = new Set<string>();
      for (const w of lookupWindows(candidates)) {
        const series = await run(
          `SELECT ${ident(FIELD.seq)} FROM ${from} WHERE ${anyDevice(w.devices)} AND ${scenarioIs(w.scenario)}
           AND time >= ${msToNs(w.fromMs)} AND time < ${msToNs(w.toMs + 1)} GROUP BY ${ident(TAG.device)}`,
        );
        for (const row of series.flatMap(rows)) keys.add(readingKey({ device: row[TAG.device] as string, scenario: w.scenario, seq: Number(row[FIELD.seq]) }));
      }
      return keys;
    },

    // InfluxDB answers a write after its WAL and in-memory cache took it: already visible.
    makeWritesVisible: () => Promise.resolve(),

    async latest(filter) {
      const where = [scenarioIs(filter.scenario)];
      if (filter.devices) {
        if (filter.devices.length === 0) return [];
        where.push(anyDevice(filter.devices));
      }
      if (filter.quantity) where.push(tagIs(TAG.quantity, filter.quantity));
      // The newest point of every series (a series is also split by quality, unit and reasons), then per (device, quantity).
      const series = await run(
        `SELECT ${ident(FIELD.value)}, ${ident(FIELD.seq)} FROM ${from} WHERE ${where.join(' AND ')} GROUP BY * ORDER BY time DESC LIMIT 1`,
      );
      return newestPerSeries(series.flatMap(rows).map((row) => pointToReading(rowToPoint(row))));
    },

    async history(q) {
      const series = await run(
        `SELECT mean(${ident(FIELD.value)}) AS avg, min(${ident(FIELD.value)}) AS min, max(${ident(FIELD.value)}) AS max,
                count(${ident(FIELD.value)}) AS count
         FROM ${from}
         WHERE ${tagIs(TAG.device, q.device)} AND ${tagIs(TAG.quantity, q.quantity)} AND ${scenarioIs(q.scenario)}
           AND ${ident(TAG.quality)} != 'bad'
           AND time >= ${msToNs(q.from.getTime())} AND time < ${msToNs(q.to.getTime())}
         GROUP BY time(${Math.round(q.bucket_s * 1000)}ms) fill(none)`,
      );
      // GROUP BY time() buckets start at multiples of the width since the epoch, as HistoryQuery asks.
      return series.flatMap(rows).map((row): HistoryPoint => ({
        ts: new Date(Number(row.time)).toISOString(),
        avg: Number(row.avg),
        min: Number(row.min),
        max: Number(row.max),
        count: Number(row.count),
      }));
    },

    async list(q) {
      if (q.limit < 1) return [];
      const where = [tagIs(TAG.device, q.device), scenarioIs(q.scenario)];
      if (q.quantity) where.push(tagIs(TAG.quantity, q.quantity));
      // Point time orders by ts, then by seq within a millisecond (point.ts).
      const series = await run(
        `SELECT * FROM ${from} WHERE ${where.join(' AND ')}
           AND time >= ${msToNs(q.from.getTime())} AND time < ${msToNs(q.to.getTime())}
         ORDER BY time ASC LIMIT ${Math.floor(q.limit)}`,
      );
      return series.flatMap(rows).map((row) => pointToReading(rowToPoint(row)));
    },

    async count(filter) {
      const where = [scenarioIs(filter.scenario)];
      if (filter.device) where.push(tagIs(TAG.device, filter.device));
      if (filter.quantity) where.push(tagIs(TAG.quantity, filter.quantity));
      const series = await run(`SELECT count(${ident(FIELD.seq)}) FROM ${from} WHERE ${where.join(' AND ')}`);
      return Number(series[0]?.values[0]?.[1] ?? 0);
    },
  };
};
