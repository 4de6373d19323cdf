import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '@zenne/device-profiles';
import { influxStore } from '../src/stores/influxdb/influx-store.ts';
import type { ReadingStore } from '../src/stores/store.ts';
import { pm25, SECRETS, writeFleet } from './helpers/fleet.ts';
import { startInfluxDb1, type TestServer } from './support/influx-servers.ts';
import { startIngestWorker, type WorkerProcess } from './support/ingest-worker-process.ts';
import { connectResendingGateway, type ResendingGateway } from './support/resending-gateway.ts';
import { startSecuredMosquitto, type SecuredMosquitto } from './support/secured-mosquitto.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../bin/zenne-cloud.js');
const DEVICES: Record<string, string[]> = { 'gw-monnaie': ['aq-monnaie-01', 'aq-monnaie-02'], 'gw-bourse': ['aq-bourse-01'] };
const BATCHES_PER_PHASE = 40;
const READINGS_PER_BATCH = 25;
const SEND = { maxInFlight: 6, resendAfterMs: 1000 };

/** `count` batches of the gateway's devices, each reading with its own seq and second. */
function batchesFor(gateway: string, count: number, firstSecond: number): Reading[][] {
  const devices = DEVICES[gateway]!;
  return Array.from({ length: count }, (_, b) =>
    Array.from({ length: READINGS_PER_BATCH }, (_, i) => {
      const second = firstSecond + b * READINGS_PER_BATCH + i;
      return pm25(devices[second % devices.length]!, 5 + (second % 40), second);
    }),
  );
}

/** A worker's periodic stats record once it has stored something. */
const hasStored = (r: Record<string, unknown>) => r.msg === 'ingest worker stats' && (r.ingest as { readings_stored: number }).readings_stored > 0;

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('acceptance 8: ingest workers behind an external Mosquitto with a shared subscription', () => {
  let dir: string;
  let influx: TestServer;
  let mosquitto: SecuredMosquitto;
  let store: ReadingStore;
  let influxConfig: string;
  let seed: string;
  let workers: WorkerProcess[] = [];
  let gateways: ResendingGateway[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-ingest-workers-'));
    seed = await writeFleet(dir);
    await run(process.execPath, [CLI, 'mosquitto-auth', '--seed', seed, '--out', join(dir, 'auth')]);
    [influx, mosquitto] = await Promise.all([startInfluxDb1(), startSecuredMosquitto(join(dir, 'auth'))]);
    influxConfig = join(dir, 'influx.yaml');
    await writeFile(influxConfig, `url: ${influx.url}\nwrite_api: v1\nquery_dialect: influxql\ndatabase: zenne_workers\ncreate_database: true\n`);
    workers = await Promise.all(
      ['w1', 'w2'].map((name) =>
        startIngestWorker([
          '--broker', mosquitto.url, '--data-dir', join(dir, name), '--seed', seed, '--store', 'influxdb', '--influx-config', influxConfig,
          '--password-file', join(dir, 'auth/ingest-password'), '--client-id', `ingest-${name}`, '--stats-interval', '0.2',
        ]),
      ),
    );
    store = await influxStore({ url: influx.url, write_api: 'v1', query_dialect: 'influxql', database: 'zenne_workers' });
    gateways = await Promise.all(Object.keys(DEVICES).map((gw) => connectResendingGateway(mosquitto.url, gw, SECRETS[gw]!)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await store?.close();
    await mosquitto?.close();
    await influx?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores every reading exactly once, with both workers taking part and one killed mid-run', async () => {
    const [w1, w2] = workers as [WorkerProcess, WorkerProcess];
    const [monnaie, bourse] = gateways as [ResendingGateway, ResendingGateway];
    const sent = { monnaie: [...batchesFor('gw-monnaie', BATCHES_PER_PHASE, 0)], bourse: [...batchesFor('gw-bourse', BATCHES_PER_PHASE, 0)] };

    // Phase 1: both workers up; the broker splits the batches between them.
    const phase1 = await Promise.all([monnaie.send(sent.monnaie, SEND), bourse.send(sent.bourse, SEND)]);
    expect(phase1.flat().every((ack) => ack.stored + ack.duplicates === READINGS_PER_BATCH && ack.rejected.length === 0)).toBe(true);
    await Promise.all([w1.waitForLog(hasStored), w2.waitForLog(hasStored)]);

    // Phase 2: w1 freezes while batches keep coming (the broker still hands it its share), then dies.
    const more = { monnaie: batchesFor('gw-monnaie', BATCHES_PER_PHASE, 100_000), bourse: batchesFor('gw-bourse', BATCHES_PER_PHASE, 100_000) };
    w1.child.kill('SIGSTOP');
    const phase2 = Promise.all([monnaie.send(more.monnaie, SEND), bourse.send(more.bourse, SEND)]);
    // A resend means a batch the frozen worker took was never acknowledged: it dies holding it.
    await until(() => monnaie.resends + bourse.resends > 0);
    await w1.stop('SIGKILL');
    const acks = await phase2;
    expect(acks.flat()).toHaveLength(2 * BATCHES_PER_PHASE);
    expect(monnaie.resends + bourse.resends).toBeGreaterThan(0);

    // Every reading sent is in the store once: count by device, and (device, seq) pairs without duplicates.
    const all = [...sent.monnaie, ...sent.bourse, ...more.monnaie, ...more.bourse].flat();
    expect(await store.count()).toBe(all.length);
    for (const device of Object.values(DEVICES).flat()) {
      const expected = all.filter((r) => r.device === device).map((r) => r.seq).sort((a, b) => a - b);
      const stored = await store.list({ device, from: new Date(0), to: new Date('2100-01-01'), limit: 100_000 });
      expect(stored.map((r) => r.seq).sort((a, b) => a - b)).toEqual(expected);
    }

    // The surviving worker stops gracefully and reports what it stored.
    await w2.stop('SIGTERM');
    const stopped = w2.logs.find((r) => r.msg === 'ingest worker stopped');
    expect(stopped).toBeDefined();
  }, 90_000);

  it('exits with a login error when the broker refuses the worker', async () => {
    await writeFile(join(dir, 'wrong-password'), 'not-the-ingest-password\n');
    const failed = run(process.execPath, [
      CLI, 'ingest-worker', '--broker', mosquitto.url, '--data-dir', join(dir, 'w3'), '--seed', seed, '--influx-config', influxConfig,
      '--password-file', join(dir, 'wrong-password'),
    ]);
    await expect(failed).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('ZENNE_ERR_BROKER_EXTERNAL_LOGIN_REFUSED') });
  });

  it('prints help with examples', async () => {
    const commands = ['ingest-worker', 'mosquitto-auth'];
    const outputs = await Promise.all(commands.map((command) => run(process.execPath, [CLI, command, '--help'])));
    outputs.forEach(({ stdout }, i) => {
      expect(stdout).toContain(`zenne-cloud ${commands[i]}`);
      expect(stdout).toContain('Examples:');
    });
  });
});
