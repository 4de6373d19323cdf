import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { topics, type Reading } from '@zenne/device-profiles';
import { stopChild } from '../../test/support/child.ts';
import { batchOf, pm25, writeFleet } from './helpers/fleet.ts';
import { createCloud } from '../src/cloud.ts';
import { ackListener, closedByBroker, connectGateway, startCloud, type Harness } from './helpers/harness.ts';
import { openSse } from './helpers/sse.ts';

// aq-monnaie-02 and the people counter are in the opera house; aq-monnaie-01 is outside it (coordinates from OpenStreetMap).
const FEEDS_FLEET = `
sites:
  - { id: brussels-centre, name: Brussels centre }
buildings:
  - { id: theatre-monnaie, site: brussels-centre, name: "Théâtre royal de la Monnaie" }
gateways:
  - { id: gw-monnaie, site: brussels-centre, secret: "monnaie-secret" }
devices:
  - { id: aq-monnaie-01, gateway: gw-monnaie, profile: nova-sds011, name: "Place de la Monnaie 1",
      site: brussels-centre, location: { lon: 4.352853, lat: 50.849402, height: 3 } }
  - { id: aq-monnaie-02, gateway: gw-monnaie, profile: nova-sds011, name: "Monnaie foyer", building: theatre-monnaie,
      site: brussels-centre, location: { lon: 4.3533, lat: 50.8499, height: 3 } }
  - { id: people-monnaie-01, gateway: gw-monnaie, profile: generic-line-counter-json, name: "Monnaie main door", building: theatre-monnaie,
      site: brussels-centre, location: { lon: 4.35335, lat: 50.84985, height: 2 } }
`;
/** Around aq-monnaie-01 only (aq-monnaie-02 is 45 m further east). */
const BBOX = '4.3525,50.8490,4.3531,50.8496';

/** Messages as they arrive; `until` resolves once one matches, whenever it came. */
class Inbox<T> {
  readonly items: T[] = [];
  private wake: (() => void) | undefined;
  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }
  async until(match: (item: T) => boolean): Promise<T> {
    for (;;) {
      const found = this.items.find(match);
      if (found) return found;
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}

const flow = (value: number, offsetS: number) => pm25('people-monnaie-01', value, offsetS, { quantity: 'people_flow_in', unit: '{count}' });
const sameReading = (r: Reading) => (other: Reading) => other.device === r.device && other.seq === r.seq;

describe('live feeds (acceptance 4): SSE, WebSocket, public MQTT and MQTT over WebSocket', () => {
  let h: Harness;
  let seedDir: string;
  let gw: MqttClient;
  let acks: Awaited<ReturnType<typeof ackListener>>;
  let mqttPort: number;
  let wsBase: string;
  const sendAndAck = async (batch: string, readings: Reading[]) => {
    await gw.publishAsync(topics.readings('gw-monnaie'), JSON.stringify(batchOf('gw-monnaie', batch, readings)), { qos: 1 });
    expect((await acks.next(batch)).rejected ?? []).toEqual([]);
  };
  const anonymous = async (url: string, clientId?: string) => {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...(clientId ? { clientId } : {}) });
    h.clients.push(client);
    return client;
  };

  beforeAll(async () => {
    seedDir = await mkdtemp(join(tmpdir(), 'zenne-feeds-seed-'));
    h = await startCloud({ sseHeartbeatMs: 50, seedFile: await writeFleet(seedDir, FEEDS_FLEET) });
    gw = await connectGateway(h, 'gw-monnaie');
    acks = await ackListener(gw, 'gw-monnaie');
    mqttPort = Number(new URL(h.cloud.mqttUrl).port);
    wsBase = h.cloud.httpUrl.replace(/^http/, 'ws');
  });
  afterAll(async () => {
    await h.close();
    await rm(seedDir, { recursive: true, force: true });
  });

  it('gives every subscriber the last value at once, then every update, each with its filter; people counts stay off public MQTT', async () => {
    const before = { out: pm25('aq-monnaie-01', 11, 10), foyer: pm25('aq-monnaie-02', 20, 5), people: flow(42, 10) };
    await sendAndAck('before', [pm25('aq-monnaie-01', 9, 0), before.out, before.foyer, before.people]);
    const listenersBefore = h.cloud.live.listenerCount('reading');

    const sse = await openSse(`${h.cloud.httpUrl}/api/v1/live?quantity=pm2_5&building=theatre-monnaie`);
    const ws = new WebSocket(`${wsBase}/api/v1/live/ws?quantity=pm2_5&bbox=${BBOX}`);
    const wsInbox = new Inbox<Reading>();
    ws.on('message', (data) => wsInbox.push(JSON.parse(String(data)) as Reading));
    const sub: ChildProcessWithoutNullStreams = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(mqttPort), '-t', 'zenne/v1/public/#', '-v', '-q', '1']);
    const subInbox = new Inbox<{ topic: string; reading: Reading }>();
    let partial = '';
    sub.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const space = line.indexOf(' ');
        subInbox.push({ topic: line.slice(0, space), reading: JSON.parse(line.slice(space + 1)) as Reading });
      }
    });
    const browser = await anonymous(`${wsBase}/mqtt`);
    const browserInbox = new Inbox<{ topic: string; reading: Reading; retain: boolean }>();
    browser.on('message', (topic, payload, packet) => browserInbox.push({ topic, reading: JSON.parse(payload.toString()) as Reading, retain: packet.retain }));
    await browser.subscribeAsync('zenne/v1/public/pm2_5/+', { qos: 1 });

    try {
      // The last values, published before anyone subscribed.
      expect(JSON.parse((await sse.next()).data!)).toEqual(before.foyer);
      expect(await wsInbox.until(sameReading(before.out))).toEqual(before.out);
      const retained = await subInbox.until((m) => m.topic === topics.publicReading('pm2_5', 'aq-monnaie-02'));
      expect(retained.reading).toEqual(before.foyer);
      expect((await subInbox.until((m) => m.topic === topics.publicReading('pm2_5', 'aq-monnaie-01'))).reading).toEqual(before.out);
      expect(await browserInbox.until((m) => m.topic === topics.publicReading('pm2_5', 'aq-monnaie-01'))).toEqual({
        topic: topics.publicReading('pm2_5', 'aq-monnaie-01'), reading: before.out, retain: true,
      });

      // Every update; the people count is sent first so it would have arrived before the last pm2_5.
      const after = { people: flow(7, 20), out: pm25('aq-monnaie-01', 12, 20), foyer: pm25('aq-monnaie-02', 21, 20) };
      await sendAndAck('after', [after.people, after.out, after.foyer]);
      expect(JSON.parse((await sse.next()).data!)).toEqual(after.foyer);
      expect(await wsInbox.until(sameReading(after.out))).toEqual(after.out);
      expect((await subInbox.until((m) => m.reading.seq === after.foyer.seq)).reading).toEqual(after.foyer);
      expect((await subInbox.until((m) => m.reading.seq === after.out.seq)).reading).toEqual(after.out);
      expect((await browserInbox.until((m) => m.reading.seq === after.foyer.seq)).retain).toBe(false);

      expect(wsInbox.items).toEqual([before.out, after.out]);
      expect(subInbox.items.map((m) => m.topic).filter((t) => !t.includes('/pm2_5/'))).toEqual([]);
      expect(h.cloud.stats().public_feed).toMatchObject({ withheld_private: 2, failed: 0 });
    } finally {
      sse.close();
      ws.close();
      await stopChild(sub);
    }
    await vi.waitFor(() => expect(h.cloud.live.listenerCount('reading')).toBe(listenersBefore));
  });

  it('refuses and counts an anonymous publish, an anonymous subscribe outside zenne/v1/public and a gateway client id', async () => {
    const client = await anonymous(h.cloud.mqttUrl);
    const suback = (filter: string) =>
      client.subscribeAsync(filter, { qos: 1 }).then((g) => g[0]!.qos, (err: { packet?: { granted: number[] } }) => err.packet?.granted[0]);
    // SUBACK 0x80 = failure (MQTT 3.1.1 §3.9.3).
    expect(await suback(topics.ack('gw-monnaie'))).toBe(128);
    expect(await suback('#')).toBe(128);
    expect(await suback('+/v1/public/#')).toBe(128);
    expect(await suback('zenne/v1/public/#')).toBe(1);

    const retainedNow = (await anonymousRetained()).reading;
    const closed = closedByBroker(client);
    client.publish(topics.publicReading('pm2_5', 'aq-monnaie-01'), JSON.stringify({ forged: true }), { qos: 1, retain: true });
    await closed;
    expect((await anonymousRetained()).reading).toEqual(retainedNow);

    const refused = await mqtt.connectAsync(h.cloud.mqttUrl, { clientId: 'gw-monnaie', reconnectPeriod: 0, connectTimeout: 5000 }).then(
      (c) => c.endAsync(true).then(() => undefined),
      (err: Error & { code?: number }) => err.code,
    );
    expect(refused).toBe(2); // CONNACK 2: identifier rejected
    expect(gw.connected).toBe(true);
    const persistent = await mqtt.connectAsync(h.cloud.mqttUrl, { clientId: 'reader-1', clean: false, reconnectPeriod: 0, connectTimeout: 5000 }).then(
      (c) => c.endAsync(true).then(() => undefined),
      (err: Error & { code?: number }) => err.code,
    );
    expect(persistent).toBe(2);

    const stats = h.cloud.stats().broker;
    expect(stats.anonymous).toMatchObject({ subscribe_denied: 3, publish_denied: 1, refused: 2 });
    expect(stats.subscribe_denied).toBeGreaterThanOrEqual(3);
    expect(stats.publish_denied).toBeGreaterThanOrEqual(1);

    async function anonymousRetained() {
      const reader = await anonymous(`${wsBase}/mqtt`);
      const got = new Promise<{ reading: unknown }>((resolve) => reader.once('message', (_t, payload) => resolve({ reading: JSON.parse(payload.toString()) })));
      await reader.subscribeAsync(topics.publicReading('pm2_5', 'aq-monnaie-01'), { qos: 1 });
      const message = await got;
      await reader.endAsync(true);
      return message;
    }
  });

  it('rejects a bad filter before streaming, on SSE and WebSocket alike, and an unknown WebSocket path', async () => {
    const sse = await fetch(`${h.cloud.httpUrl}/api/v1/live?bbox=4.36,50.8,4.35,50.9`);
    expect(sse.status).toBe(400);
    expect(((await sse.json()) as { code: string }).code).toBe('ZENNE_ERR_API_BAD_REQUEST');

    const refusal = (url: string) =>
      new Promise<{ status: number; body: string }>((resolve) => {
        const ws = new WebSocket(url);
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c)).once('end', () => resolve({ status: res.statusCode!, body }));
        });
      });
    const bad = await refusal(`${wsBase}/api/v1/live/ws?bbox=4.35,50.8`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ code: 'ZENNE_ERR_API_BAD_REQUEST' });
    expect((await refusal(`${wsBase}/api/v1/live/ws?smell=strong`)).status).toBe(400);
    expect((await refusal(`${wsBase}/nowhere`)).status).toBe(404);
  });

  it('closes open WebSocket streams when the cloud stops', async () => {
    const ws = new WebSocket(`${wsBase}/api/v1/live/ws`);
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await h.cloud.stop();
    expect(await closed).toBe(1001);
  });
});

describe('public MQTT feed across a cloud restart', () => {
  it('republishes the latest stored values retained, so a reader still gets them at once', async () => {
    const first = await startCloud();
    const gw = await connectGateway(first, 'gw-monnaie');
    const acks = await ackListener(gw, 'gw-monnaie');
    const latest = pm25('aq-monnaie-01', 13, 30);
    await gw.publishAsync(topics.readings('gw-monnaie'), JSON.stringify(batchOf('gw-monnaie', 'b1', [pm25('aq-monnaie-01', 12, 0), latest])), { qos: 1 });
    await acks.next('b1');
    await Promise.all(first.clients.map((c) => c.endAsync(true)));
    await first.cloud.stop();

    const again = await createCloud({ dataDir: first.dir, httpPort: 0, mqttPort: 0, viewerDir: join(first.dir, 'no-viewer') });
    try {
      await again.start();
      const reader = await mqtt.connectAsync(again.mqttUrl, { reconnectPeriod: 0, connectTimeout: 5000 });
      const got = new Promise<{ payload: string; retain: boolean }>((resolve) =>
        reader.once('message', (_t, payload, packet) => resolve({ payload: payload.toString(), retain: packet.retain })));
      await reader.subscribeAsync('zenne/v1/public/#', { qos: 1 });
      expect(await got).toEqual({ payload: JSON.stringify(latest), retain: true });
      await reader.endAsync(true);
    } finally {
      await again.stop();
      await rm(first.dir, { recursive: true, force: true });
    }
  });
});
