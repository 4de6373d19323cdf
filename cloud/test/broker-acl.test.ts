import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { MAX_BATCH_BYTES, topics } from '@zenne/device-profiles';
import { batchOf, pm25 } from './helpers/fleet.ts';
import { ackListener, closedByBroker, connectGateway, startCloud, type Harness } from './helpers/harness.ts';

describe('embedded broker: authentication and ACL', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCloud();
  });
  afterAll(async () => {
    await h.close();
  });

  const refusal = (username: string | undefined, password: string | undefined) =>
    mqtt.connectAsync(h.cloud.mqttUrl, { username, password, reconnectPeriod: 0, connectTimeout: 5000 }).then(
      async (c) => {
        await c.endAsync(true);
        return undefined;
      },
      (err: Error & { code?: number }) => err.code,
    );

  it('refuses a wrong password, an unknown gateway and missing credentials, and counts each', async () => {
    expect(await refusal('gw-monnaie', 'not-the-secret')).toBe(4); // CONNACK 4: bad user name or password
    expect(await refusal('gw-nowhere', 'whatever-secret')).toBe(4);
    // No credentials at all is an anonymous public-feed reader (feeds.test.ts); a username without a password is refused.
    expect(await refusal('gw-monnaie', undefined)).toBe(5); // CONNACK 5: not authorised
    const stats = h.cloud.stats().broker;
    expect(stats.auth_refused_by_reason).toEqual({ bad_password: 1, unknown_gateway: 1, missing_credentials: 1, revoked_gateway: 0 });
    expect(stats.per_gateway['gw-monnaie']?.auth_refused).toBe(1);
  });

  it('accepts the right secret', async () => {
    const client = await connectGateway(h, 'gw-monnaie');
    expect(client.connected).toBe(true);
  });

  it('drops a publish on another gateway\'s topic, closes the connection and stores nothing', async () => {
    const intruder = await connectGateway(h, 'gw-bourse');
    const closed = closedByBroker(intruder);
    const before = h.cloud.stats().broker.publish_denied;
    intruder.publish(topics.readings('gw-monnaie'), JSON.stringify(batchOf('gw-monnaie', 'forged-1', [pm25('aq-monnaie-01', 12)])), { qos: 1 });
    await closed;
    expect(h.cloud.stats().broker.publish_denied).toBe(before + 1);
    expect(h.cloud.stats().broker.per_gateway['gw-bourse']?.publish_denied).toBe(1);
    expect(h.cloud.stats().ingest.messages).toBe(0);
    expect(await h.cloud.store.count()).toBe(0);
  });

  it('refuses topics outside the gateway tree', async () => {
    const client = await connectGateway(h, 'gw-bourse');
    const closed = closedByBroker(client);
    client.publish('zenne/v1/public/pm2_5/aq-bourse-01', '42', { qos: 0 });
    await closed;
    expect(h.cloud.stats().broker.publish_denied).toBe(2);
  });

  it('refuses subscriptions to another gateway\'s ack or commands and to wildcards, keeps its own', async () => {
    const client = await connectGateway(h, 'gw-bourse');
    const subackCode = (topic: string) =>
      client.subscribeAsync(topic, { qos: 1 }).then((g) => g[0]!.qos, (err: { packet?: { granted: number[] } }) => err.packet?.granted[0]);
    // SUBACK 0x80 = failure (MQTT 3.1.1 §3.9.3); the connection stays up.
    expect(await subackCode(topics.ack('gw-monnaie'))).toBe(128);
    expect(await subackCode('zenne/v1/gw/+/ack')).toBe(128);
    expect(await subackCode('#')).toBe(128);
    expect(await subackCode(topics.commands('gw-monnaie'))).toBe(128);
    expect(await subackCode(topics.ack('gw-bourse'))).toBe(1);
    expect(await subackCode(topics.configDesired('gw-bourse'))).toBe(1);
    expect(await subackCode(topics.commands('gw-bourse'))).toBe(1);
    expect(h.cloud.stats().broker.subscribe_denied).toBe(4);
    expect(client.connected).toBe(true);
  });

  it('closes a connection announcing a packet far above the batch limit before buffering it', async () => {
    const before = h.cloud.stats().broker.oversized_packets;
    const socket = tcpConnect(Number(new URL(h.cloud.mqttUrl).port), '127.0.0.1');
    // PUBLISH fixed header with Remaining Length = 2 MiB (varint 0x80 0x80 0x80 0x01), body never sent.
    socket.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x01]));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(h.cloud.stats().broker.oversized_packets).toBe(before + 1);
    expect(MAX_BATCH_BYTES).toBeLessThan(2 * 1024 * 1024);
  });

  it('keeps serving other gateways after all of that', async () => {
    const client = await connectGateway(h, 'gw-monnaie');
    const acks = await ackListener(client, 'gw-monnaie');
    await client.publishAsync(topics.readings('gw-monnaie'), JSON.stringify(batchOf('gw-monnaie', 'ok-1', [pm25('aq-monnaie-01', 12)])), { qos: 1 });
    expect(await acks.next('ok-1')).toMatchObject({ stored: 1, duplicates: 0, rejected: [] });
  });
});
