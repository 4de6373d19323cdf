/**
 * Backfill after an outage, against Debian's mosquitto with the test ingest
 * (helpers/ingest-harness.ts) acknowledging: the backlog goes first, in order,
 * in batches marked historical, at `backfill_max_readings_per_s`; readings
 * appended after the reconnect follow unmarked. The rate is measured over the
 * drain (acceptance "backfill rate-limited as configured"), with a generous
 * tolerance.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { topics, uplinkBatchSchema, type Reading, type ReadingDraft } from '@zenne/device-profiles';
import { DurableBuffer } from '../src/buffer/index.ts';
import { silentLogger } from '../src/logger.ts';
import { MqttUplink } from '../src/uplink/index.ts';
import type { UplinkConfig } from '../src/config/index.ts';
import { until } from './helpers/agent-process.ts';
import { startIngestHarness, type IngestHarness } from './helpers/ingest-harness.ts';
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto.ts';

/** Real SDS011 data (Sensor.Community node 5331, Aberdeen, 2019-05-10; ~145 s cadence), see its NOTICE. */
const SDS011_DAY = new URL('../../simulations/data/sensor-community-5331/2019-05-10_sds011_sensor_5331.csv', import.meta.url);

interface ArrivedBatch {
  at: number;
  id: string;
  historical: boolean;
  readings: number;
}

/** Records when each batch reaches the broker's subscribers (a persistent session: nothing missed across broker restarts). */
async function observeBatches(url: string, gateway: string): Promise<{ batches: ArrivedBatch[]; client: MqttClient }> {
  const client = await mqtt.connectAsync(url, { clientId: `zenne-test-observer-${gateway}`, clean: false, reconnectPeriod: 100 });
  const batches: ArrivedBatch[] = [];
  client.on('message', (_topic, payload) => {
    const batch = uplinkBatchSchema.parse(JSON.parse(payload.toString('utf8')));
    batches.push({ at: performance.now(), id: batch.batch, historical: batch.historical === true, readings: batch.readings.length });
  });
  await client.subscribeAsync(topics.readings(gateway), { qos: 1 });
  return { batches, client };
}

/**
 * Readings per second over the drain of the historical batches: the first
 * batch goes at once (the token bucket starts full), so the rate is the
 * readings after it over the time from its arrival to the last one's.
 */
function drainRate(batches: ArrivedBatch[]): number {
  const historical = batches.filter((b) => b.historical);
  const first = historical[0]!;
  const last = historical.at(-1)!;
  const readings = historical.slice(1).reduce((sum, b) => sum + b.readings, 0);
  return readings / ((last.at - first.at) / 1000);
}

function uplinkConfig(settings: Pick<UplinkConfig, 'batch_max_readings' | 'backfill_max_readings_per_s'>): UplinkConfig {
  return { batch_max_wait_ms: 50, max_in_flight: 4, reconnect_max_ms: 500, ack_timeout_ms: 30_000, status_interval_ms: 10_000, ...settings };
}

// Map(device -> its readings, in the order given)
function byDevice(readings: Reading[]): Map<string, Reading[]> {
  const out = new Map<string, Reading[]>();
  for (const reading of readings) {
    const list = out.get(reading.device) ?? [];
    list.push(reading);
    out.set(reading.device, list);
  }
  return out;
}

function expectInOrderPerDevice(readings: Reading[]): void {
  const last = new Map<string, Reading>();
  for (const reading of readings) {
    const previous = last.get(reading.device);
    if (previous) {
      expect(reading.seq).toBe(previous.seq + 1);
      expect(reading.ts >= previous.ts).toBe(true);
    }
    last.set(reading.device, reading);
  }
}

describe('backfill', () => {
  let broker: Mosquitto;
  let dir: string;
  let buffer: DurableBuffer;
  let uplink: MqttUplink | undefined;
  let harness: IngestHarness | undefined;
  let observer: MqttClient | undefined;

  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-backfill-'));
  });
  afterEach(async () => {
    await uplink?.stop();
    uplink = undefined;
    await harness?.close();
    harness = undefined;
    await observer?.endAsync();
    observer = undefined;
    await buffer.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('drains a backlog in order at the configured rate, then live readings unmarked, with no duplicate', async () => {
    const gateway = 'gw-backfill-rate';
    // PM2.5 (µg/m³) of Sensor.Community node 5331, 2019-05-10 from 00:02:37.
    const values = [1.57, 1.33, 1.6, 1.4];
    const devices = ['aq-rate-01', 'aq-rate-02', 'aq-rate-03'];
    const draft = (device: string, i: number): ReadingDraft => ({
      device,
      quantity: 'pm2_5',
      value: values[i % values.length]!,
      unit: 'ug/m3',
      ts: new Date(Date.UTC(2019, 4, 10, 0, 2, 37) + i * 145_000).toISOString(),
      quality: 'good',
    });
    buffer = await DurableBuffer.open(dir);
    const backlog = 1500;
    await buffer.append(Array.from({ length: backlog }, (_, i) => draft(devices[i % devices.length]!, Math.floor(i / devices.length))));

    harness = await startIngestHarness(broker.url, gateway);
    const observed = await observeBatches(broker.url, gateway);
    observer = observed.client;
    const rate = 300;
    uplink = new MqttUplink({
      gateway,
      cloud: { mqtt_url: broker.url, username: gateway, password: 'test' },
      uplink: uplinkConfig({ batch_max_readings: 100, backfill_max_readings_per_s: rate }),
      buffer,
      logger: silentLogger(),
    });
    uplink.start();
    const link = uplink;
    await until(() => link.stats().state === 'connected');
    const live = devices.map((device) => draft(device, backlog));
    await buffer.append(live);

    const ingest = harness;
    await until(() => ingest.readings.length === backlog + live.length);
    await until(() => buffer.depth() === 0);
    expectInOrderPerDevice(ingest.readings);
    // Backlog first: the live readings come after every historical one, in batches not marked historical.
    expect(ingest.readings.slice(backlog).map((r) => r.ts)).toEqual(live.map((d) => d.ts));
    expect(observed.batches.filter((b) => b.historical).reduce((sum, b) => sum + b.readings, 0)).toBe(backlog);
    expect(observed.batches.filter((b) => !b.historical).reduce((sum, b) => sum + b.readings, 0)).toBe(live.length);
    expect(observed.batches.filter((b) => b.historical).every((b) => b.readings <= 100)).toBe(true);
    expect(link.stats().counters).toMatchObject({ readings_duplicate: 0, readings_backfilled: backlog, readings_stored: backlog + 3 });

    const measured = drainRate(observed.batches);
    console.info(`backfill of ${backlog} readings at ${rate}/s configured: ${measured.toFixed(1)}/s measured`);
    expect(measured).toBeLessThanOrEqual(rate * 1.1);
    expect(measured).toBeGreaterThanOrEqual(rate * 0.5);
  });

  it('replays a one-hour outage of 24 SDS011 at their real cadence; every reading arrives once, in order, at the backfill rate', async () => {
    const gateway = 'gw-backfill-hour';
    // 24 sensors: sensor h replays hour h of the recorded day, shifted into one outage hour.
    const rows = (await readFile(SDS011_DAY, 'utf8'))
      .split('\n')
      .slice(1)
      .map((line) => line.split(';'))
      .filter((cells) => cells.length >= 10 && cells[6] !== '' && cells[9] !== '')
      .map((cells) => ({ at: Date.parse(`${cells[5]}Z`), pm10: Number(cells[6]), pm2_5: Number(cells[9]) }));
    const day = Date.UTC(2019, 4, 10);
    const outageStart = Date.UTC(2026, 10, 23, 8, 0, 0);
    const events = rows
      .map((row) => {
        const hour = Math.floor((row.at - day) / 3_600_000);
        return { ...row, device: `aq-hour-${String(hour).padStart(2, '0')}`, at: outageStart + ((row.at - day) % 3_600_000) };
      })
      .sort((a, b) => a.at - b.at);
    expect(new Set(events.map((e) => e.device)).size).toBe(24);

    // The controllable clock: it jumps to each sample's time as the hour is replayed.
    let clock = outageStart;
    buffer = await DurableBuffer.open(dir, { now: () => clock });
    await broker.stop();
    const rate = 200;
    uplink = new MqttUplink({
      gateway,
      cloud: { mqtt_url: broker.url, username: gateway, password: 'test' },
      uplink: uplinkConfig({ batch_max_readings: 50, backfill_max_readings_per_s: rate }),
      buffer,
      logger: silentLogger(),
    });
    uplink.start();
    const appends: Array<Promise<Reading[]>> = [];
    for (const event of events) {
      clock = event.at;
      const ts = new Date(clock).toISOString();
      appends.push(
        buffer.append([
          { device: event.device, quantity: 'pm10', value: event.pm10, unit: 'ug/m3', ts, quality: 'good' },
          { device: event.device, quantity: 'pm2_5', value: event.pm2_5, unit: 'ug/m3', ts, quality: 'good' },
        ]),
      );
    }
    const written = (await Promise.all(appends)).flat();
    expect(written).toHaveLength(events.length * 2);
    expect(uplink.stats().state).not.toBe('connected');

    await broker.start();
    harness = await startIngestHarness(broker.url, gateway);
    const observed = await observeBatches(broker.url, gateway);
    observer = observed.client;
    const ingest = harness;
    const link = uplink;
    await until(() => ingest.readings.length === written.length);
    await until(() => buffer.depth() === 0);

    // Exactly once: nothing missing, and no reading delivered twice (not even one the ingest would drop).
    expect(observed.batches.reduce((sum, b) => sum + b.readings, 0)).toBe(written.length);
    expect(link.stats().counters.readings_duplicate).toBe(0);
    expect(observed.batches.every((b) => b.historical)).toBe(true);
    // In order per device, the same values and times as replayed.
    expectInOrderPerDevice(ingest.readings);
    const arrived = byDevice(ingest.readings);
    for (const [device, expected] of byDevice(written)) {
      expect(arrived.get(device)!.map((r) => [r.seq, r.quantity, r.value, r.ts])).toEqual(expected.map((r) => [r.seq, r.quantity, r.value, r.ts]));
    }

    const measured = drainRate(observed.batches);
    console.info(`one-hour outage: ${written.length} readings of 24 devices backfilled at ${measured.toFixed(1)}/s (${rate}/s configured)`);
    expect(measured).toBeLessThanOrEqual(rate * 1.1);
    expect(measured).toBeGreaterThanOrEqual(rate * 0.5);
  });
});
