import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '@zenne/device-profiles';
import { startCloudProcess, type CloudProcess } from '../../test/support/cloud-process.ts';
import { runCommand } from '../src/cli/run.ts';
import { loadInfluxStoreConfig } from '../src/stores/influxdb/config.ts';
import { influxStore } from '../src/stores/influxdb/influx-store.ts';
import { batchOf, pm25, SECRETS, writeFleet } from './helpers/fleet.ts';
import { startInfluxDb1, type TestServer } from './support/influx-servers.ts';

describe('zenne-cloud run --store influxdb', () => {
  let server: TestServer;
  let dir: string;
  let cloud: CloudProcess | undefined;

  beforeAll(async () => {
    server = await startInfluxDb1();
  });
  afterAll(() => server?.close());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-influx-cli-'));
  });
  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function configFile(yaml: string): Promise<string> {
    const file = join(dir, 'influx.yaml');
    await writeFile(file, yaml);
    return file;
  }

  it('stores ingested readings in InfluxDB, not in the data directory', async () => {
    const config = await configFile(`url: ${server.url}\nwrite_api: v1\nquery_dialect: influxql\ndatabase: zenne_cli\ncreate_database: true\n`);
    cloud = await startCloudProcess({ dataDir: dir, seed: await writeFleet(dir), extraArgs: ['--store', 'influxdb', '--influx-config', config] });
    const client = await mqtt.connectAsync(cloud.mqttUrl, { username: 'gw-monnaie', password: SECRETS['gw-monnaie'], reconnectPeriod: 0 });
    try {
      const acked = new Promise<string>((resolve) => client.on('message', (_topic, payload) => resolve(payload.toString())));
      await client.subscribeAsync(topics.ack('gw-monnaie'), { qos: 1 });
      const reading = pm25('aq-monnaie-01', 17.5);
      await client.publishAsync(topics.readings('gw-monnaie'), JSON.stringify(batchOf('gw-monnaie', 'b-1', [reading])), { qos: 1 });
      expect(JSON.parse(await acked)).toMatchObject({ batch: 'b-1' });

      const res = await fetch(`${cloud.httpUrl}/api/v1/readings/latest?device=aq-monnaie-01`);
      expect((await res.json()).readings).toEqual([reading]);
      const direct = await influxStore(await loadInfluxStoreConfig(config));
      expect(await direct.list({ device: 'aq-monnaie-01', from: new Date(0), to: new Date(8.64e15), limit: 10 })).toEqual([reading]);
      await direct.close();
      expect(existsSync(join(dir, 'readings.duckdb'))).toBe(false);
    } finally {
      await client.endAsync(true);
    }
    // The store holds no handle that would keep the process from exiting.
    expect(await cloud.stop()).toBe(0);
    expect(cloud.logs.some((r) => r.msg === 'cloud stopped')).toBe(true);
  });

  // These fail before anything is started, so the command runs in-process.
  it('refuses a bad config naming the setting, a missing config, an unknown store and a missing database', async () => {
    const run = (...args: string[]) => runCommand(['--data-dir', dir, '--http-port', '0', '--mqtt-port', '0', ...args]);
    const bad = await configFile(`url: ${server.url}\nwrite_api: v3\ndatabase: zenne\n`);
    await expect(run('--store', 'influxdb', '--influx-config', bad))
      .rejects.toMatchObject({ code: 'ZENNE_ERR_INFLUX_CONFIG_INVALID', message: expect.stringContaining('write_api') });
    await expect(run('--store', 'influxdb'))
      .rejects.toMatchObject({ code: 'ZENNE_ERR_CLOUD_BAD_FLAG', message: expect.stringContaining('--influx-config is required') });
    await expect(run('--store', 'postgres'))
      .rejects.toMatchObject({ code: 'ZENNE_ERR_CLOUD_BAD_FLAG', message: expect.stringContaining('--store "postgres"') });
    // A database that does not exist (and may not be created) is refused at start, not at the first write.
    const missing = await configFile(`url: ${server.url}\nwrite_api: v1\nquery_dialect: influxql\ndatabase: never_created\n`);
    await expect(run('--store', 'influxdb', '--influx-config', missing))
      .rejects.toMatchObject({ code: 'ZENNE_ERR_INFLUX_UNREACHABLE', message: expect.stringContaining('database not found') });
  });

  it('reads the token from token_file, relative to the config file', async () => {
    await writeFile(join(dir, 'token'), 'secret-token\n');
    const config = await loadInfluxStoreConfig(await configFile(`url: ${server.url}\ndatabase: zenne\ntoken_file: ./token\n`));
    expect(config).toMatchObject({ token: 'secret-token', write_api: 'v2', query_dialect: 'influxql', measurement: 'readings' });
  });
});

describe('influx store failures', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startInfluxDb1();
  });
  afterAll(() => server?.close());

  it('reports a refused v2 write as a retryable write failure (InfluxDB 1.6 has no /api/v2/write)', async () => {
    const store = await influxStore({ url: server.url, write_api: 'v2', database: 'no_v2', create_database: true });
    try {
      await expect(store.writeBatch([pm25('aq-monnaie-01', 1)]))
        .rejects.toMatchObject({ code: 'ZENNE_ERR_STORE_WRITE_FAILED', kind: 'retryable', message: expect.stringContaining('HTTP 404') });
      expect(await store.count()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('reports a stopped server as retryable write and query failures, not as a crash', async () => {
    const server = await startInfluxDb1();
    const store = await influxStore({ url: server.url, write_api: 'v1', database: 'gone', create_database: true });
    await server.close();
    try {
      await expect(store.writeBatch([pm25('aq-monnaie-01', 1)])).rejects.toMatchObject({ code: 'ZENNE_ERR_STORE_WRITE_FAILED', kind: 'retryable' });
      await expect(store.count()).rejects.toMatchObject({ code: 'ZENNE_ERR_INFLUX_QUERY_FAILED', kind: 'retryable' });
    } finally {
      await store.close();
    }
  });
});
