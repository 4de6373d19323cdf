import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@zenne/device-profiles';
import { mosquittoPasswordLine } from '../src/broker/external/mosquitto-auth.ts';
import { hashSecret } from '../src/registry/secret-hash.ts';
import { batchOf, FLEET_YAML, pm25, SECRETS, writeFleet } from './helpers/fleet.ts';
import { startSecuredMosquitto, type SecuredMosquitto } from './support/secured-mosquitto.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../bin/zenne-cloud.js');

describe('Mosquitto password hash', () => {
  it('is what Debian mosquitto_passwd writes for the same salt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-passwd-'));
    try {
      const file = join(dir, 'passwd');
      await run('mosquitto_passwd', ['-c', '-b', file, 'gw-monnaie', SECRETS['gw-monnaie']!]);
      const line = (await readFile(file, 'utf8')).trim();
      const salt = Buffer.from(line.split('$')[3]!, 'base64');
      expect(await mosquittoPasswordLine('gw-monnaie', SECRETS['gw-monnaie']!, salt)).toBe(line);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('zenne-cloud mosquitto-auth + Debian mosquitto', () => {
  let dir: string;
  let broker: SecuredMosquitto;
  let ingestPassword: string;
  let stderr: string;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-mosquitto-auth-test-'));
    // A third gateway known only by its scrypt hash: no Mosquitto password can be made for it.
    const seed = await writeFleet(dir, `${FLEET_YAML.replace('gateways:', `gateways:\n  - { id: gw-hashed, site: brussels-centre, secret_hash: "${await hashSecret('hashed-secret')}" }`)}`);
    ({ stderr } = await run(process.execPath, [CLI, 'mosquitto-auth', '--seed', seed, '--out', join(dir, 'auth')]));
    ingestPassword = (await readFile(join(dir, 'auth/ingest-password'), 'utf8')).trim();
    broker = await startSecuredMosquitto(join(dir, 'auth'));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function login(username: string | undefined, password: string | undefined): Promise<MqttClient> {
    const client = await mqtt.connectAsync(broker.url, { username, password, protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(client);
    return client;
  }

  function nextMessage(client: MqttClient): Promise<{ topic: string; payload: string }> {
    return new Promise((resolve) => client.once('message', (topic, payload) => resolve({ topic, payload: payload.toString() })));
  }

  it('writes a password file only root reads, and names the gateway it could not include', async () => {
    const passwd = await readFile(join(dir, 'auth/passwd'), 'utf8');
    expect(passwd.trim().split('\n').map((l) => l.split(':')[0])).toEqual(['zenne-ingest', 'gw-monnaie', 'gw-bourse']);
    expect((await stat(join(dir, 'auth/passwd'))).mode & 0o077).toBe(0);
    expect(stderr).toContain('ZENNE_ERR_BROKER_MOSQUITTO_NO_SECRET');
    expect(stderr).toContain('mosquitto_passwd -b');
    expect(stderr).toContain('gw-hashed');
  });

  it('refuses anonymous logins and wrong passwords', async () => {
    await expect(login(undefined, undefined)).rejects.toThrow(/Not authorized/i);
    await expect(login('gw-monnaie', 'bourse-secret')).rejects.toThrow(/Bad User Name or Password|Not authorized/i);
  });

  it('delivers a gateway batch to the ingest user through the shared subscription, and its ack back', async () => {
    const ingest = await login('zenne-ingest', ingestPassword);
    await ingest.subscribeAsync(`$share/zenne-ingest/${topics.readings('+')}`, { qos: 1 });
    const gateway = await login('gw-monnaie', SECRETS['gw-monnaie']);
    await gateway.subscribeAsync(topics.ack('gw-monnaie'), { qos: 1 });

    const received = nextMessage(ingest);
    const batch = batchOf('gw-monnaie', 'b-1', [pm25('aq-monnaie-01', 12)]);
    await gateway.publishAsync(topics.readings('gw-monnaie'), JSON.stringify(batch), { qos: 1 });
    expect(await received).toMatchObject({ topic: topics.readings('gw-monnaie') });

    const acked = nextMessage(gateway);
    await ingest.publishAsync(topics.ack('gw-monnaie'), JSON.stringify({ v: 1, batch: 'b-1', stored: 1, duplicates: 0, rejected: [] }), { qos: 1 });
    expect(await acked).toMatchObject({ topic: topics.ack('gw-monnaie') });
  });

  it('keeps a gateway under its own prefix, as the embedded broker does', async () => {
    const ingest = await login('zenne-ingest', ingestPassword);
    const gateway = await login('gw-monnaie', SECRETS['gw-monnaie']);
    // MQTT 5 answers a refused QoS 1 publish with PUBACK 0x87 (§3.4.2.1).
    await expect(gateway.publishAsync(topics.readings('gw-bourse'), '{}', { qos: 1 })).rejects.toThrow(/Not authorized/i);
    await expect(gateway.publishAsync(topics.ack('gw-monnaie'), '{}', { qos: 1 })).rejects.toThrow(/Not authorized/i);

    // Mosquitto 2.0 grants any filter and applies `read` rules per message: another gateway's ack never arrives.
    await gateway.subscribeAsync([topics.ack('+'), topics.commands('gw-bourse')], { qos: 1 });
    const first = nextMessage(gateway);
    await ingest.publishAsync(topics.ack('gw-bourse'), 'for gw-bourse', { qos: 1 });
    await ingest.publishAsync(topics.commands('gw-bourse'), 'for gw-bourse', { qos: 1 });
    await ingest.publishAsync(topics.ack('gw-monnaie'), 'for gw-monnaie', { qos: 1 });
    expect(await first).toEqual({ topic: topics.ack('gw-monnaie'), payload: 'for gw-monnaie' });
  });
});
