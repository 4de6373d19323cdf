/**
 * Acceptance (issue 3): a one-hour cloud outage of 24 sensors is backfilled
 * into the REAL cloud exactly once, in order, marked historical and no faster
 * than the configured rate; readings made after the reconnect follow it unmarked.
 *
 * The path is the production one: frame bytes on socat ptys → the agent's
 * serial sources and firmware bridges → normaliser → durable buffer → MQTT
 * uplink → the `zenne-cloud run` process (its broker, ingest and DuckDB
 * store). The agent runs in-process only so that its frame clock can be the
 * sensors' sample clock: a bridge parser asks its clock once per decoded frame
 * (firmware-bridges sds011/pms5003 parser.ts), so the k-th frame of a sensor
 * is stamped t0 + k × sample period, and the hour goes through as fast as the
 * source path allows. An MQTT tap between agent and cloud records what the
 * cloud receives and when. Counts, seqs and values come from the cloud's HTTP API.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerialPortStream } from '@serialport/stream';
import { pino } from 'pino';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { getProfile, topics, uplinkBatchSchema, type Reading, type UplinkBatch } from '@zenne/device-profiles';
import { createAgent, createSource, loadConfig, type Agent } from '@zenne/edge-agent';
import { bridges } from '@zenne/firmware-bridges';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { closeSerialLink, createReplaySource, getVirtualDeviceKind, loadSensorCommunitySeries, openSerialLink } from '@zenne/simulations';
import { waitFor } from '../support/agent-process.ts';
import { startCloudProcess, type CloudProcess } from '../support/cloud-process.ts';
import { writeAgentConfig, writeSeed, type FixtureDevice } from '../support/fleet-fixture.ts';
import { freePort } from '../support/mosquitto.ts';
import { startMqttTap, type MqttTap } from '../support/mqtt-tap.ts';

const HOUR_MS = 3_600_000;
const GATEWAY = 'gw-outage';
const SECRET = 'outage-secret';
const BACKFILL_PER_S = 5000;
const BATCH_MAX = 500;

interface Sensor extends FixtureDevice {
  periodMs: number;
  /** Wire-resolution fields of the frames sampled during the outage hour, in order. */
  hour: Array<Record<string, number>>;
  /** The next sample, sent once the cloud is back. */
  live: Record<string, number>;
  /** The quantities its profile makes of a frame, with the frame field each one comes from. */
  channels: Array<{ quantity: string; field: string }>;
  pair?: PtyPair;
  link?: SerialPortStream;
}

/**
 * 12 SDS011 and 12 PMS5003, each replaying the real Sensor.Community series
 * (simulations/data/sensor-community-5331) with its own phase, as the demo's
 * virtual devices do, sampled at its profile's `sample_period_s`.
 */
function sensors(t0: number): Sensor[] {
  const { series } = loadSensorCommunitySeries();
  return Array.from({ length: 24 }, (_, i) => {
    const bridge = i % 2 === 0 ? 'sds011' : 'pms5003';
    const kind = getVirtualDeviceKind(bridge);
    const profile = getProfile(kind.profile);
    // Rounded: 2.3 s (PMS5003) × 1000 is 2299.999… in binary floating point.
    const periodMs = Math.round(profile.sample_period_s * 1000);
    const replay = createReplaySource(series, { days: i % 14, minutes: (i * 7) % 60 });
    const frames = Array.from({ length: Math.ceil(HOUR_MS / periodMs) + 1 }, (_, k) => kind.fieldsAt(replay, sampleAt(t0, periodMs, k)));
    return {
      id: `aq-outage-${String(i + 1).padStart(2, '0')}`,
      bridge,
      profile: kind.profile as FixtureDevice['profile'],
      periodMs,
      hour: frames.slice(0, -1),
      live: frames.at(-1)!,
      channels: profile.channels.map((c) => ({ quantity: c.quantity, field: c.field })),
    };
  });
}

function sampleAt(t0: number, periodMs: number, k: number): number {
  return t0 + k * periodMs;
}

/** The fixture's agent config, with the uplink settings this test is about. */
function writeAgentFile(dir: string, mqttUrl: string, devices: Sensor[]): string {
  const file = writeAgentConfig(dir, { gateway: GATEWAY, secret: SECRET, mqttUrl, devices });
  const raw = parse(readFileSync(file, 'utf8')) as { uplink: Record<string, number> };
  raw.uplink = { ...raw.uplink, batch_max_readings: BATCH_MAX, reconnect_max_ms: 500, backfill_max_readings_per_s: BACKFILL_PER_S };
  writeFileSync(file, stringify(raw));
  return file;
}

/** Writes frames to the sensor's end of its pty; resolves once they are handed to the port. */
function sendFrames(d: Sensor, frames: Array<Record<string, number>>): Promise<void> {
  const bytes = Buffer.concat(frames.map((f) => bridges[d.bridge].encodeFrame(f)));
  return new Promise((resolve, reject) => d.link!.write(bytes, (err) => (err ? reject(err) : resolve())));
}

async function getJson<T>(cloud: CloudProcess, path: string, query: Record<string, string> = {}): Promise<T> {
  const url = new URL(path, cloud.httpUrl);
  url.search = new URLSearchParams(query).toString();
  const res = await fetch(url);
  expect(res.status, `GET ${url}`).toBe(200);
  return (await res.json()) as T;
}

type ArrivedBatch = UplinkBatch & { at: number };

/** The gateway's reading batches the cloud received from `from` on, first sends only (a resend repeats a batch id). */
function firstSends(tap: MqttTap, from: number): ArrivedBatch[] {
  const seen = new Set<string>();
  return tap.publishes
    .slice(from)
    .filter((p) => p.topic === topics.readings(GATEWAY))
    .map((p) => ({ at: p.at, ...uplinkBatchSchema.parse(JSON.parse(p.payload.toString('utf8'))) }))
    .filter((b) => {
      const first = !seen.has(b.batch);
      seen.add(b.batch);
      return first;
    });
}

const readingCount = (batches: UplinkBatch[]) => batches.reduce((sum, b) => sum + b.readings.length, 0);

/** The gateway's entry of `GET /api/v1/stats` (ingest.per_gateway). */
interface GatewayIngest {
  readings_stored: number;
  readings_duplicate: number;
  rejections: Record<string, number>;
}

/**
 * Asks the cloud for each device's readings and checks them per quantity
 * against the frames sent: each one once, at its sample instant, with its value.
 */
async function expectStoredOnceAtSampleTimes(cloud: CloudProcess, devices: Sensor[], t0: number): Promise<void> {
  const storedByDevice = await Promise.all(
    devices.map(async (d) => {
      const query = {
        device: d.id,
        from: new Date(t0).toISOString(),
        to: new Date(sampleAt(t0, d.periodMs, d.hour.length + 1)).toISOString(),
        limit: '10000',
      };
      return (await getJson<{ readings: Reading[] }>(cloud, '/api/v1/readings', query)).readings;
    }),
  );
  devices.forEach((d, i) => {
    const stored = storedByDevice[i]!;
    const frames = [...d.hour, d.live];
    for (const { quantity, field } of d.channels) {
      const readings = stored.filter((r) => r.quantity === quantity);
      // One line per reading: a failure shows the first lines that differ.
      expect(readings.map((r) => `${r.ts} ${r.value}`).join('\n'), `${d.id} ${quantity}`).toBe(
        frames.map((f, k) => `${new Date(sampleAt(t0, d.periodMs, k)).toISOString()} ${f[field]}`).join('\n'),
      );
      // Oldest first by sample time is also seq order: the agent numbered them as they were sampled.
      expect(readings.every((r, k) => k === 0 || r.seq > readings[k - 1]!.seq), `${d.id} ${quantity} seq order`).toBe(true);
    }
    expect(stored).toHaveLength(frames.length * d.channels.length);
    expect(new Set(stored.map((r) => r.seq)).size, `${d.id}: no duplicate (device, seq)`).toBe(stored.length);
  });
}

/** Readings whose seq is not above the previous one of their device, in the order the batches arrived. */
function outOfOrder(batches: UplinkBatch[]): string[] {
  const lastSeq = new Map<string, number>();
  return batches
    .flatMap((b) => b.readings as Reading[])
    .filter((r) => {
      const behind = r.seq <= (lastSeq.get(r.device) ?? -Infinity);
      lastSeq.set(r.device, r.seq);
      return behind;
    })
    .map((r) => `${r.device} seq ${r.seq}`);
}

describe('one-hour outage replayed into the real cloud', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zenne-e2e-outage-'));
  const cloudDir = join(dir, 'cloud');
  // The last whole hour before the test: real, recent timestamps.
  const t0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
  const devices = sensors(t0);
  const hourReadings = devices.reduce((sum, d) => sum + d.hour.length * d.channels.length, 0);
  const liveReadings = devices.reduce((sum, d) => sum + d.channels.length, 0);
  const maxListeners = process.getMaxListeners();
  let cloud: CloudProcess | undefined;
  let tap: MqttTap | undefined;
  let agent: Agent | undefined;

  afterAll(async () => {
    await agent?.stop();
    await Promise.all(devices.map(async (d) => d.link && closeSerialLink(d.link)));
    await Promise.all(devices.map(async (d) => d.pair?.close()));
    await tap?.close();
    await cloud?.stop();
    process.setMaxListeners(maxListeners);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every reading once, in order, from historical batches, no faster than the backfill rate', { timeout: 120_000 }, async () => {
    const agentLog = join(dir, 'agent.log');
    onTestFailed(() => {
      console.error(`agent log (tail):\n${readFileSync(agentLog, 'utf8').split('\n').slice(-30).join('\n')}`);
      console.error(`cloud log (tail):\n${cloud?.logs.slice(-30).map((r) => JSON.stringify(r)).join('\n')}`);
    });
    const mqttPort = await freePort();
    cloud = await startCloudProcess({ dataDir: cloudDir, seed: writeSeed(dir, GATEWAY, SECRET, devices), mqttPort });
    tap = await startMqttTap({ host: '127.0.0.1', port: mqttPort });
    // Every socat pair hooks process exit to kill socat if the test dies.
    process.setMaxListeners(maxListeners + devices.length);
    await Promise.all(
      devices.map(async (d) => {
        d.pair = await openPtyPair();
        d.port = d.pair.b;
        d.link = await openSerialLink(d.pair.a, 9600);
      }),
    );

    // Each source's parser gets its sensor's sample clock.
    const clocks = new Map(
      devices.map((d) => {
        let k = 0;
        return [`src-${d.id}`, () => new Date(sampleAt(t0, d.periodMs, k++))];
      }),
    );
    const { config } = loadConfig(writeAgentFile(dir, tap.url, devices));
    const logger = pino({ level: 'info' }, pino.destination({ dest: agentLog, sync: true }));
    agent = createAgent(config, { logger, createSource: (source, context) => createSource(source, { ...context, now: clocks.get(source.id)! }) });
    await agent.start();
    const running = agent;
    const uplinkState = async () => (await running.status()).uplink.state;
    await waitFor('agent connected to the cloud', async () => (await uplinkState()) === 'connected');

    // The outage: the cloud process stops; the whole hour is buffered.
    await cloud.stop();
    await waitFor('agent offline', async () => (await uplinkState()) !== 'connected');
    const generationStart = performance.now();
    await Promise.all(devices.map((d) => sendFrames(d, d.hour)));
    await waitFor('the hour buffered', async () => (await running.status()).buffer.depth === hourReadings, 60_000);
    const generationS = (performance.now() - generationStart) / 1000;
    const buffered = await running.status();
    for (const d of devices) {
      expect(buffered.sources.find((s) => s.device === d.id)?.readings, d.id).toBe(d.hour.length * d.channels.length);
    }
    expect(buffered.uplink.state).not.toBe('connected');

    // The cloud comes back on the same port with the same data dir; once the agent is connected each sensor sends its next sample.
    const publishedBefore = tap.publishes.length;
    const restartAt = performance.now();
    cloud = await startCloudProcess({ dataDir: cloudDir, mqttPort });
    await waitFor('agent reconnected', async () => (await uplinkState()) === 'connected');
    await Promise.all(devices.map((d) => sendFrames(d, [d.live])));
    await waitFor('everything acknowledged', async () => {
      const s = await running.status();
      return s.uplink.counters.readings_stored === hourReadings + liveReadings && s.buffer.depth === 0;
    }, 90_000);

    await expectStoredOnceAtSampleTimes(cloud, devices, t0);
    const { ingest } = await getJson<{ ingest: { per_gateway: Record<string, GatewayIngest> } }>(cloud, '/api/v1/stats');
    expect(ingest.per_gateway[GATEWAY]).toMatchObject({ readings_stored: hourReadings + liveReadings, readings_duplicate: 0 });
    expect(Object.values(ingest.per_gateway[GATEWAY]!.rejections).every((n) => n === 0)).toBe(true);

    // On the wire into the cloud: the hour in batches marked historical, then the live samples unmarked; each device's seqs in order.
    const batches = firstSends(tap, publishedBefore);
    const historical = batches.filter((b) => b.historical === true);
    const live = batches.filter((b) => b.historical !== true);
    expect(readingCount(historical)).toBe(hourReadings);
    expect(readingCount(live)).toBe(liveReadings);
    expect(batches.indexOf(live[0]!)).toBe(historical.length);
    expect(outOfOrder(batches), 'readings delivered out of order').toEqual([]);

    // Rate: the bucket holds one batch, so after the first batch at most rate × elapsed may arrive (+ one batch of jitter).
    const first = historical[0]!;
    const last = historical.at(-1)!;
    const drainS = (last.at - first.at) / 1000;
    const afterFirst = hourReadings - first.readings.length;
    console.info(
      `outage replay: ${devices.length} sensors, ${hourReadings} readings (${devices.reduce((s, d) => s + d.hour.length, 0)} frames) ` +
        `buffered in ${generationS.toFixed(1)} s; ${historical.length} historical batches drained in ${drainS.toFixed(1)} s ` +
        `(${((last.at - restartAt) / 1000).toFixed(1)} s from the cloud restart), ${(afterFirst / drainS).toFixed(0)} readings/s measured, ` +
        `${BACKFILL_PER_S}/s configured; ${live.length} live batches after it; ${tap.publishes.length - publishedBefore} publishes in all`,
    );
    expect(afterFirst).toBeLessThanOrEqual(BACKFILL_PER_S * drainS + BATCH_MAX);
  });
});
