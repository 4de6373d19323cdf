/**
 * MqttUplink against Debian's mosquitto, in process. The test plays the
 * cloud's ingest role by hand (it receives the batches and publishes the acks
 * it wants to test); the real cloud is exercised by the root end-to-end tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewayStatusSchema, topics, uplinkBatchSchema, type Ack, type GatewayStatus, type ReadingDraft, type SourceHealth, type UplinkBatch } from '@zenne/device-profiles';
import { DurableBuffer } from '../src/buffer/index.ts';
import { silentLogger } from '../src/logger.ts';
import { MqttUplink } from '../src/uplink/index.ts';
import { until } from './helpers/agent-process.ts';
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto.ts';

const GATEWAY = 'gw-uplink-test';

// PM2.5 (µg/m³) of Sensor.Community node 5331 (SDS011), Aberdeen, 2019-05-10 from 00:02:37, ~145 s apart.
const PM2_5 = [1.57, 1.33, 1.6, 1.4];

function drafts(n: number): ReadingDraft[] {
  return Array.from({ length: n }, (_, i) => ({
    device: 'aq-uplink-01',
    quantity: 'pm2_5',
    value: PM2_5[i % PM2_5.length]!,
    unit: 'ug/m3',
    ts: new Date(Date.UTC(2019, 4, 10, 0, 2, 37) + i * 145_000).toISOString(),
    quality: 'good',
  }));
}

describe('MqttUplink', () => {
  let broker: Mosquitto;
  let dir: string;
  let buffer: DurableBuffer;
  let uplink: MqttUplink | undefined;
  let cloud: MqttClient;
  let batches: UplinkBatch[];

  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-uplink-'));
    buffer = await DurableBuffer.open(dir);
    batches = [];
    cloud = await mqtt.connectAsync(broker.url, { clientId: 'zenne-test-cloud' });
    cloud.on('message', (topic, payload) => {
      if (topic === topics.readings(GATEWAY)) batches.push(uplinkBatchSchema.parse(JSON.parse(payload.toString('utf8'))));
    });
    await cloud.subscribeAsync(topics.readings(GATEWAY), { qos: 1 });
  });
  afterEach(async () => {
    await uplink?.stop();
    uplink = undefined;
    await cloud.endAsync();
    await buffer.close();
    await rm(dir, { recursive: true, force: true });
  });

  function start(settings: { batch_max_readings?: number; max_in_flight?: number; ack_timeout_ms?: number; sources?: () => SourceHealth[] } = {}): MqttUplink {
    uplink = new MqttUplink({
      gateway: GATEWAY,
      cloud: { mqtt_url: broker.url, username: GATEWAY, password: 'test' },
      uplink: {
        batch_max_readings: settings.batch_max_readings ?? 10,
        batch_max_wait_ms: 50,
        max_in_flight: settings.max_in_flight ?? 1,
        reconnect_max_ms: 1000,
        ack_timeout_ms: settings.ack_timeout_ms ?? 30_000,
        status_interval_ms: 10_000,
        backfill_max_readings_per_s: 1000,
      },
      buffer,
      logger: silentLogger(),
      ...(settings.sources ? { sources: settings.sources } : {}),
    });
    uplink.start();
    return uplink;
  }

  async function ack(ack: Omit<Ack, 'v'> | string): Promise<void> {
    await cloud.publishAsync(topics.ack(GATEWAY), typeof ack === 'string' ? ack : JSON.stringify({ v: 1, ...ack }), { qos: 1 });
  }

  it('publishes a batch again, same id, on the same connection when its ack does not come within ack_timeout_ms', async () => {
    await buffer.append(drafts(5));
    const link = start({ ack_timeout_ms: 1000 });
    // The ingest worker that took the first copy "died": no ack. The second copy is acknowledged.
    await until(() => batches.length === 2);
    expect(batches[1]!.batch).toBe(batches[0]!.batch);
    expect(batches[1]!.readings).toEqual(batches[0]!.readings);
    await ack({ batch: batches[1]!.batch, stored: 5, duplicates: 0, rejected: [] });
    await until(() => buffer.depth() === 0);
    expect(link.stats().counters).toMatchObject({ batches_sent: 1, batches_resent: 1, batches_acked: 1, connects: 1 });
  });

  it('sends the buffer in order in batches of at most batch_max_readings, one window at a time', async () => {
    await buffer.append(drafts(25));
    const link = start({ batch_max_readings: 10, max_in_flight: 1 });
    await until(() => batches.length === 1);
    expect(batches[0]!.readings).toHaveLength(10);
    expect(batches[0]!.historical).toBe(true);
    expect(link.stats().in_flight).toBe(1);
    for (let i = 0; i < 3; i++) {
      await until(() => batches.length === i + 1);
      const batch = batches[i]!;
      await ack({ batch: batch.batch, stored: batch.readings.length, duplicates: 0, rejected: [] });
    }
    await until(() => buffer.depth() === 0);
    expect(batches.map((b) => b.readings.length)).toEqual([10, 10, 5]);
    const seqs = batches.flatMap((b) => b.readings.map((r) => (r as { seq: number }).seq));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(new Set(batches.map((b) => b.batch)).size).toBe(3);
    expect(link.stats().counters).toMatchObject({ batches_sent: 3, batches_acked: 3, readings_sent: 25, readings_stored: 25 });
  });

  it('acknowledges rejected readings too, counting them by code', async () => {
    await buffer.append(drafts(3));
    const link = start();
    await until(() => batches.length === 1);
    const batch = batches[0]!;
    await ack({
      batch: batch.batch,
      stored: 2,
      duplicates: 0,
      rejected: [{ index: 1, device: 'aq-uplink-01', seq: 7, code: 'ZENNE_ERR_INGEST_UNKNOWN_DEVICE', reason: 'not registered to this gateway' }],
    });
    await until(() => buffer.depth() === 0);
    expect(link.stats().counters).toMatchObject({ readings_rejected: 1, rejected_by_code: { ZENNE_ERR_INGEST_UNKNOWN_DEVICE: 1 } });
    expect(link.stats().last_error).toContain('rejected reading aq-uplink-01/7');
  });

  it('drops a batch the cloud refuses whole, and counts it', async () => {
    await buffer.append(drafts(4));
    const link = start();
    await until(() => batches.length === 1);
    await ack({ batch: batches[0]!.batch, stored: 0, duplicates: 0, rejected: [], error: { code: 'ZENNE_ERR_INGEST_BATCH_INVALID', reason: 'gateway mismatch' } });
    await until(() => buffer.depth() === 0);
    expect(link.stats().counters).toMatchObject({ batches_refused: 1, batches_acked: 0 });
  });

  it('counts invalid and unknown acks and keeps the batch until a valid ack comes', async () => {
    await buffer.append(drafts(2));
    const link = start();
    await until(() => batches.length === 1);
    await ack('{"v":1,"batch":');
    await ack({ batch: batches[0]!.batch, stored: -1, duplicates: 0, rejected: [] });
    await ack({ batch: 'not-ours', stored: 2, duplicates: 0, rejected: [] });
    await until(() => link.stats().counters.acks_invalid === 2 && link.stats().counters.acks_unknown === 1);
    expect(buffer.depth()).toBe(2);
    expect(link.stats().in_flight).toBe(1);
    await ack({ batch: batches[0]!.batch, stored: 2, duplicates: 0, rejected: [] });
    await until(() => buffer.depth() === 0);
  });

  it('reports what the full policy dropped in the retained status', async () => {
    await buffer.close();
    buffer = await DurableBuffer.open(dir, { maxBytes: 32 * 1024, segmentMaxBytes: 4 * 1024 });
    for (let i = 0; i < 40; i++) await buffer.append(drafts(10));
    const dropped = buffer.stats().dropped_readings;
    expect(dropped).toBeGreaterThan(0);
    const statuses: Array<Record<string, unknown>> = [];
    cloud.on('message', (topic, payload) => {
      if (topic === topics.status(GATEWAY)) statuses.push(JSON.parse(payload.toString('utf8')) as Record<string, unknown>);
    });
    await cloud.subscribeAsync(topics.status(GATEWAY), { qos: 1 });
    start();
    await until(() => statuses.some((s) => s.state === 'online'));
    expect(statuses.find((s) => s.state === 'online')).toMatchObject({
      buffer_dropped_readings: dropped,
      buffer_oldest_dropped_ts: drafts(1)[0]!.ts,
      buffer_lost_readings: {},
    });
  });

  it('reports process health and per-source counters in the retained status', async () => {
    const statuses: GatewayStatus[] = [];
    cloud.on('message', (topic, payload) => {
      if (topic === topics.status(GATEWAY)) statuses.push(gatewayStatusSchema.parse(JSON.parse(payload.toString('utf8'))));
    });
    await cloud.subscribeAsync(topics.status(GATEWAY), { qos: 1 });
    const source = { id: 'sds011-01', state: 'running', readings_per_minute: 120, last_frame_at: drafts(1)[0]!.ts, errors: 2 };
    start({ sources: () => [source] });
    await until(() => statuses.some((s) => s.state === 'online'));
    const online = statuses.find((s) => s.state === 'online')!;
    expect(online.sources).toEqual([source]);
    expect(online.rss_bytes).toBeGreaterThan(0);
    expect(online.cpu_percent).toBeGreaterThanOrEqual(0);
  });

  it('sends live readings as they come, not marked historical', async () => {
    const link = start();
    await until(() => link.stats().state === 'connected');
    await buffer.append(drafts(1));
    await until(() => batches.length === 1);
    expect(batches[0]!.historical).toBeUndefined();
  });
});
