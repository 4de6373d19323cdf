/**
 * The Sparkplug B uplink against Debian's mosquitto. The test plays the
 * industrial host: it subscribes to the group's topics and decodes every
 * message with the same Sparkplug B schema (src/uplink/sparkplug/sparkplug_b.proto).
 * The agent's connection runs through a TCP relay so the test can cut it
 * like a dead network link (the broker then publishes the will).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNormaliser, getProfile, QUANTITIES, type ReadingDraft } from '@zenne/device-profiles';
import { DurableBuffer } from '../src/buffer/index.ts';
import { parseConfigText } from '../src/config/index.ts';
import { silentLogger } from '../src/logger.ts';
import {
  DataType,
  decodePayload,
  encodePayload,
  propertyOf,
  REBIRTH_METRIC,
  SparkplugUplink,
  type Metric,
  type Payload,
} from '../src/uplink/sparkplug/index.ts';
import { until } from './helpers/agent-process.ts';
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto.ts';

const GROUP = 'brussels-aq';
const NODE = 'gw-sparkplug-test';
const DEVICES = ['aq-sp-01', 'aq-sp-02'];
/** Real SDS011 data (Sensor.Community node 5331, Aberdeen, 2019-05-10; ~145 s cadence), see its NOTICE. */
const SDS011_DAY = new URL('../../simulations/data/sensor-community-5331/2019-05-10_sds011_sensor_5331.csv', import.meta.url);

interface Message {
  topic: string;
  type: string;
  device: string | undefined;
  payload: Payload;
}

/** The first `rows` samples of the day, alternately from the two devices, through the nova-sds011 profile. */
async function sds011Readings(rows: number): Promise<ReadingDraft[]> {
  const profile = getProfile('nova-sds011');
  const normalisers = DEVICES.map((device) => createNormaliser(profile, { device }));
  return (await readFile(SDS011_DAY, 'utf8'))
    .split('\n')
    .slice(1)
    .map((line) => line.split(';'))
    .filter((cells) => cells.length >= 10 && cells[6] !== '' && cells[9] !== '')
    .slice(0, rows)
    .flatMap((cells, i) =>
      normalisers[i % DEVICES.length]!.normalise({
        fields: { pm10: Number(cells[6]), pm2_5: Number(cells[9]) },
        ts: new Date(`${cells[5]}Z`),
      }).readings,
    );
}

/** A TCP relay to the broker whose connections the test can cut. */
async function startRelay(port: number): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    for (const [socket, other] of [[inbound, outbound], [outbound, inbound]] as const) {
      sockets.add(socket);
      socket.pipe(other);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        sockets.delete(socket);
        other.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`,
    cut,
    async close() {
      cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function metric(payload: Payload, name: string): Metric | undefined {
  return payload.metrics.find((m) => m.name === name);
}

describe('SparkplugUplink', () => {
  let broker: Mosquitto;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let dir: string;
  let buffer: DurableBuffer;
  let uplink: SparkplugUplink | undefined;
  let host: MqttClient;
  let messages: Message[];

  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.close();
  });
  beforeEach(async () => {
    relay = await startRelay(broker.port);
    dir = await mkdtemp(join(tmpdir(), 'zenne-sparkplug-'));
    buffer = await DurableBuffer.open(join(dir, 'buffer'));
    messages = [];
    host = await mqtt.connectAsync(broker.url, { clientId: 'zenne-test-scada-host' });
    host.on('message', (topic, bytes) => {
      const [, , type, , device] = topic.split('/');
      // The host's own commands (one of them deliberately not Sparkplug) come back through `#`.
      if (type === 'NCMD') return;
      messages.push({ topic, type: type!, device, payload: decodePayload(bytes) });
    });
    await host.subscribeAsync(`spBv1.0/${GROUP}/#`, { qos: 1 });
  });
  afterEach(async () => {
    await uplink?.stop();
    uplink = undefined;
    await host.endAsync();
    await relay.close();
    await buffer.close();
    await rm(dir, { recursive: true, force: true });
  });

  function start(batchMaxReadings = 500, backfillPerS = 1000): SparkplugUplink {
    uplink = new SparkplugUplink({
      gateway: NODE,
      cloud: { mqtt_url: relay.url, username: NODE, password: 'test' },
      uplink: {
        batch_max_readings: batchMaxReadings,
        batch_max_wait_ms: 50,
        max_in_flight: 4,
        reconnect_max_ms: 1000,
        ack_timeout_ms: 30_000,
        status_interval_ms: 10_000,
        backfill_max_readings_per_s: backfillPerS,
        mode: 'sparkplug_b',
      },
      sparkplug: { group_id: GROUP, edge_node_id: NODE },
      devices: new Map(DEVICES.map((d) => [d, getProfile('nova-sds011').channels.map((c) => c.quantity)])),
      buffer,
      stateDir: dir,
      logger: silentLogger(),
    });
    uplink.start();
    return uplink;
  }

  const ofType = (type: string) => messages.filter((m) => m.type === type);
  const bdSeqOf = (m: Message) => metric(m.payload, 'bdSeq')!.longValue;

  it('births the node and its devices, then sends every SDS011 reading as DDATA with seq wrapping after 255', async () => {
    const drafts = await sds011Readings(150); // 300 readings, one DDATA each: seq wraps once
    await buffer.append(drafts);
    start(1);
    await until(() => ofType('DDATA').length === drafts.length);
    await until(() => buffer.depth() === 0);

    const [nbirth, ...rest] = messages;
    expect(nbirth!.topic).toBe(`spBv1.0/${GROUP}/NBIRTH/${NODE}`);
    expect(nbirth!.payload.seq).toBe(0);
    expect(metric(nbirth!.payload, 'bdSeq')).toMatchObject({ datatype: DataType.UInt64, longValue: 0 });
    expect(metric(nbirth!.payload, REBIRTH_METRIC)).toMatchObject({ datatype: DataType.Boolean, booleanValue: false });

    // One DBIRTH per device, before any DDATA: the profile's quantities, canonical units, no value yet.
    const dbirths = rest.slice(0, DEVICES.length);
    expect(dbirths.map((m) => [m.type, m.device])).toEqual(DEVICES.map((d) => ['DBIRTH', d]));
    for (const birth of dbirths) {
      expect(birth.payload.metrics.map((m) => [m.name, m.datatype, m.isNull, propertyOf(m, 'engUnit')?.stringValue])).toEqual(
        getProfile('nova-sds011').channels.map((c) => [c.quantity, DataType.Double, true, QUANTITIES[c.quantity].unit]),
      );
    }

    // seq: 0 at NBIRTH, +1 on every message after, 255 → 0.
    const seqs = messages.map((m) => m.payload.seq!);
    expect(seqs).toEqual(seqs.map((_, i) => i % 256));
    expect(seqs.length).toBeGreaterThan(256);

    // DDATA: metric = quantity, value and ts of the reading, quality and seq as properties, in buffer order.
    const sent = ofType('DDATA').flatMap((m) =>
      m.payload.metrics.map((x) => ({
        device: m.device,
        quantity: x.name,
        value: x.doubleValue,
        ts: new Date(x.timestamp!).toISOString(),
        quality: propertyOf(x, 'Quality')!.intValue,
        seq: propertyOf(x, 'zenne_seq')!.longValue,
        historical: x.isHistorical ?? false,
      })),
    );
    const buffered = (await sds011Readings(150)).map((d) => ({ device: d.device, quantity: d.quantity, value: d.value, ts: d.ts }));
    expect(sent.map(({ device, quantity, value, ts }) => ({ device, quantity, value, ts }))).toEqual(buffered);
    expect(sent[0]).toMatchObject({ device: 'aq-sp-01', quantity: 'pm2_5', value: 1.57, ts: '2019-05-10T00:02:37.000Z', quality: 192 });
    // Buffered before the connection came up: the backlog is marked historical (§6.4.4 is_historical).
    expect(sent.every((s) => s.historical)).toBe(true);
    for (const device of DEVICES) {
      const seqOfDevice = sent.filter((s) => s.device === device).map((s) => s.seq!);
      expect(seqOfDevice).toEqual(seqOfDevice.map((_, i) => seqOfDevice[0]! + i));
    }
    expect(uplink!.stats().counters).toMatchObject({ readings_sent: 300, readings_stored: 300, readings_backfilled: 300, connects: 1 });
  });

  it('paces the backlog at backfill_max_readings_per_s, in batches of at most one second of the rate', async () => {
    const drafts = await sds011Readings(300); // 600 readings buffered before the connection
    await buffer.append(drafts);
    const arrivals: Array<{ at: number; readings: number }> = [];
    host.on('message', (topic, bytes) => {
      if (topic.split('/')[2] === 'DDATA') arrivals.push({ at: performance.now(), readings: decodePayload(bytes).metrics.length });
    });
    start(500, 200);
    await until(() => buffer.depth() === 0);
    const first = arrivals[0]!.at;
    let received = 0;
    for (const a of arrivals) {
      received += a.readings;
      // A full bucket (one 200-reading batch) at once, then 200/s; the slack is one batch for timer and broker latency.
      expect(received).toBeLessThanOrEqual(200 + 200 + (200 * (a.at - first)) / 1000);
    }
    expect(received).toBe(600);
    expect(uplink!.stats().counters).toMatchObject({ readings_backfilled: 600, batches_sent: 3 });
  });

  it('the will publishes NDEATH with the session bdSeq when the connection dies; the next session births with the next bdSeq', async () => {
    start();
    await until(() => ofType('DBIRTH').length === DEVICES.length);
    const firstBdSeq = bdSeqOf(ofType('NBIRTH')[0]!);

    relay.cut();
    await until(() => ofType('NDEATH').length === 1);
    const death = ofType('NDEATH')[0]!;
    expect(death.topic).toBe(`spBv1.0/${GROUP}/NDEATH/${NODE}`);
    expect(bdSeqOf(death)).toBe(firstBdSeq);
    expect(death.payload.seq).toBeUndefined();

    // Readings appended while offline go out after the new NBIRTH and DBIRTHs.
    const drafts = (await sds011Readings(2)).slice(0, 2);
    await buffer.append(drafts);
    await until(() => ofType('DDATA').length === 1);
    const afterDeath = messages.slice(messages.indexOf(death) + 1);
    expect(afterDeath.map((m) => m.type)).toEqual(['NBIRTH', 'DBIRTH', 'DBIRTH', 'DDATA']);
    expect(bdSeqOf(afterDeath[0]!)).toBe(firstBdSeq! + 1);
    expect(afterDeath.map((m) => m.payload.seq)).toEqual([0, 1, 2, 3]);
    await until(() => buffer.depth() === 0);

    // A clean stop publishes NDEATH itself; a restart on the same state_dir does not reuse the bdSeq.
    await uplink!.stop();
    await until(() => ofType('NDEATH').length === 2);
    expect(bdSeqOf(ofType('NDEATH')[1]!)).toBe(firstBdSeq! + 1);
    start();
    await until(() => ofType('NBIRTH').length === 3);
    expect(bdSeqOf(ofType('NBIRTH')[2]!)).toBe(firstBdSeq! + 2);
  });

  it('rebirths the node and every device on an NCMD Node Control/Rebirth = true; ignores a payload that is not Sparkplug', async () => {
    start();
    await until(() => ofType('DBIRTH').length === DEVICES.length);
    await buffer.append((await sds011Readings(1)).slice(0, 1));
    await until(() => ofType('DDATA').length === 1);
    const ncmd = `spBv1.0/${GROUP}/NCMD/${NODE}`;

    await host.publishAsync(ncmd, Buffer.from('{"rebirth":true}'), { qos: 1 });
    await host.publishAsync(ncmd, encodePayload({ timestamp: Date.now(), metrics: [{ name: REBIRTH_METRIC, datatype: DataType.Boolean, booleanValue: true }] }), { qos: 1 });
    await until(() => ofType('NBIRTH').length === 2);
    await until(() => ofType('DBIRTH').length === 2 * DEVICES.length);

    const rebirth = messages.slice(messages.indexOf(ofType('NBIRTH')[1]!));
    expect(rebirth.map((m) => [m.type, m.device, m.payload.seq])).toEqual([
      ['NBIRTH', undefined, 0],
      ['DBIRTH', DEVICES[0], 1],
      ['DBIRTH', DEVICES[1], 2],
    ]);
    expect(bdSeqOf(rebirth[0]!)).toBe(bdSeqOf(ofType('NBIRTH')[0]!));
    expect(uplink!.stats().counters.acks_invalid).toBe(1);
    expect(uplink!.stats().last_error).toContain('is not a Sparkplug B payload');
  });

  it('config: sparkplug_b needs a sparkplug section; ids must not hold MQTT wildcards', () => {
    const head = `gateway: { id: ${NODE} }
cloud: { mqtt_url: "mqtt://127.0.0.1:1883", password: x }
state_dir: ./state
sources:
  - { id: s1, kind: serial, port: /dev/ttyUSB0, baud_rate: 9600, bridge: sds011, profile: nova-sds011, device: aq-sp-01 }
`;
    expect(parseConfigText(`${head}uplink: { mode: sparkplug_b }\nsparkplug: { group_id: ${GROUP} }\n`, '/etc/zenne/agent.yaml').config).toMatchObject({
      uplink: { mode: 'sparkplug_b' },
      sparkplug: { group_id: GROUP },
    });
    expect(() => parseConfigText(`${head}uplink: { mode: sparkplug_b }\n`, '/etc/zenne/agent.yaml')).toThrow(/sparkplug section/);
    expect(() => parseConfigText(`${head}uplink: { mode: sparkplug_b }\nsparkplug: { group_id: "a/b" }\n`, '/etc/zenne/agent.yaml')).toThrow(
      /sparkplug\.group_id/,
    );
  });
});
