/**
 * bench/query — the two queries the twin and dashboards lean on, Zenne's
 * embedded store (DuckDB, through the ReadingStore API the HTTP routes use)
 * beside Debian's InfluxDB 1.x (InfluxQL over its HTTP API) on the same data
 * in the same run: the latest PM2.5 of 10,000 sensors, and one year of one
 * sensor rolled up into hourly avg/min/max/count. Also bytes on disk per
 * reading for both. Values are the real Sensor.Community series, cycled.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Reading } from '@zenne/device-profiles';
import { duckdbStore } from '../../cloud/src/stores/duckdb/duckdb-store.ts';
import { startInfluxDb1 } from '../../cloud/test/support/influx-servers.ts';
import { toLineProtocol } from '../../cloud/src/stores/influxdb/point.ts';
import { realPmSeries } from '../lib-real-series.ts';

const HELP = `bench/query — latest of N sensors and a one-year hourly rollup, Zenne (DuckDB) beside InfluxDB 1.x

Usage: npm run bench:query -- [options]

Options:
  --sensors N     sensors in the "latest" data set (default 10000)
  --per-sensor N  readings per sensor in it (default 6)
  --year-step S   seconds between readings of the one-year sensor (default 300)
  --runs N        timed runs per query; the median is reported (default 7)
  --help          this text

Examples:
  npm run bench:query
  npm run bench:query -- --sensors 2000 --runs 3

Prints a table and writes bench/results/query-<timestamp>.json. Needs Debian's influxdb
(the test command installs it: apt-get install -y influxdb).`;

const { values: opt } = parseArgs({
  options: {
    sensors: { type: 'string', default: '10000' },
    'per-sensor': { type: 'string', default: '6' },
    'year-step': { type: 'string', default: '300' },
    runs: { type: 'string', default: '7' },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(HELP);
  process.exit(0);
}
const sensors = Number(opt.sensors);
const perSensor = Number(opt['per-sensor']);
const yearStepS = Number(opt['year-step']);
const runs = Number(opt.runs);
const root = join(import.meta.dirname, '../..');
const MEASUREMENT = 'readings';
const DB = 'zenne';
const YEAR_DEVICE = 'aq-year-0001';
const END = Date.UTC(2026, 10, 23, 0, 0, 0);
const YEAR_START = END - 365 * 86_400_000;

const series = realPmSeries();
function reading(device: string, i: number, ts: number): Reading {
  return { device, quantity: 'pm2_5', value: series[i % series.length]!.pm2_5, unit: 'ug/m3', ts: new Date(ts).toISOString(), seq: ts * 1000 + i, quality: 'good' };
}
/** The latest-of-N set: `perSensor` readings 10 s apart per sensor, ending at END; then one year of one sensor. */
function* dataSet(): Generator<Reading[]> {
  const batch: Reading[] = [];
  for (let s = 0; s < sensors; s += 1) {
    const device = `aq-${String(s).padStart(5, '0')}`;
    for (let k = 0; k < perSensor; k += 1) batch.push(reading(device, s * perSensor + k, END - (perSensor - k) * 10_000));
    if (batch.length >= 5000) yield batch.splice(0);
  }
  for (let t = YEAR_START, i = 0; t < END; t += yearStepS * 1000, i += 1) {
    batch.push(reading(YEAR_DEVICE, i, t));
    if (batch.length >= 5000) yield batch.splice(0);
  }
  if (batch.length > 0) yield batch;
}

async function median(what: string, fn: () => Promise<number>): Promise<{ ms: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  await fn(); // warm-up: caches and query plans
  for (let r = 0; r < runs; r += 1) {
    const t0 = performance.now();
    rows = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  process.stderr.write(`  ${what}: ${times.map((t) => t.toFixed(1)).join(', ')} ms\n`);
  return { ms: times[Math.floor(times.length / 2)]!, rows };
}

function du(path: string): number {
  return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
}

/** Bytes of InfluxDB's compressed shard files (TSM and their indexes), leaving out its fixed, preallocated series file (8 × 4 MiB per database). */
function tsmBytes(dataDir: string): number {
  const out = execFileSync('find', [dataDir, '-type', 'f', '(', '-name', '*.tsm', '-o', '-name', '*.tsi', '-o', '-name', 'fields.idx', ')', '-printf', '%s\n'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).reduce((sum, n) => sum + Number(n), 0);
}

const work = mkdtempSync(join(tmpdir(), 'zenne-bench-query-'));
const influx = await startInfluxDb1({ compactWithinSeconds: 2 });
try {
  const q = async (query: string) => {
    const res = await fetch(`${influx.url}/query?db=${DB}&epoch=ms&q=${encodeURIComponent(query)}`, { method: 'POST' });
    if (!res.ok) throw new Error(`InfluxQL ${res.status}: ${await res.text()}`);
    return (await res.json()) as { results: Array<{ series?: Array<{ values: unknown[][] }>; error?: string }> };
  };
  await q(`CREATE DATABASE ${DB}`);
  const store = await duckdbStore({ file: join(work, 'readings.duckdb') });
  let total = 0;
  const load = { zenne_ms: 0, influx_ms: 0 };
  process.stderr.write(`loading ${sensors} sensors × ${perSensor} readings and one year every ${yearStepS} s into both ...\n`);
  for (const batch of dataSet()) {
    let t0 = performance.now();
    await store.writeBatch(batch);
    load.zenne_ms += performance.now() - t0;
    t0 = performance.now();
    const res = await fetch(`${influx.url}/write?db=${DB}&precision=ns`, { method: 'POST', body: batch.map((r) => toLineProtocol(MEASUREMENT, r)).join('\n') });
    if (res.status !== 204) throw new Error(`InfluxDB write ${res.status}: ${await res.text()}`);
    load.influx_ms += performance.now() - t0;
    total += batch.length;
    process.stderr.write(`\r  ${total} readings`);
  }
  process.stderr.write('\n');

  const latestZenne = await median('latest, Zenne', async () => (await store.latest({ quantity: 'pm2_5' })).length);
  const latestInflux = await median('latest, InfluxDB', async () => {
    const r = await q(`SELECT last(value) FROM ${MEASUREMENT} WHERE quantity = 'pm2_5' GROUP BY device`);
    return r.results[0]!.series?.length ?? 0;
  });
  const year = { device: YEAR_DEVICE, quantity: 'pm2_5' as const, from: new Date(YEAR_START), to: new Date(END), bucket_s: 3600 };
  const rollupZenne = await median('rollup, Zenne', async () => (await store.history(year)).length);
  const rollupInflux = await median('rollup, InfluxDB', async () => {
    const r = await q(
      `SELECT mean(value), min(value), max(value), count(value) FROM ${MEASUREMENT} WHERE device = '${YEAR_DEVICE}' AND quantity = 'pm2_5' ` +
        `AND time >= ${YEAR_START}ms AND time < ${END}ms GROUP BY time(1h)`,
    );
    return (r.results[0]!.series?.[0]?.values ?? []).filter((v) => v[4] !== null && v[4] !== 0).length;
  });
  await store.close();
  // InfluxDB first keeps writes in its WAL; compare once it has compacted them into TSM files (the WAL empties), at most 60 s.
  const walDir = join(influx.dir, 'wal');
  for (let waited = 0; waited < 60 && du(walDir) > 64 * 1024; waited += 1) await new Promise((resolve) => setTimeout(resolve, 1000));
  const bytes = { zenne: statSync(join(work, 'readings.duckdb')).size, influx: tsmBytes(join(influx.dir, 'data')) + du(walDir), influx_dir: du(join(influx.dir, 'data')) + du(walDir) };

  const rows = [
    ['latest PM2.5 of every sensor', `${sensors + 1} series`, latestZenne, latestInflux],
    ['one year hourly avg/min/max/count', '1 sensor', rollupZenne, rollupInflux],
  ] as const;
  console.log(`\n${total} readings (${sensors} sensors × ${perSensor}, plus one sensor every ${yearStepS} s for a year); median of ${runs} runs\n`);
  console.log('| query | data | Zenne (DuckDB) ms | InfluxDB 1.x ms | Zenne / InfluxDB |');
  console.log('|---|---|---:|---:|---:|');
  for (const [name, data, z, i] of rows) console.log(`| ${name} (${z.rows} / ${i.rows} rows) | ${data} | ${z.ms.toFixed(1)} | ${i.ms.toFixed(1)} | ${(z.ms / i.ms).toFixed(2)}× |`);
  console.log(`| bytes on disk per reading (InfluxDB: TSM shards + WAL left; its whole folder with the preallocated series file: ${(bytes.influx_dir / total).toFixed(1)}) | all | ${(bytes.zenne / total).toFixed(1)} | ${(bytes.influx / total).toFixed(1)} | ${(bytes.zenne / bytes.influx).toFixed(2)}× |`);
  console.log(`| load (write API, batches of 5000) | all | ${load.zenne_ms.toFixed(0)} | ${load.influx_ms.toFixed(0)} | ${(load.zenne_ms / load.influx_ms).toFixed(2)}× |`);
  console.log(
    '\nZenne answers "latest" from the DuckDB store\'s latest-per-series index (kept on every write, rebuilt from the table at open);' +
      '\nInfluxDB computes last() per series. The rollup is a SQL GROUP BY on the DuckDB table against InfluxQL GROUP BY time(1h).',
  );
  const outDir = join(root, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `query-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ sensors, perSensor, yearStepS, runs, total, latestZenne, latestInflux, rollupZenne, rollupInflux, bytes, load }, null, 2));
  console.log(`\nwritten ${file}`);
} finally {
  await influx.close();
  rmSync(work, { recursive: true, force: true });
}
