import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '@zenne/device-profiles';
import { influxStore } from '../src/stores/influxdb/influx-store.ts';
import type { InfluxStoreConfigInput } from '../src/stores/influxdb/config.ts';
import { storeContract } from '../src/stores/testing/store-contract.ts';
import { startInfluxDb1, startVictoriaMetrics, type TestServer } from './support/influx-servers.ts';

// The store suite gives every test its own folder; each folder maps to its own
// database (InfluxDB) or measurement (VictoriaMetrics has no databases).
const nameFor = (dir: string) => basename(dir).replace(/[^A-Za-z0-9_]/g, '_');

/** The store suite plus what is particular to the Influx layout (point.ts), on one server. */
function influxSuite(
  name: string,
  start: () => Promise<TestServer>,
  config: (url: string, name: string) => InfluxStoreConfigInput,
  /** False for VictoriaMetrics: it keeps milliseconds, so two samples of one millisecond cannot be told apart (README). */
  subMillisecond: boolean,
): void {
  let server: TestServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server?.close());

  storeContract({ name, create: (dir) => influxStore(config(server.url, nameFor(dir))) });

  it('keeps two readings of one series in the same millisecond apart (InfluxDB overwrites equal timestamps)', async () => {
    const store = await influxStore(config(server.url, `same_ms_${name}`));
    try {
      const ts = '2026-11-23T08:00:00.250Z';
      const first: Reading = { device: 'dev-a', quantity: 'pm2_5', value: 1.5, unit: 'ug/m3', ts, seq: 41, quality: 'good' };
      const second: Reading = { ...first, value: 2.5, seq: 42 };
      expect((await store.writeBatch([first, second])).stored).toBe(2);
      expect(await store.count()).toBe(2);
      const window = { device: 'dev-a', from: new Date(ts), to: new Date(Date.parse(ts) + 1), limit: 10 };
      const listed = await store.list(window);
      if (subMillisecond) {
        expect(listed).toEqual([first, second]);
        expect(await store.latest()).toEqual([second]);
      } else {
        // Both kept and neither lost; which value goes with which seq inside the millisecond is not promised.
        expect(listed.map((r) => r.seq)).toEqual([41, 42]);
        expect(listed.map((r) => r.value).sort()).toEqual([1.5, 2.5]);
      }
    } finally {
      await store.close();
    }
  });
}

describe('InfluxDB 1.x: v1 write, InfluxQL', () => {
  influxSuite('influxdb1', startInfluxDb1, (url, name) => ({ url, write_api: 'v1', query_dialect: 'influxql', database: name, create_database: true }), true);
});

for (const writeApi of ['v2', 'v1'] as const) {
  describe(`VictoriaMetrics: ${writeApi} write, export API`, () => {
    influxSuite(
      `victoria-${writeApi}`,
      startVictoriaMetrics,
      (url, name) => ({ url, write_api: writeApi, query_dialect: 'victoria-metrics', database: 'zenne', org: 'zenne', measurement: name }),
      false,
    );
  });
}
