import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parse } from 'yaml';
import { StatusCodes } from 'node-opcua';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getProfile, readingDraftSchema, type ReadingDraft } from '@zenne/device-profiles';
import { parseConfigText } from '../src/config/index.ts';
import { silentLogger } from '../src/logger.ts';
import { opcuaSourceConfigSchema, opcuaSourceKind, type OpcuaSourceConfig } from '../src/sources/opcua/index.ts';
import { OpcuaSource } from '../src/sources/opcua/opcua-source.ts';
import { resolvePoints } from '../src/sources/opcua/points.ts';
import { sourceContract, type ExpectedReading } from '../src/sources/testing/source-contract.ts';
import { BMS_DEVICES, BMS_POINT_NAMES, BMS_POINTS, BmsServer, bmsSourceDevices, type BmsPointName } from './support/opcua-server.ts';

const PUBLISHING_INTERVAL_MS = 100;
// Changes are spaced by a few publishing cycles so each lands in its own notification, in feed order.
const FEED_SPACING_MS = 3 * PUBLISHING_INTERVAL_MS;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(20);
}

function configFor(bms: BmsServer, endpoint = bms.endpoint): OpcuaSourceConfig {
  return opcuaSourceConfigSchema.parse({
    id: 'bms-test',
    kind: 'opcua',
    endpoint,
    publishing_interval_ms: PUBLISHING_INTERVAL_MS,
    devices: bmsSourceDevices(bms).map((entry) => ({ ...entry, sampling_interval_ms: 50 })),
  });
}

let bms: BmsServer;
beforeAll(async () => {
  bms = await BmsServer.start();
});
afterAll(async () => {
  await bms?.close();
});

let source: OpcuaSource | undefined;
function create(endpoint?: string): OpcuaSource {
  source = new OpcuaSource(configFor(bms, endpoint), { logger: silentLogger() });
  return source;
}
async function teardown(): Promise<void> {
  await source?.stop();
  source = undefined;
  bms.clear();
}

// Values as the BMS reports them (°C, ppm, %, kW); each feed moves every point so the server reports a change.
let step = 0;
const fed: Record<BmsPointName, (k: number) => { raw: number; canonical: number }> = {
  room_temperature: (k) => ({ raw: 21 + k * 0.25, canonical: 21 + k * 0.25 }),
  room_co2: (k) => ({ raw: 600 + k * 10, canonical: 600 + k * 10 }),
  room_humidity: (k) => ({ raw: 45 + k * 0.5, canonical: 45 + k * 0.5 }),
  meter_power: (k) => ({ raw: 3.25 + k * 0.25, canonical: (3.25 + k * 0.25) * 1000 }),
};

sourceContract({
  name: 'opcua (node-opcua BMS server with the OPC UA for BACnet nodeset)',
  create: async () => create(),
  async feed() {
    step += 1;
    const expected: ExpectedReading[] = [];
    for (const name of BMS_POINT_NAMES) {
      const { raw, canonical } = fed[name](step);
      bms.set(name, raw);
      expected.push({ device: BMS_DEVICES[name], quantity: BMS_POINTS[name].quantity, value: canonical });
      await sleep(FEED_SPACING_MS);
    }
    return expected;
  },
  async feedNoise() {
    bms.setGarbage('room_co2');
    await sleep(FEED_SPACING_MS);
  },
  teardown,
});

describe('opcua source readings', () => {
  afterEach(teardown);

  async function running(): Promise<{ source: OpcuaSource; readings: ReadingDraft[] }> {
    const source = create();
    const readings: ReadingDraft[] = [];
    await source.init();
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => source.stats().state === 'running');
    return { source, readings };
  }

  it('converts to the canonical unit and keeps the server source timestamp', async () => {
    const { readings } = await running();
    const before = Date.now();
    bms.set('meter_power', 2.5);
    bms.set('room_temperature', 22.75);
    await until(() => readings.length >= 2);
    const byQuantity = Object.fromEntries(readings.map((r) => [r.quantity, readingDraftSchema.parse(r)]));
    expect(byQuantity.active_power).toMatchObject({ device: 'meter-101', value: 2500, unit: 'W', quality: 'good' });
    expect(byQuantity.temperature).toMatchObject({ device: 'room-101', value: 22.75, unit: 'Cel', quality: 'good' });
    expect(byQuantity.temperature!.reasons).toBeUndefined();
    expect(Date.parse(byQuantity.temperature!.ts)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('maps the StatusCode severity: Uncertain → suspect, Bad → bad, with a reason', async () => {
    const { source, readings } = await running();
    bms.set('room_humidity', 47.5, StatusCodes.UncertainSensorNotAccurate);
    bms.set('room_co2', 5200, StatusCodes.UncertainEngineeringUnitsExceeded);
    bms.set('room_temperature', 85, StatusCodes.BadSensorFailure);
    await until(() => readings.length >= 3);
    const byQuantity = Object.fromEntries(readings.map((r) => [r.quantity, r]));
    expect(byQuantity.humidity).toMatchObject({ value: 47.5, quality: 'suspect', reasons: ['sensor_fault'] });
    expect(byQuantity.co2).toMatchObject({ value: 5200, quality: 'suspect', reasons: ['out_of_plausible_range'] });
    // 85 °C is also outside the profile's plausible range: both verdicts are kept, the worse quality wins.
    expect(byQuantity.temperature).toMatchObject({ value: 85, quality: 'bad', reasons: ['sensor_fault', 'out_of_plausible_range'] });
    expect(source.stats().problems).toMatchObject({ UncertainSensorNotAccurate: 1, UncertainEngineeringUnitsExceeded: 1, BadSensorFailure: 1 });
  });

  it('counts a Bad value without a number (no reading) and a non-numeric value, and goes on', async () => {
    const { source, readings } = await running();
    // Every point starts as BadWaitingForInitialData: counted, no reading.
    await until(() => (source.stats().errors.bad_status ?? 0) >= BMS_POINT_NAMES.length);
    bms.setGarbage('room_humidity');
    await until(() => (source.stats().errors.not_numeric ?? 0) >= 1);
    bms.set('room_humidity', 50);
    await until(() => readings.length >= 1);
    expect(readings.map((r) => [r.quantity, r.value])).toEqual([['humidity', 50]]);
  });

  it('counts an item the server refuses and runs the others', async () => {
    const config = configFor(bms);
    const refused = { device: 'room-999', profile: 'generic-bms-room-climate', nodes: { temperature: 'ns=1;s=NoSuchPoint' } };
    source = new OpcuaSource({ ...config, devices: [refused, ...config.devices] }, { logger: silentLogger() });
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => source!.stats().state === 'running');
    expect(source.stats().errors.item_rejected).toBe(1);
    bms.set('meter_power', 1.5);
    await until(() => readings.length >= 1);
    expect(readings.map((r) => [r.device, r.value])).toEqual([['meter-101', 1500]]);
  });

  it('reports unavailable while no server answers, and stop() still resolves', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const source = create(`opc.tcp://127.0.0.1:${closedPort}`);
    await source.init();
    await source.start(async () => undefined);
    await until(() => source.stats().state === 'unavailable');
    expect(source.stats().errors.connection).toBeGreaterThan(0);
    await source.stop();
    expect(source.stats().state).toBe('stopped');
  });
});

describe('opcua source config', () => {
  const base = {
    id: 'bms',
    kind: 'opcua',
    endpoint: 'opc.tcp://bms.local:4840',
    devices: [{ device: 'room-1', profile: 'generic-bms-room-climate', nodes: { temperature: 'ns=2;s=AI1' } }],
  };

  it('documents sample.conf in the README, and the sample is valid', () => {
    const text = (name: string) => readFileSync(new URL(`../src/sources/opcua/${name}`, import.meta.url), 'utf8');
    const sample = text('sample.conf');
    expect(text('README.md')).toContain(sample);
    for (const entry of parse(sample) as unknown[]) {
      const config = opcuaSourceConfigSchema.parse(entry);
      const profiles = new Map(config.devices.map((d) => [d.device, getProfile(d.profile)]));
      expect(opcuaSourceKind.check(config, profiles)).toEqual({ errors: [], warnings: [] });
    }
  });

  it('loads through the agent config loader, which checks devices and profiles', () => {
    const head = 'gateway: { id: gw-gare }\ncloud: { mqtt_url: "mqtt://127.0.0.1:1883", password: "x" }\nstate_dir: ./state\nsources:\n';
    const sample = readFileSync(new URL('../src/sources/opcua/sample.conf', import.meta.url), 'utf8').replace(/^/gm, '  ');
    const { config } = parseConfigText(head + sample, '/etc/zenne/agent.yaml');
    expect(config.sources.map((s) => s.kind)).toEqual(['opcua']);
    const wrongField = sample.replace('temperature: "ns=2', 'pm2_5: "ns=2');
    expect(() => parseConfigText(head + wrongField, '/etc/zenne/agent.yaml')).toThrow(/devices\[0\]\.nodes\.pm2_5.*no channel with field pm2_5/);
  });

  it('defaults to security None and a 1 s publishing interval', () => {
    expect(opcuaSourceConfigSchema.parse(base)).toMatchObject({ security_mode: 'None', security_policy: 'None', publishing_interval_ms: 1000 });
  });

  it('refuses Sign without a policy, certificate, key and PKI folder', () => {
    const result = opcuaSourceConfigSchema.safeParse({ ...base, security_mode: 'Sign' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['certificate_file', 'pki_dir', 'private_key_file', 'security_policy']);
  });

  it('refuses a node id that is none', () => {
    const result = opcuaSourceConfigSchema.safeParse({ ...base, devices: [{ ...base.devices[0], nodes: { temperature: 'Room1' } }] });
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(['devices.0.nodes.temperature']);
  });

  it('checks fields and transport against the profile', () => {
    const config = opcuaSourceConfigSchema.parse({
      ...base,
      devices: [
        { device: 'room-1', profile: 'generic-bms-room-climate', nodes: { temperature: 'ns=2;s=AI1', pm2_5: 'ns=2;s=AI9' } },
        { device: 'aq-1', profile: 'nova-sds011', nodes: { pm2_5: 'ns=2;s=AI2' } },
      ],
    });
    const profiles = new Map(config.devices.map((d) => [d.device, getProfile(d.profile)]));
    const { errors, warnings } = opcuaSourceKind.check(config, profiles);
    expect(errors.map((e) => e.key)).toEqual(['devices.0.nodes.pm2_5', 'devices.1.profile']);
    expect(warnings.map((w) => w.message)).toEqual(['no node for humidity, co2 of profile generic-bms-room-climate: those quantities will not be read']);
    expect(() => resolvePoints(config)).toThrow(/ZENNE_ERR_AGENT_OPCUA_NODE_FIELD_UNKNOWN|has no channel with that field/);
  });
});
