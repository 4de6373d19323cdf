/**
 * bench/edge — the agent's hot path on one core: SDS011 bytes → bridge parser
 * → normaliser → durable buffer (fsynced), with 100 and 1,000 sensors feeding
 * it at once, beside a plain append-only file write of the same records with
 * the same durability (every awaited append fsynced, concurrent appends
 * sharing one fsync) on the same disk, measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createNormaliser, getProfile, type ReadingDraft } from '@zenne/device-profiles';
import { bridges } from '@zenne/firmware-bridges';
import { DurableBuffer } from '../../edge-agent/src/buffer/index.ts';
import { realPmSeries } from '../lib-real-series.ts';
import { measureBackfill, type BackfillResult } from './backfill.ts';

const HELP = `bench/edge — decode + normalise + durable buffer on one core, beside a plain append-only file

Usage: npm run bench:edge -- [options]

Options:
  --readings N   readings per run (default 200000; each SDS011 frame gives 2)
  --sensors LIST comma-separated sensor counts (default 100,1000)
  --backfill-readings N   backlog drained through the real uplink to mosquitto (default 20000)
  --backfill-rates LIST   configured backfill_max_readings_per_s values (default 2000,100000)
  --dir DIR      where to write (default: the OS temp dir; use the disk you care about)
  --help         this text

Runs itself under \`taskset -c 0\` (one core) when taskset is available; each case runs in
its own process, so peak RSS is that case's alone.
Prints a table and writes bench/results/edge-<timestamp>.json.`;

const { values: opt } = parseArgs({
  options: {
    readings: { type: 'string', default: '200000' },
    sensors: { type: 'string', default: '100,1000' },
    'backfill-readings': { type: 'string', default: '20000' },
    'backfill-rates': { type: 'string', default: '2000,100000' },
    dir: { type: 'string' },
    /** Internal: run one `<system>:<sensors>` case in this process and print its row as JSON. */
    case: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(HELP);
  process.exit(0);
}

if (!process.env.ZENNE_BENCH_PINNED && spawnSync('taskset', ['--version']).status === 0) {
  const child = spawnSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ZENNE_BENCH_PINNED: '1' },
  });
  process.exit(child.status ?? 1);
}

const totalReadings = Number(opt.readings);
const sensorCounts = opt.sensors.split(',').map(Number);
const baseDir = opt.dir ?? tmpdir();
const series = realPmSeries();
const profile = getProfile('nova-sds011');

/** Peak RSS sampled every 20 ms while `job` runs. */
async function withPeakRss<T>(job: () => Promise<T>): Promise<{ result: T; peakRss: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await job();
    return { result, peakRss: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

/** Each sensor's frames, pre-encoded so that encoding is not measured. */
function framesFor(sensors: number): Buffer[][] {
  const perSensor = Math.ceil(totalReadings / 2 / sensors);
  return Array.from({ length: sensors }, (_, s) =>
    Array.from({ length: perSensor }, (_, i) => bridges.sds011.encodeFrame(series[(s * 97 + i) % series.length]!)),
  );
}

/** The agent's path: one awaiting loop per sensor, as each source awaits its sink. */
async function zennePipeline(frames: Buffer[][], dir: string): Promise<number> {
  const buffer = await DurableBuffer.open(dir);
  let readings = 0;
  try {
    await Promise.all(
      frames.map(async (sensorFrames, s) => {
        const device = `aq-bench-${String(s).padStart(4, '0')}`;
        const parser = bridges.sds011.createParser();
        const normaliser = createNormaliser(profile, { device });
        const decoded: ReadingDraft[][] = [];
        parser.on('data', (frame) => decoded.push(normaliser.normalise(frame).readings));
        for (const bytes of sensorFrames) {
          parser.write(bytes);
          while (decoded.length > 0) {
            const drafts = decoded.shift()!;
            readings += drafts.length;
            await buffer.append(drafts);
          }
        }
      }),
    );
  } finally {
    await buffer.close();
  }
  return readings;
}

/**
 * The peer: the same JSON records appended to one file, each caller awaiting
 * durability, concurrent callers sharing one write + fdatasync (group commit).
 */
async function plainAppend(frames: Buffer[][], dir: string): Promise<number> {
  const fh = await open(join(dir, 'plain.log'), 'a');
  let pending: { lines: string[]; done: Array<() => void> } | null = null;
  let chain = Promise.resolve();
  const append = (line: string) =>
    new Promise<void>((resolve) => {
      if (!pending) {
        const batch = { lines: [] as string[], done: [] as Array<() => void> };
        pending = batch;
        chain = chain.then(async () => {
          pending = null;
          await fh.write(batch.lines.join(''));
          await fh.datasync();
          for (const d of batch.done) d();
        });
      }
      pending.lines.push(line);
      pending.done.push(resolve);
    });
  let readings = 0;
  const t0 = Date.now() * 1000;
  try {
    await Promise.all(
      frames.map(async (sensorFrames, s) => {
        const device = `aq-bench-${String(s).padStart(4, '0')}`;
        for (let i = 0; i < sensorFrames.length; i++) {
          const v = series[(s * 97 + i) % series.length]!;
          const ts = new Date().toISOString();
          const lines = (['pm2_5', 'pm10'] as const).map((quantity, q) =>
            `${JSON.stringify({ device, quantity, value: v[quantity], unit: 'ug/m3', ts, seq: t0 + i * 2 + q, quality: 'good' })}\n`,
          );
          readings += 2;
          await append(lines.join(''));
        }
      }),
    );
  } finally {
    await fh.close();
  }
  return readings;
}

type Row = { system: string; sensors: number; readings: number; seconds: number; readings_per_s: number; peak_rss_mib: number };
const SYSTEMS = {
  plain: { label: 'plain append-only file + fdatasync', run: plainAppend },
  zenne: { label: 'zenne decode + normalise + buffer', run: zennePipeline },
} as const;

async function runCase(system: keyof typeof SYSTEMS, sensors: number): Promise<Row> {
  const frames = framesFor(sensors);
  const dir = mkdtempSync(join(baseDir, 'zenne-bench-edge-'));
  try {
    const t0 = performance.now();
    const { result: readings, peakRss } = await withPeakRss(() => SYSTEMS[system].run(frames, dir));
    const seconds = (performance.now() - t0) / 1000;
    return { system: SYSTEMS[system].label, sensors, readings, seconds, readings_per_s: readings / seconds, peak_rss_mib: peakRss / 2 ** 20 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Readings of 100 sensors from the real series, as the normaliser makes them. */
function backlog(n: number): ReadingDraft[] {
  const t0 = Date.now() - n * 1000;
  return Array.from({ length: n }, (_, i) => {
    const v = series[i % series.length]!;
    const quantity = i % 2 === 0 ? 'pm2_5' : 'pm10';
    return {
      device: `aq-bench-${String(i % 100).padStart(4, '0')}`,
      quantity,
      value: v[quantity],
      unit: 'ug/m3',
      ts: new Date(t0 + i * 1000).toISOString(),
      quality: 'good',
    } satisfies ReadingDraft;
  });
}

if (opt.case?.startsWith('backfill:')) {
  console.log(JSON.stringify(await measureBackfill(backlog(Number(opt['backfill-readings'])), Number(opt.case.split(':')[1]))));
  process.exit(0);
}

if (opt.case) {
  const [system, sensors] = opt.case.split(':');
  console.log(JSON.stringify(await runCase(system as keyof typeof SYSTEMS, Number(sensors))));
  process.exit(0);
}

const rows: Row[] = [];
for (const sensors of sensorCounts) {
  for (const system of ['plain', 'zenne'] as const) {
    console.error(`${SYSTEMS[system].label}, ${sensors} sensors ...`);
    const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1), '--case', `${system}:${sensors}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (child.status !== 0) throw new Error(`case ${system}:${sensors} failed (${child.status})`);
    rows.push(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Row);
  }
}

console.log(`\n| system | sensors | readings | seconds | readings/s | vs plain file | peak RSS MiB |`);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const peer = rows.find((p) => p.sensors === r.sensors && p.system.startsWith('plain'))!;
  console.log(`| ${r.system} | ${r.sensors} | ${r.readings} | ${r.seconds.toFixed(2)} | ${Math.round(r.readings_per_s)} | ${(r.readings_per_s / peer.readings_per_s).toFixed(2)}× | ${r.peak_rss_mib.toFixed(0)} |`);
}
const backfill: BackfillResult[] = [];
for (const rate of opt['backfill-rates'].split(',').map(Number)) {
  console.error(`backfill of ${opt['backfill-readings']} readings at ${rate}/s configured ...`);
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1), '--case', `backfill:${rate}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`backfill at ${rate}/s failed (${child.status})`);
  backfill.push(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as BackfillResult);
}
console.log('\n| backfill through the MQTT uplink (mosquitto + test ingest) | readings | seconds | readings/s | of configured |');
console.log('|---|---:|---:|---:|---:|');
for (const b of backfill) {
  console.log(`| backfill_max_readings_per_s = ${b.configured_per_s} | ${b.readings} | ${b.seconds.toFixed(2)} | ${Math.round(b.measured_per_s)} | ${(b.measured_per_s / b.configured_per_s).toFixed(2)} |`);
}

const outDir = join(import.meta.dirname, '../results');
mkdirSync(outDir, { recursive: true });
const out = join(outDir, `edge-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ readings: totalReadings, dir: baseDir, pinned_to_one_core: Boolean(process.env.ZENNE_BENCH_PINNED), rows, backfill }, null, 2));
console.log(`\nwritten ${out}`);
