import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { ackSchema, topics, type Ack } from '@zenne/device-profiles';
import { createCloud, type Cloud, type CloudOptions } from '../../src/cloud.ts';
import { SECRETS, writeFleet } from './fleet.ts';

export interface Harness {
  cloud: Cloud;
  dir: string;
  clients: MqttClient[];
  close(): Promise<void>;
}

/** A started cloud on free ports, seeded with the test fleet, in a fresh temp dir. */
export async function startCloud(options: Partial<CloudOptions> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'zenne-cloud-test-'));
  const cloud = await createCloud({
    dataDir: dir,
    httpPort: 0,
    mqttPort: 0,
    seedFile: await writeFleet(dir),
    viewerDir: join(dir, 'no-viewer'),
    ...options,
  });
  await cloud.start();
  const clients: MqttClient[] = [];
  return {
    cloud,
    dir,
    clients,
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await cloud.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Connects as a gateway (no reconnect, so a refusal surfaces as a rejection). */
export async function connectGateway(h: Harness, gateway: string, password = SECRETS[gateway]): Promise<MqttClient> {
  const client = await mqtt.connectAsync(h.cloud.mqttUrl, {
    username: gateway,
    password,
    clientId: `${gateway}-${Math.random().toString(16).slice(2)}`,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  h.clients.push(client);
  return client;
}

/** Subscribes to the gateway's ack topic; `next(batch)` resolves with that batch's ack. */
export async function ackListener(client: MqttClient, gateway: string) {
  const seen = new Map<string, Ack>();
  const waiting = new Map<string, (ack: Ack) => void>();
  client.on('message', (topic, payload) => {
    if (topic !== topics.ack(gateway)) return;
    const ack = ackSchema.parse(JSON.parse(payload.toString()));
    const resolve = waiting.get(ack.batch);
    if (resolve) {
      waiting.delete(ack.batch);
      resolve(ack);
    } else seen.set(ack.batch, ack);
  });
  await client.subscribeAsync(topics.ack(gateway), { qos: 1 });
  return {
    next(batch: string): Promise<Ack> {
      const ack = seen.get(batch);
      if (ack) return Promise.resolve(ack);
      return new Promise((resolve) => waiting.set(batch, resolve));
    },
    received: () => [...seen.keys()],
  };
}

/** Resolves when `client` is closed by the broker. */
export function closedByBroker(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.disconnected || !client.connected) return resolve();
    client.once('close', () => resolve());
  });
}
