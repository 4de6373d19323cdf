/**
 * The agent end to end on its side of the wire: real ptys (socat) carrying
 * captured sensor bytes, the real `zenne-agent` process, Debian's real
 * mosquitto broker. The test harness plays the cloud's ingest role
 * (helpers/ingest-harness.ts: validates batches, dedupes, acknowledges); the
 * real cloud is exercised by the root end-to-end tests.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNormaliser, gatewayStatusSchema, getProfile, topics, type Reading } from '@zenne/device-profiles';
import { getBridge } from '@zenne/firmware-bridges';
import { loadCases, type BridgeCase } from '@zenne/firmware-bridges/testing/cases';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { statusCommand } from '../src/cli/commands/status.ts';
import { startAgentProcess, until, waitForStatus, type AgentProcess } from './helpers/agent-process.ts';
import { invokeCommand } from './helpers/invoke-command.ts';
import { startIngestHarness, type IngestHarness } from './helpers/ingest-harness.ts';
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto.ts';

// Real UART captures from the bridges' test cases (PyPMS fixtures, MIT): 10 frames each.
const bridgesSrc = dirname(createRequire(import.meta.url).resolve('@zenne/firmware-bridges'));
function capture(family: string, name: string): BridgeCase {
  return loadCases(join(bridgesSrc, family, 'test/cases')).find((c) => c.name === name)!;
}

const SENSORS = [
  { source: 'sds011-01', device: 'aq-it-01', bridge: 'sds011', profile: 'nova-sds011', capture: capture('sds011', 'capture-sds01x') },
  { source: 'pms5003-01', device: 'aq-it-02', bridge: 'pms5003', profile: 'plantower-pms5003', capture: capture('pms5003', 'capture-pmsx003') },
] as const;
type Sensor = (typeof SENSORS)[number];

/** The wire bytes of frames [from, to) of a sensor's capture. */
function frames(sensor: Sensor, from: number, to: number): Buffer {
  const bridge = getBridge(sensor.bridge);
  return Buffer.concat(sensor.capture.expected.frames.slice(from, to).map((f) => bridge.encodeFrame(f.fields)));
}

/** (quantity, value) of the readings frames [0, to) must give, in order. */
function expectedValues(sensor: Sensor, to: number): Array<[string, number]> {
  const normaliser = createNormaliser(getProfile(sensor.profile), { device: sensor.device });
  return sensor.capture.expected.frames
    .slice(0, to)
    .flatMap((f) => normaliser.normalise({ fields: f.fields, ts: new Date() }).readings.map((r): [string, number] => [r.quantity, r.value]));
}

function ofDevice(readings: Reading[], device: string): Reading[] {
  return readings.filter((r) => r.device === device);
}

/** Per device: values in the order written, seqs consecutive (one per reading, from the first). */
function expectDelivered(readings: Reading[], sensor: Sensor, framesWritten: number, notBeforeMs: number): void {
  const mine = ofDevice(readings, sensor.device);
  expect(mine.map((r): [string, number] => [r.quantity, r.value])).toEqual(expectedValues(sensor, framesWritten));
  const first = mine[0]!.seq;
  expect(first).toBeGreaterThanOrEqual(notBeforeMs * 1000);
  expect(mine.map((r) => r.seq)).toEqual(mine.map((_, i) => first + i));
}

describe('zenne-agent with mosquitto and ptys', () => {
  let broker: Mosquitto;
  const cleanup: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.close();
  });
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  /** A state dir, two pty pairs, an agent config for them and the ingest harness for `gateway`. */
  async function setup(gateway: string) {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-agent-it-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const ptys: PtyPair[] = [];
    for (const _ of SENSORS) {
      const pair = await openPtyPair();
      ptys.push(pair);
      cleanup.push(() => pair.close());
    }
    const config = join(dir, 'agent.yaml');
    await writeFile(
      config,
      [
        `gateway: { id: ${gateway} }`,
        `cloud: { mqtt_url: "${broker.url}", password: "it-secret" }`,
        'state_dir: ./state',
        'uplink: { batch_max_readings: 8, batch_max_wait_ms: 200, max_in_flight: 2, reconnect_max_ms: 1000 }',
        'sources:',
        ...SENSORS.map(
          (s, i) =>
            `  - { id: ${s.source}, kind: serial, port: ${ptys[i]!.a}, baud_rate: 9600, bridge: ${s.bridge}, profile: ${s.profile}, device: ${s.device} }`,
        ),
      ].join('\n') + '\n',
    );
    const harness = await startIngestHarness(broker.url, gateway);
    cleanup.push(() => harness.close());
    const stateDir = join(dir, 'state');
    const write = (sensorIndex: number, from: number, to: number) => writeFile(ptys[sensorIndex]!.b, frames(SENSORS[sensorIndex]!, from, to));
    return { config, stateDir, harness, write };
  }

  function run(config: string): AgentProcess {
    const agent = startAgentProcess(['run', '--config', config]);
    cleanup.push(async () => {
      if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
      await agent.exited;
    });
    return agent;
  }

  const ready = (pid: number | undefined) => (s: Parameters<Parameters<typeof waitForStatus>[1]>[0]) =>
    s.pid === pid && s.uplink.state === 'connected' && s.sources.every((src) => src.state === 'running');

  async function retainedStatus(gateway: string) {
    const client = await mqtt.connectAsync(broker.url, { clientId: `zenne-test-status-${gateway}` });
    try {
      const message = new Promise<Buffer>((resolve) => client.once('message', (_t, payload) => resolve(payload)));
      await client.subscribeAsync(topics.status(gateway), { qos: 1 });
      return gatewayStatusSchema.parse(JSON.parse((await message).toString('utf8')));
    } finally {
      await client.endAsync();
    }
  }

  it('delivers pty readings with their values and seqs, reports status, and says offline when stopped', async () => {
    const startedAt = Date.now();
    const { config, stateDir, harness, write } = await setup('gw-it-live');
    const agent = run(config);
    await waitForStatus(stateDir, ready(agent.child.pid));
    await write(0, 0, 10);
    await write(1, 0, 10);
    const total = expectedValues(SENSORS[0], 10).length + expectedValues(SENSORS[1], 10).length;
    await until(() => harness.readings.length >= total);
    for (const sensor of SENSORS) expectDelivered(harness.readings, sensor, 10, startedAt);
    expect(harness.invalid).toEqual([]);

    const status = await waitForStatus(stateDir, (s) => s.buffer.depth === 0 && s.uplink.counters.readings_stored === total);
    expect(status.sources.map((s) => [s.id, s.device, s.frames, s.readings_per_minute])).toEqual(
      SENSORS.map((s) => [s.source, s.device, 10, expectedValues(s, 10).length]),
    );
    expect((await retainedStatus('gw-it-live')).state).toBe('online');

    const shown = await invokeCommand(statusCommand, ['--config', config]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('RUNNING');
    for (const sensor of SENSORS) expect(shown.out).toMatch(new RegExp(`${sensor.source} +${sensor.device} +running`));

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect((await retainedStatus('gw-it-live')).state).toBe('offline');
    const after = await invokeCommand(statusCommand, ['--config', config, '--json']);
    expect(after.code).toBe(3);
    expect(JSON.parse(after.out)).toMatchObject({ liveness: 'not_running', status: { state: 'stopped', buffer: { depth: 0 } } });
  });

  it('buffers while the broker is down, survives SIGKILL, and backfills every reading in order', async () => {
    const startedAt = Date.now();
    const { config, stateDir, harness, write } = await setup('gw-it-outage');
    const first = run(config);
    await waitForStatus(stateDir, ready(first.child.pid));
    await broker.stop();
    await waitForStatus(stateDir, (s) => s.uplink.state !== 'connected');
    await write(0, 0, 5);
    await write(1, 0, 5);
    const countA = expectedValues(SENSORS[0], 5).length + expectedValues(SENSORS[1], 5).length;
    await waitForStatus(stateDir, (s) => s.buffer.depth === countA);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = run(config);
    await waitForStatus(stateDir, (s) => s.pid === second.child.pid && s.sources.every((src) => src.state === 'running'));
    await write(0, 5, 10);
    await write(1, 5, 10);
    const total = expectedValues(SENSORS[0], 10).length + expectedValues(SENSORS[1], 10).length;
    const buffered = await waitForStatus(stateDir, (s) => s.pid === second.child.pid && s.buffer.depth === total);
    expect(buffered.uplink.state).not.toBe('connected');
    expect(harness.readings).toEqual([]);

    await broker.start();
    await waitForStatus(stateDir, (s) => s.pid === second.child.pid && s.buffer.depth === 0);
    await until(() => harness.readings.length >= total);
    for (const sensor of SENSORS) expectDelivered(harness.readings, sensor, 10, startedAt);
    expect(harness.readings).toHaveLength(total);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('sends unacknowledged batches again after a reconnect; the last will says offline after SIGKILL', async () => {
    const startedAt = Date.now();
    const { config, stateDir, harness, write } = await setup('gw-it-resend');
    harness.acking = false;
    const agent = run(config);
    await waitForStatus(stateDir, ready(agent.child.pid));
    await write(0, 0, 10);
    await until(() => harness.batches.length >= 2);
    const held = [...harness.batches];

    await broker.stop();
    await broker.start();
    await until(() => held.some((id) => harness.batches.filter((b) => b === id).length >= 2));
    harness.acking = true;
    harness.ackPending();
    const written = expectedValues(SENSORS[0], 10).length;
    const status = await waitForStatus(stateDir, (s) => s.buffer.appended === written && s.buffer.depth === 0);
    expect(status.uplink.counters.batches_resent).toBeGreaterThan(0);
    expectDelivered(harness.readings, SENSORS[0], 10, startedAt);

    agent.child.kill('SIGKILL');
    await agent.exited;
    // The broker publishes the will when it sees the connection drop.
    while ((await retainedStatus('gw-it-resend')).state !== 'offline') await new Promise((resolve) => setTimeout(resolve, 100));
    const shown = await invokeCommand(statusCommand, ['--config', config]);
    expect(shown.code).toBe(3);
    expect(shown.out).toContain('is gone');
  });
});
