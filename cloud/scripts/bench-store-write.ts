/**
 * Measures the DuckDB store's write path (cloud/README.md, "Store write path"):
 * fresh batches into a growing table, then resends of recent and old batches.
 * Devices start their sequence numbers on different days, as real fleets do.
 *
 *   node --import tsx cloud/scripts/bench-store-write.ts [batches=300]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '@zenne/device-profiles';
import { duckdbStore } from '../src/stores/duckdb/duckdb-store.ts';

const BATCHES = Number(process.argv[2] ?? 300);
const SIZE = 5000;
const DEVICES = 50;

const dir = await mkdtemp(join(tmpdir(), 'zenne-store-bench-'));
const store = await duckdbStore({ file: join(dir, 'readings.duckdb') });
const t0 = Date.UTC(2026, 10, 1);
const seqBase = Array.from({ length: DEVICES }, (_, d) => (t0 - d * 86_400_000) * 1000);
const sent = new Array<number>(DEVICES).fill(0);
let tick = 0;
const makeBatch = (): Reading[] =>
  Array.from({ length: SIZE }, () => {
    const d = tick++ % DEVICES;
    return {
      device: `aq-${d}`, quantity: 'pm2_5', value: (tick % 997) / 10, unit: 'ug/m3',
      ts: new Date(t0 + tick * 100).toISOString(), seq: seqBase[d]! + sent[d]!++, quality: 'good',
    };
  });

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
async function timed(batch: Reading[], expect: 'stored' | 'duplicates'): Promise<number> {
  const start = performance.now();
  const result = await store.writeBatch(batch);
  if (result[expect] !== batch.length) throw new Error(`expected ${batch.length} ${expect}, got ${JSON.stringify(result)}`);
  return performance.now() - start;
}

const batches: Reading[][] = [];
const fresh: number[] = [];
for (let b = 0; b < BATCHES; b++) {
  batches.push(makeBatch());
  fresh.push(await timed(batches[b]!, 'stored'));
  if ((b + 1) % 50 === 0) process.stderr.write(`${(b + 1) * SIZE} readings written\n`);
}
const resendRecent = [];
const resendOld = [];
for (let i = 1; i <= 3; i++) resendRecent.push(await timed(batches.at(-i)!, 'duplicates'));
for (let i = 5; i < 8; i++) resendOld.push(await timed(batches[i]!, 'duplicates'));
const result = {
  rows: BATCHES * SIZE,
  batch: SIZE,
  fresh_ms_first20: +mean(fresh.slice(0, 20)).toFixed(1),
  fresh_ms_last20: +mean(fresh.slice(-20)).toFixed(1),
  fresh_readings_per_s: Math.round((BATCHES * SIZE) / (fresh.reduce((a, b) => a + b) / 1000)),
  resend_recent_ms: +mean(resendRecent).toFixed(1),
  resend_old_ms: +mean(resendOld).toFixed(1),
};
console.table([result]);
console.log(JSON.stringify(result));
await store.close();
await rm(dir, { recursive: true, force: true });
