import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { MAX_BATCH_BYTES, topics } from '@zenne/device-profiles';
import { batchOf, pm25 } from './helpers/fleet.ts';
import { ackListener, connectGateway, startCloud, type Harness } from './helpers/harness.ts';

describe('ingest over MQTT', () => {
  let h: Harness;
  let monnaie: MqttClient;
  let acks: Awaited<ReturnType<typeof ackListener>>;
  const send = (payload: unknown, gateway = 'gw-monnaie') =>
    monnaie.publishAsync(topics.readings(gateway), typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload), { qos: 1 });

  beforeAll(async () => {
    h = await startCloud();
    monnaie = await connectGateway(h, 'gw-monnaie');
    acks = await ackListener(monnaie, 'gw-monnaie');
  });
  afterAll(async () => {
    await h.close();
  });

  it('stores a valid batch and acknowledges it only once the data is queryable', async () => {
    const readings = [pm25('aq-monnaie-01', 11.5), pm25('aq-monnaie-02', 13.25, 1)];
    await send(batchOf('gw-monnaie', 'b-1', readings));
    const ack = await acks.next('b-1');
    // Queried straight after the ack, with no waiting: the write happened before it.
    const latest = await h.cloud.store.latest({ devices: ['aq-monnaie-01', 'aq-monnaie-02'] });
    expect(ack).toEqual({ v: 1, batch: 'b-1', stored: 2, duplicates: 0, rejected: [] });
    expect(latest).toEqual(readings);
  });

  it('answers a resent batch with duplicates and stores nothing new', async () => {
    const readings = [pm25('aq-monnaie-01', 20), pm25('aq-monnaie-01', 21, 2)];
    await send(batchOf('gw-monnaie', 'b-2', readings));
    expect(await acks.next('b-2')).toMatchObject({ stored: 2, duplicates: 0 });
    const before = await h.cloud.store.count();
    await send(batchOf('gw-monnaie', 'b-2-resent', readings));
    expect(await acks.next('b-2-resent')).toEqual({ v: 1, batch: 'b-2-resent', stored: 0, duplicates: 2, rejected: [] });
    expect(await h.cloud.store.count()).toBe(before);
  });

  it('rejects bad readings one by one and stores the rest', async () => {
    const good = pm25('aq-monnaie-02', 5);
    await send(batchOf('gw-monnaie', 'b-3', [
      { ...pm25('aq-monnaie-01', 1), value: 'high' },
      good,
      pm25('aq-ghost-99', 4),
      pm25('aq-bourse-01', 3), // registered, but to gw-bourse
      { ...pm25('aq-monnaie-01', 1), quality: 'suspect' }, // suspect without reasons
    ]));
    const ack = await acks.next('b-3');
    expect(ack.stored).toBe(1);
    expect(ack.rejected.map((r) => [r.index, r.code])).toEqual([
      [0, 'ZENNE_ERR_INGEST_INVALID_READING'],
      [2, 'ZENNE_ERR_INGEST_UNKNOWN_DEVICE'],
      [3, 'ZENNE_ERR_INGEST_DEVICE_NOT_OWNED'],
      [4, 'ZENNE_ERR_INGEST_INVALID_READING'],
    ]);
    expect(ack.rejected[0]!.reason).toContain('value');
    expect(ack.rejected[2]).toMatchObject({ device: 'aq-bourse-01' });
    expect(await h.cloud.store.count({ device: 'aq-bourse-01' })).toBe(0);
    const rejections = h.cloud.stats().ingest.per_gateway['gw-monnaie']!.rejections;
    expect(rejections).toMatchObject({ invalid_reading: 2, unknown_device: 1, device_not_owned: 1 });
  });

  it('answers an unusable envelope with an error ack when the batch id is readable', async () => {
    await send({ ...batchOf('gw-monnaie', 'b-4', [pm25('aq-monnaie-01', 1)]), v: 2 });
    expect(await acks.next('b-4')).toMatchObject({ stored: 0, duplicates: 0, rejected: [], error: { code: 'ZENNE_ERR_INGEST_INVALID_ENVELOPE' } });
    await send(batchOf('gw-bourse', 'b-5', [pm25('aq-monnaie-01', 1)]));
    expect((await acks.next('b-5')).error?.code).toBe('ZENNE_ERR_INGEST_GATEWAY_MISMATCH');
  });

  it('rejects an oversized batch whole', async () => {
    const padding = 'x'.repeat(MAX_BATCH_BYTES);
    await send({ ...batchOf('gw-monnaie', 'b-6', [pm25('aq-monnaie-01', 1)]), padding });
    expect((await acks.next('b-6')).error?.code).toBe('ZENNE_ERR_INGEST_OVERSIZED_BATCH');
    const tooMany = Array.from({ length: 1001 }, (_, i) => pm25('aq-monnaie-01', i));
    await send(batchOf('gw-monnaie', 'b-7', tooMany));
    expect((await acks.next('b-7')).error?.code).toBe('ZENNE_ERR_INGEST_OVERSIZED_BATCH');
    expect(await h.cloud.store.count({ device: 'aq-monnaie-01' })).toBe(3);
  });

  it('survives garbage, counts every reason, and stores the next valid batch', async () => {
    await send('{"v":1, "gateway": "gw-monnaie", "batch": "trunc');
    await send(Buffer.from([0xff, 0x00, 0x13]));
    await send('null');
    await send('[1,2,3]');
    await send(batchOf('gw-monnaie', 'b-8', [pm25('aq-monnaie-01', 42)]));
    expect(await acks.next('b-8')).toMatchObject({ stored: 1, rejected: [] });
    expect(monnaie.connected).toBe(true);
    const stats = h.cloud.stats().ingest;
    expect(stats.rejections).toMatchObject({
      invalid_json: 2,
      invalid_envelope: 3,
      oversized_batch: 2,
      gateway_mismatch: 1,
      invalid_reading: 2,
      unknown_device: 1,
      device_not_owned: 1,
      store_error: 0,
    });
    expect(stats.readings_stored).toBe(await h.cloud.store.count());
    expect(stats.readings_duplicate).toBe(2);
  });

  it('merges concurrent batches into shared writes and acknowledges each exactly', async () => {
    const batches = Array.from({ length: 20 }, (_, b) =>
      batchOf('gw-monnaie', `burst-${b}`, Array.from({ length: 25 }, (_, i) => pm25(i % 2 ? 'aq-monnaie-01' : 'aq-monnaie-02', b * 25 + i))));
    const writesBefore = h.cloud.stats().ingest.store_writes;
    const before = await h.cloud.store.count();
    await Promise.all(batches.map((b) => send(b)));
    // The last batch repeats half of the first: within one merged write or across writes, dedupe holds.
    const overlap = batchOf('gw-monnaie', 'burst-overlap', (batches[0]!.readings as unknown[]).slice(0, 10));
    await send(overlap);
    const results = await Promise.all([...batches, overlap].map((b) => acks.next(b.batch)));
    expect(results.slice(0, 20).every((a) => a.stored === 25 && a.duplicates === 0)).toBe(true);
    expect(results[20]).toMatchObject({ stored: 0, duplicates: 10 });
    expect(await h.cloud.store.count()).toBe(before + 500);
    expect(h.cloud.stats().ingest.store_writes - writesBefore).toBeLessThanOrEqual(21);
  });

  it('keeps the last status of each gateway, including its last will', async () => {
    const status = (state: 'online' | 'offline') => JSON.stringify({ v: 1, gateway: 'gw-bourse', state, ts: new Date().toISOString() });
    const bourse = await mqtt.connectAsync(h.cloud.mqttUrl, {
      username: 'gw-bourse', password: 'bourse-secret', reconnectPeriod: 0,
      will: { topic: topics.status('gw-bourse'), payload: Buffer.from(status('offline')), qos: 1, retain: true },
    });
    await bourse.publishAsync(topics.status('gw-bourse'), status('online'), { qos: 1, retain: true });
    await vi.waitFor(() => expect(h.cloud.stats().gateway_status.gateways['gw-bourse']?.state).toBe('online'));
    bourse.stream.destroy(); // an unclean drop: the broker publishes the will
    await vi.waitFor(() => expect(h.cloud.stats().gateway_status.gateways['gw-bourse']?.state).toBe('offline'));
    await bourse.endAsync(true);
    await monnaie.publishAsync(topics.status('gw-monnaie'), '{"state":"confused"}', { qos: 1 });
    await vi.waitFor(() => expect(h.cloud.stats().gateway_status.invalid).toBe(1));
  });
});
