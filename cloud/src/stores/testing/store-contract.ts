import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Quantity, Reading } from '@zenne/device-profiles';
import type { ReadingStore } from '../store.ts';

export interface StoreContractOptions {
  name: string;
  /** Opens a store kept in `dir`; called again on the same `dir` after close() it must reopen the same data. */
  create: (dir: string) => Promise<ReadingStore>;
  /** Extra clean-up after each test (the suite removes `dir` itself). */
  teardown?: (dir: string) => Promise<void>;
}

const BASE_MS = Date.UTC(2026, 10, 23, 8, 0, 0, 0);
const BASE_SEQ = BASE_MS * 1000;

function reading(device: string, seqOffset: number, fields: Partial<Reading> = {}): Reading {
  return {
    device,
    quantity: 'pm2_5',
    value: seqOffset + 0.5,
    unit: 'ug/m3',
    ts: new Date(BASE_MS + seqOffset * 1000).toISOString(),
    seq: BASE_SEQ + seqOffset,
    quality: 'good',
    ...fields,
  };
}

/** Deterministic values so a failing run can be replayed (LCG, Numerical Recipes constants). */
function* pseudoRandom(seed: number): Generator<number> {
  let x = seed >>> 0;
  for (;;) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    yield x / 2 ** 32;
  }
}

/**
 * The behaviour every `ReadingStore` must show (interface in ../store.ts).
 * A backend's test file calls this once with a factory for its store.
 */
export function storeContract({ name, create, teardown }: StoreContractOptions): void {
  describe(`ReadingStore contract: ${name}`, () => {
    let dir: string;
    let store: ReadingStore | undefined;

    async function open(): Promise<ReadingStore> {
      store = await create(dir);
      return store;
    }

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), `zenne-store-${name}-`));
    });

    afterEach(async () => {
      await store?.close();
      store = undefined;
      await teardown?.(dir);
      await rm(dir, { recursive: true, force: true });
    });

    it('stores readings and gives them back unchanged', async () => {
      const s = await open();
      const rs = [
        reading('dev-a', 1),
        reading('dev-a', 2, { quantity: 'pm10', quality: 'suspect', reasons: ['stuck_value', 'implausible_jump'] }),
      ];
      expect(await s.writeBatch(rs)).toEqual({ stored: 2, duplicates: 0, duplicateIndexes: [] });
      const latest = await s.latest();
      expect(latest).toEqual([rs[1], rs[0]]); // pm10 sorts before pm2_5
    });

    it('dedupes on (device, seq) within one batch, first occurrence wins', async () => {
      const s = await open();
      const first = reading('dev-a', 1);
      const again = { ...first, value: 999 };
      const result = await s.writeBatch([first, reading('dev-a', 2), again, reading('dev-b', 1)]);
      expect(result).toEqual({ stored: 3, duplicates: 1, duplicateIndexes: [2] });
      expect(await s.count()).toBe(3);
      expect((await s.latest({ devices: ['dev-a'] }))[0]!.value).toBe(reading('dev-a', 2).value);
    });

    it('dedupes across batches and counts exactly once', async () => {
      const s = await open();
      const batch = [1, 2, 3].map((i) => reading('dev-a', i));
      expect((await s.writeBatch(batch)).stored).toBe(3);
      expect(await s.writeBatch(batch)).toEqual({ stored: 0, duplicates: 3, duplicateIndexes: [0, 1, 2] });
      const overlap = [reading('dev-a', 3), reading('dev-a', 4), reading('dev-a', 2)];
      expect(await s.writeBatch(overlap)).toEqual({ stored: 1, duplicates: 2, duplicateIndexes: [0, 2] });
      expect(await s.count()).toBe(4);
      expect(await s.count({ device: 'dev-a' })).toBe(4);
      expect(await s.count({ device: 'dev-b' })).toBe(0);
    });

    it('keeps overlapping concurrent writes of the same readings exactly once', async () => {
      const s = await open();
      const batch = Array.from({ length: 50 }, (_, i) => reading(`dev-${i % 5}`, i));
      const results = await Promise.all([s.writeBatch(batch), s.writeBatch(batch), s.writeBatch(batch)]);
      expect(results.reduce((n, r) => n + r.stored, 0)).toBe(50);
      expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(100);
      expect(await s.count()).toBe(50);
    });

    it('stores a large batch in one call', async () => {
      const s = await open();
      const batch = Array.from({ length: 5000 }, (_, i) => reading(`dev-${i % 7}`, i));
      expect((await s.writeBatch(batch)).stored).toBe(5000);
      expect(await s.count()).toBe(5000);
    });

    it('answers the latest reading per (device, quantity), by time whatever the arrival order', async () => {
      const s = await open();
      await s.writeBatch([reading('dev-a', 10), reading('dev-a', 11, { quantity: 'pm10' }), reading('dev-b', 5)]);
      // Backfill of older data must not replace the latest value.
      await s.writeBatch([reading('dev-a', 3), reading('dev-b', 4, { quantity: 'pm10' })]);
      const latest = await s.latest();
      expect(latest.map((r) => [r.device, r.quantity, r.seq - BASE_SEQ])).toEqual([
        ['dev-a', 'pm10', 11],
        ['dev-a', 'pm2_5', 10],
        ['dev-b', 'pm10', 4],
        ['dev-b', 'pm2_5', 5],
      ]);
      expect((await s.latest({ quantity: 'pm10' })).map((r) => r.device)).toEqual(['dev-a', 'dev-b']);
      expect((await s.latest({ devices: ['dev-b'], quantity: 'pm2_5' })).map((r) => r.seq - BASE_SEQ)).toEqual([5]);
      expect(await s.latest({ devices: ['nobody'] })).toEqual([]);
    });

    it('lists the stored readings in time order, every quality, within the window and limit', async () => {
      const s = await open();
      const rs = [
        reading('dev-a', 3),
        reading('dev-a', 1, { quality: 'bad', reasons: ['out_of_valid_range'] }),
        reading('dev-a', 2, { quantity: 'pm10' }),
        reading('dev-b', 2),
        reading('dev-a', 9, { scenario: 'low-traffic' }),
      ];
      await s.writeBatch(rs);
      const window = { device: 'dev-a', from: new Date(BASE_MS), to: new Date(BASE_MS + 60_000), limit: 100 };
      expect(await s.list(window)).toEqual([rs[1], rs[2], rs[0]]);
      expect(await s.list({ ...window, quantity: 'pm2_5' })).toEqual([rs[1], rs[0]]);
      expect(await s.list({ ...window, limit: 1 })).toEqual([rs[1]]);
      expect(await s.list({ ...window, to: new Date(BASE_MS + 3000) })).toEqual([rs[1], rs[2]]);
      expect(await s.list({ ...window, scenario: 'low-traffic' })).toEqual([rs[4]]);
    });

    it('aggregates history per bucket like an independent calculation', async () => {
      const s = await open();
      const random = pseudoRandom(42);
      const batch: Reading[] = [];
      // Two hours of irregular samples, a few bad ones, and another device/quantity as noise.
      for (let i = 0; i < 600; i++) {
        const offsetS = Math.floor(random.next().value * 7200);
        const value = Math.round(random.next().value * 10000) / 100;
        const bad = random.next().value < 0.05;
        batch.push(reading('dev-a', i, {
          ts: new Date(BASE_MS + offsetS * 1000 + (i % 1000)).toISOString(),
          value,
          ...(bad ? { quality: 'bad' as const, reasons: ['sensor_fault' as const] } : {}),
        }));
        batch.push(reading('dev-b', i, { ts: new Date(BASE_MS + offsetS * 1000).toISOString(), value: 1e6 }));
        batch.push(reading('dev-a', 10_000 + i, { quantity: 'pm10', ts: new Date(BASE_MS + offsetS * 1000).toISOString(), value: -1 }));
      }
      await s.writeBatch(batch);

      const from = new Date(BASE_MS + 1000 * 450); // mid-bucket: the first bucket is partial
      const to = new Date(BASE_MS + 1000 * 6600);
      const bucketS = 300;
      const expected = new Map<number, number[]>();
      for (const r of batch) {
        const t = Date.parse(r.ts);
        if (r.device !== 'dev-a' || r.quantity !== 'pm2_5' || r.quality === 'bad') continue;
        if (t < from.getTime() || t >= to.getTime()) continue;
        const bucket = Math.floor(t / (bucketS * 1000)) * bucketS * 1000;
        expected.set(bucket, [...(expected.get(bucket) ?? []), r.value]);
      }
      const points = await s.history({ device: 'dev-a', quantity: 'pm2_5', from, to, bucket_s: bucketS });
      expect(points.map((p) => Date.parse(p.ts))).toEqual([...expected.keys()].sort((a, b) => a - b));
      for (const p of points) {
        const values = expected.get(Date.parse(p.ts))!;
        expect(p.count).toBe(values.length);
        expect(p.min).toBe(Math.min(...values));
        expect(p.max).toBe(Math.max(...values));
        expect(p.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
      }
      expect(await s.history({ device: 'dev-a', quantity: 'co2' as Quantity, from, to, bucket_s: 60 })).toEqual([]);
    });

    it('treats from as inclusive and to as exclusive', async () => {
      const s = await open();
      await s.writeBatch([reading('dev-a', 0), reading('dev-a', 60), reading('dev-a', 120)]);
      const points = await s.history({
        device: 'dev-a', quantity: 'pm2_5', from: new Date(BASE_MS), to: new Date(BASE_MS + 120_000), bucket_s: 3600,
      });
      expect(points).toEqual([{ ts: new Date(BASE_MS).toISOString(), avg: 30.5, min: 0.5, max: 60.5, count: 2 }]);
    });

    it('keeps scenario readings apart from real ones', async () => {
      const s = await open();
      const real = reading('dev-a', 1, { value: 10 });
      const simulated = { ...real, value: 99, scenario: 'low-traffic' };
      expect((await s.writeBatch([real])).stored).toBe(1);
      // Same device and seq in a scenario is a different series, not a duplicate.
      expect((await s.writeBatch([simulated])).stored).toBe(1);
      expect((await s.writeBatch([simulated])).duplicates).toBe(1);
      expect((await s.latest()).map((r) => r.value)).toEqual([10]);
      expect(await s.latest({ scenario: 'low-traffic' })).toEqual([simulated]);
      expect(await s.count()).toBe(1);
      expect(await s.count({ scenario: 'low-traffic' })).toBe(1);
      const window = { device: 'dev-a', quantity: 'pm2_5' as const, from: new Date(BASE_MS), to: new Date(BASE_MS + 3_600_000), bucket_s: 3600 };
      expect((await s.history(window))[0]!.avg).toBe(10);
      expect((await s.history({ ...window, scenario: 'low-traffic' }))[0]!.avg).toBe(99);
    });

    it('keeps data and dedupe state across close and reopen', async () => {
      const s = await open();
      const batch = [reading('dev-a', 1), reading('dev-a', 2, { scenario: 'what-if' }), reading('dev-b', 7)];
      await s.writeBatch(batch);
      await s.close();
      const reopened = await open();
      expect(await reopened.count()).toBe(2);
      expect(await reopened.count({ scenario: 'what-if' })).toBe(1);
      expect((await reopened.writeBatch(batch)).duplicates).toBe(3);
      expect((await reopened.latest()).map((r) => r.device)).toEqual(['dev-a', 'dev-b']);
    });

    it('rejects calls after close()', async () => {
      const s = await open();
      await s.close();
      await expect(s.writeBatch([reading('dev-a', 1)])).rejects.toMatchObject({ code: 'ZENNE_ERR_STORE_CLOSED' });
      await expect(s.count()).rejects.toMatchObject({ code: 'ZENNE_ERR_STORE_CLOSED' });
    });
  });
}
