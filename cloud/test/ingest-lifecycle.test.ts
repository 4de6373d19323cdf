import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { topics } from '@zenne/device-profiles';
import { duckdbStore } from '../src/stores/duckdb/duckdb-store.ts';
import type { ReadingStore } from '../src/stores/store.ts';
import { batchOf, pm25 } from './helpers/fleet.ts';
import { ackListener, closedByBroker, connectGateway, startCloud, type Harness } from './helpers/harness.ts';

/** A store that fails writes while `failing` is set, otherwise delegates to an in-memory DuckDB store. */
async function flakyStore() {
  const inner = await duckdbStore({ file: ':memory:' });
  const control = { failing: true };
  const store: ReadingStore = {
    name: 'flaky',
    writeBatch: (rs) => (control.failing ? Promise.reject(new Error('disk full')) : inner.writeBatch(rs)),
    latest: (f) => inner.latest(f),
    history: (q) => inner.history(q),
    list: (q) => inner.list(q),
    count: (f) => inner.count(f),
    close: () => inner.close(),
  };
  return { store, control };
}

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('ingest lifecycle', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('sends no ack while the store fails but drops the connection, logs once, counts, and recovers', async () => {
    const { store, control } = await flakyStore();
    const { logger, lines } = capturingLogger();
    h = await startCloud({ store, logger });
    const batch = batchOf('gw-monnaie', 'f-1', [pm25('aq-monnaie-01', 1), pm25('aq-monnaie-02', 2)]);

    // The gateway resends unacknowledged batches on reconnect; the cloud closes the connection to get that.
    for (const attempt of [1, 2]) {
      const gw = await connectGateway(h, 'gw-monnaie');
      const acks = await ackListener(gw, 'gw-monnaie');
      const closed = closedByBroker(gw);
      await gw.publishAsync(topics.readings('gw-monnaie'), JSON.stringify(batch), { qos: 1 });
      await closed;
      expect(h.cloud.stats().ingest.rejections.store_error).toBe(attempt);
      expect(acks.received()).toEqual([]);
    }
    expect(lines.filter((l) => l.code === 'ZENNE_ERR_INGEST_STORE_FAILED')).toHaveLength(1);

    control.failing = false;
    const gw = await connectGateway(h, 'gw-monnaie');
    const acks = await ackListener(gw, 'gw-monnaie');
    await gw.publishAsync(topics.readings('gw-monnaie'), JSON.stringify(batch), { qos: 1 });
    expect(await acks.next('f-1')).toMatchObject({ stored: 2, duplicates: 0 });
    expect(lines.filter((l) => l.msg === 'reading store recovered')).toHaveLength(1);
    expect(gw.connected).toBe(true);
  });

  it('stop() writes and acknowledges batches still waiting, then closes the store', async () => {
    // A long linger keeps the batch queued until stop() flushes it.
    h = await startCloud({ ingest: { lingerMs: 600_000 } });
    const gw = await connectGateway(h, 'gw-monnaie');
    const acks = await ackListener(gw, 'gw-monnaie');
    await gw.publishAsync(topics.readings('gw-monnaie'), JSON.stringify(batchOf('gw-monnaie', 'late', [pm25('aq-monnaie-01', 3)])), { qos: 1 });
    await vi.waitFor(() => expect(h!.cloud.stats().ingest.pending_readings).toBe(1));
    const ack = acks.next('late');
    await h.cloud.stop();
    expect(await ack).toMatchObject({ stored: 1 });
    await expect(h.cloud.store.count()).rejects.toMatchObject({ code: 'ZENNE_ERR_STORE_CLOSED' });
    const reopened = await duckdbStore({ file: `${h.dir}/readings.duckdb` });
    expect(await reopened.count()).toBe(1);
    await reopened.close();
  });
});
