import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readingDraftSchema, type ReadingDraft } from '@zenne/device-profiles';
import { parseConfigText } from '../src/config/index.ts';
import { silentLogger } from '../src/logger.ts';
import { mqttSourceKind, type MqttSourceConfig } from '../src/sources/mqtt/index.ts';
import type { Source } from '../src/sources/index.ts';
import { sourceContract, type ExpectedReading } from '../src/sources/testing/source-contract.ts';
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto.ts';

let broker: Mosquitto;
let sensor: MqttClient;
let clients = 0;

beforeAll(async () => {
  broker = await startMosquitto();
  sensor = await mqtt.connectAsync(broker.url, { clientId: 'test-sensor', reconnectPeriod: 200 });
});
afterAll(async () => {
  await sensor.endAsync();
  await broker.close();
});

function config(subscriptions: MqttSourceConfig['subscriptions'], clientId = `test-source-${++clients}`): MqttSourceConfig {
  return { id: 'lan-mqtt', kind: 'mqtt', url: broker.url, client_id: clientId, clean_session: false, subscriptions };
}

const counterTopic = 'station/porte-de-namur/pc-namur-01/counts';
const counter = { topic: counterTopic, profile: 'generic-line-counter-json', device: 'pc-namur-01' };
const climate = { topic: 'lab/{device}/senml', profile: 'generic-senml-climate', devices: ['climate-a', 'climate-b'] };

function create(subscriptions: MqttSourceConfig['subscriptions'], clientId?: string): Source {
  return mqttSourceKind.create(mqttSourceKind.configSchema.parse(config(subscriptions, clientId)), { logger: silentLogger() });
}

async function publish(topic: string, payload: string | object): Promise<void> {
  await sensor.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

function collector() {
  const readings: ReadingDraft[] = [];
  return { readings, sink: async (batch: ReadingDraft[]) => void readings.push(...batch) };
}

/** Three one-minute intervals at the Porte de Namur metro entrance. */
const intervals = [
  { interval_end: '2026-11-23T08:01:00Z', interval_s: 60, counts: { in: 42, out: 17 }, occupancy: 311 },
  { interval_end: '2026-11-23T08:02:00Z', interval_s: 60, counts: { in: 38, out: 25 }, occupancy: 324 },
  { interval_end: '2026-11-23T08:03:00Z', interval_s: 60, counts: { in: 51, out: 12 }, occupancy: 363 },
];
const intervalReadings: ExpectedReading[] = intervals.flatMap((m) => [
  { device: 'pc-namur-01', quantity: 'people_flow_in', value: m.counts.in },
  { device: 'pc-namur-01', quantity: 'people_flow_out', value: m.counts.out },
  { device: 'pc-namur-01', quantity: 'people_count', value: m.occupancy },
]);

let current: Source | undefined;
sourceContract({
  name: 'mqtt, JSON people counter on Debian mosquitto',
  async create() {
    current = create([counter]);
    return current;
  },
  async feed() {
    for (const message of intervals) await publish(counterTopic, message);
    return intervalReadings;
  },
  async feedNoise() {
    await publish(counterTopic, '\u0000garbage{');
  },
  async teardown() {
    await current?.stop();
    current = undefined;
  },
});

describe('mqtt source payloads', () => {
  let source: Source | undefined;
  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  async function running(subscriptions: MqttSourceConfig['subscriptions'], clientId?: string) {
    source = create(subscriptions, clientId);
    const { readings, sink } = collector();
    await source.start(sink);
    await until(() => source!.stats().state === 'running');
    return readings;
  }

  it('stamps JSON readings with the time the message carries', async () => {
    const readings = await running([counter]);
    await publish(counterTopic, intervals[0]!);
    await until(() => readings.length === 3);
    expect(readings.map((r) => [r.quantity, r.value, r.ts, r.quality])).toEqual([
      ['people_flow_in', 42, '2026-11-23T08:01:00.000Z', 'good'],
      ['people_flow_out', 17, '2026-11-23T08:01:00.000Z', 'good'],
      ['people_count', 311, '2026-11-23T08:01:00.000Z', 'good'],
    ]);
  });

  it('resolves SenML base fields, converts its units, takes the device from the topic and splits records by time', async () => {
    const readings = await running([climate]);
    // RFC 8428 §5.1.2-style pack: base name, base time and base unit, a relative time, K and %RH units.
    await publish('lab/climate-b/senml', [
      { bn: 'urn:dev:mac:0024befffe804ff1:', bt: 1763884800, bu: 'K', n: 'temperature', v: 294.65 },
      { n: 'humidity', u: '%RH', v: 48 },
      { n: 'co2', u: 'ppm', v: 612 },
      { n: 'temperature', t: 60, v: 294.85 },
      { n: 'label', vs: 'meeting room 2.14' },
    ]);
    await until(() => readings.length === 4);
    for (const reading of readings) expect(readingDraftSchema.parse(reading)).toEqual(reading);
    expect(readings.map((r) => [r.device, r.quantity, r.value, r.unit, r.ts])).toEqual([
      ['climate-b', 'temperature', 21.5, 'Cel', '2025-11-23T08:00:00.000Z'],
      ['climate-b', 'humidity', 48, '%', '2025-11-23T08:00:00.000Z'],
      ['climate-b', 'co2', 612, 'ppm', '2025-11-23T08:00:00.000Z'],
      ['climate-b', 'temperature', 21.7, 'Cel', '2025-11-23T08:01:00.000Z'],
    ]);
  });

  it('takes SenML times below 2**28 as relative to now', async () => {
    const readings = await running([climate]);
    const before = Date.now();
    await publish('lab/climate-a/senml', [{ n: 'co2', u: 'ppm', v: 700, t: -30 }]);
    await until(() => readings.length === 1);
    const ts = Date.parse(readings[0]!.ts);
    expect(ts).toBeGreaterThanOrEqual(before - 31_000);
    expect(ts).toBeLessThanOrEqual(Date.now() - 29_000);
  });

  it('counts and names every malformed payload, and keeps going', async () => {
    const readings = await running([counter, climate]);
    await publish(counterTopic, 'not json');
    await publish(counterTopic, { interval_end: '2026-11-23T08:01:00Z', counts: { in: '42', out: 3 }, occupancy: 1 });
    await publish(counterTopic, { interval_end: '23/11/2026 08:01', counts: { in: 1, out: 3 }, occupancy: 1 });
    await publish('lab/climate-a/senml', { n: 'co2', v: 1 });
    await publish('lab/climate-a/senml', [{ n: 'co2', v: 1, crit_: true }]);
    await publish('lab/climate-a/senml', [{ n: 'co2', u: 'mol', v: 1 }]);
    await publish('lab/climate-a/senml', [{ n: 'temperature', u: 'ppm', v: 1 }]);
    await publish('lab/Bad Device/senml', [{ n: 'co2', u: 'ppm', v: 500 }]);
    await publish('lab/climate-z/senml', [{ n: 'co2', u: 'ppm', v: 500 }]);
    await publish(counterTopic, intervals[1]!);
    await until(() => readings.length === 3);
    const stats = source!.stats();
    expect(stats.errors).toEqual({ bad_json: 1, bad_value: 1, bad_timestamp: 1, bad_senml: 2, bad_unit: 2, unknown_device: 2 });
    expect(stats.state).toBe('running');
    expect(readings.map((r) => r.value)).toEqual([38, 25, 324]);
  });

  it('names the reason of a rejected message in last_error', async () => {
    await running([counter]);
    await publish(counterTopic, { interval_end: '2026-11-23T08:01:00Z', counts: { in: true, out: 3 }, occupancy: 1 });
    await until(() => source!.stats().errors.bad_value === 1);
    expect(source!.stats().last_error).toContain('counts.in (field in) holds a boolean, not a number');
  });

  it('gets the messages published while it was stopped (persistent session), none twice', async () => {
    const first = await running([counter], 'test-persistent');
    await publish(counterTopic, intervals[0]!);
    await until(() => first.length === 3);
    await source!.stop();
    await publish(counterTopic, intervals[1]!);
    await publish(counterTopic, intervals[2]!);
    const second = await running([counter], 'test-persistent');
    await until(() => second.length === 6);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second.map((r) => r.value)).toEqual([38, 25, 324, 51, 12, 363]);
  });

  it('reports the broker unavailable while it is down and resubscribes when it is back', async () => {
    const readings = await running([counter]);
    await broker.stop();
    await until(() => source!.stats().state === 'unavailable');
    expect(source!.stats().errors.broker).toBeGreaterThan(0);
    await broker.start();
    await until(() => source!.stats().state === 'running');
    await until(() => sensor.connected);
    await publish(counterTopic, intervals[2]!);
    await until(() => readings.length === 3);
    expect(readings.map((r) => r.value)).toEqual([51, 12, 363]);
  });
});

describe('mqtt source config', () => {
  it('refuses a subscription that names no device, or a {device} topic without its device list', () => {
    expect(mqttSourceKind.configSchema.safeParse(config([{ topic: 'a/b', profile: 'generic-line-counter-json' }])).success).toBe(false);
    expect(mqttSourceKind.configSchema.safeParse(config([{ topic: 'a/{device}', profile: 'generic-senml-climate' }])).success).toBe(false);
    expect(mqttSourceKind.configSchema.safeParse(config([{ topic: 'a/{device}x', profile: 'generic-senml-climate', devices: ['a'] }])).success).toBe(false);
  });

  it('documents sample.conf in its README; the agent config loader accepts it and checks the profiles', () => {
    const folder = new URL('../src/sources/mqtt/', import.meta.url);
    const sample = readFileSync(new URL('sample.conf', folder), 'utf8');
    expect(readFileSync(new URL('README.md', folder), 'utf8')).toContain(sample);
    const head = 'gateway: { id: gw-monnaie }\ncloud: { mqtt_url: "mqtt://127.0.0.1:1883", password: x }\nstate_dir: ./state\nsources:\n';
    const indent = (text: string) => text.replace(/^/gm, '  ');
    const loaded = parseConfigText(`${head}${indent(sample)}`, '/etc/zenne/agent.yaml');
    expect(loaded.config.sources.map((s) => s.kind)).toEqual(['mqtt']);
    expect(loaded.warnings).toEqual([]);
    const wrong = sample.replace('profile: generic-senml-climate', 'profile: nova-sds011');
    expect(() => parseConfigText(`${head}${indent(wrong)}`, '/etc/zenne/agent.yaml')).toThrow(/sources\[0\]\.subscriptions\[1\]\.profile: profile nova-sds011 cannot be used here: it describes a serial device, not a mqtt one/);
  });
});
