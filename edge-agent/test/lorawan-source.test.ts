import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readingDraftSchema, type ReadingDraft } from '@zenne/device-profiles';
import { parseConfigText } from '../src/config/index.ts';
import { silentLogger } from '../src/logger.ts';
import { lorawanSourceKind, type LorawanSourceConfig } from '../src/sources/lorawan/index.ts';
import type { Source } from '../src/sources/index.ts';
import { sourceContract, type ExpectedReading } from '../src/sources/testing/source-contract.ts';
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto.ts';

let broker: Mosquitto;
let networkServer: MqttClient;
let clients = 0;

beforeAll(async () => {
  broker = await startMosquitto();
  networkServer = await mqtt.connectAsync(broker.url, { clientId: 'test-network-server' });
});
afterAll(async () => {
  await networkServer.endAsync();
  await broker.close();
});

const devices: LorawanSourceConfig['devices'] = [
  { dev_eui: 'A81758FFFE0312AB', device: 'ers-co2-01', profile: 'elsys-ers-co2' },
  { device_id: 'ers-co2-abp', device: 'ers-co2-02', profile: 'elsys-ers-co2' },
];

function create(networkServerKind: LorawanSourceConfig['network_server'], application: string): Source {
  const config = lorawanSourceKind.configSchema.parse({
    id: 'lorawan-app',
    kind: 'lorawan',
    network_server: networkServerKind,
    url: broker.url,
    client_id: `test-lorawan-${++clients}`,
    application,
    devices,
  });
  return lorawanSourceKind.create(config, { logger: silentLogger() });
}

// The worked example of the ELSYS "Sensor payload" document: 22.6 °C, 41 %RH, 39 lx, motion 6, 776 ppm, 3426 mV.
const ELSYS_EXAMPLE = Buffer.from('0100E202290400270506060308070D62', 'hex').toString('base64');
const elsysReadings = (device: string): ExpectedReading[] => [
  { device, quantity: 'temperature', value: 22.6 },
  { device, quantity: 'humidity', value: 41 },
  { device, quantity: 'illuminance', value: 39 },
  { device, quantity: 'co2', value: 776 },
];

/** The uplink message of The Things Stack "Data Formats" documentation, with this device and payload. */
function ttsUplink(ids: { device_id: string; dev_eui?: string }, frmPayload: string | undefined, fPort = 5) {
  return {
    end_device_ids: {
      device_id: ids.device_id,
      application_ids: { application_id: 'zenne-brussels' },
      ...(ids.dev_eui ? { dev_eui: ids.dev_eui, join_eui: '800000000000000C' } : {}),
      dev_addr: '00BCB929',
    },
    correlation_ids: ['as:up:01E0YGHJ9RZJN6QYJ9QS6Y0RJ8', 'rpc:/ttn.lorawan.v3.AppAs/SimulateUplink:4d4bbc8e'],
    received_at: '2026-11-23T09:15:45.812Z',
    uplink_message: {
      session_key_id: 'AXA50U3NJGmA4NOnWd0mkw==',
      ...(frmPayload === undefined ? {} : { f_port: fPort, frm_payload: frmPayload }),
      f_cnt: 10,
      rx_metadata: [
        {
          gateway_ids: { gateway_id: 'gw-monnaie-lora', eui: '9C5C8EFFFE3A6F8A' },
          time: '2026-11-23T09:15:45.787Z',
          timestamp: 2463457000,
          rssi: -35,
          channel_rssi: -35,
          snr: 5.2,
          uplink_token: 'ChIKEAoOZ3ctbW9ubmFpZS1sb3JhEJjOgZkJGgsI',
          channel_index: 2,
        },
      ],
      settings: {
        data_rate: { lora: { bandwidth: 125000, spreading_factor: 7 } },
        coding_rate: '4/5',
        frequency: '868300000',
        timestamp: 2463457000,
        time: '2026-11-23T09:15:45.787Z',
      },
      received_at: '2026-11-23T09:15:45.800Z',
      consumed_airtime: '0.061696s',
    },
  };
}

/** The "up" event of ChirpStack v4 (JSON marshaler) as in its event documentation, with this device and payload. */
function chirpstackUplink(devEui: string, data: string) {
  return {
    deduplicationId: '3ac7e3c4-4401-4b8d-9386-a5c902f9202d',
    time: '2026-11-23T09:33:28.823500726+00:00',
    deviceInfo: {
      tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242',
      tenantName: 'ChirpStack',
      applicationId: '17c82e96-be03-4f38-aef3-f83d48582d97',
      applicationName: 'Zenne Brussels',
      deviceProfileId: '14855bf7-d10d-4aee-b618-ebfcb64dc7ad',
      deviceProfileName: 'Elsys ERS CO2',
      deviceName: 'ers-co2-01',
      devEui,
      tags: {},
    },
    devAddr: '00189440',
    adr: true,
    dr: 5,
    fCnt: 7,
    fPort: 5,
    confirmed: false,
    data,
    rxInfo: [{ gatewayId: '0016c001f153a14c', uplinkId: 4217106255, rssi: -36, snr: 10.5, channel: 1, context: 'E3OWOQ==', metadata: {} }],
    txInfo: { frequency: 867100000, modulation: { lora: { bandwidth: 125000, spreadingFactor: 7, codeRate: 'CR_4_5' } } },
  };
}

const TTS_APP = 'zenne-brussels@ttn';
const CS_APP = '17c82e96-be03-4f38-aef3-f83d48582d97';
const ttsTopic = (deviceId: string) => `v3/${TTS_APP}/devices/${deviceId}/up`;
const csTopic = (devEui: string) => `application/${CS_APP}/device/${devEui.toLowerCase()}/event/up`;

async function publish(topic: string, message: string | object): Promise<void> {
  await networkServer.publishAsync(topic, typeof message === 'string' ? message : JSON.stringify(message), { qos: 1 });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

let current: Source | undefined;
sourceContract({
  name: 'lorawan, The Things Stack v3 uplinks on Debian mosquitto, Elsys codec',
  async create() {
    current = create('tts_v3', TTS_APP);
    return current;
  },
  async feed() {
    await publish(ttsTopic('eui-a81758fffe0312ab'), ttsUplink({ device_id: 'eui-a81758fffe0312ab', dev_eui: 'A81758FFFE0312AB' }, ELSYS_EXAMPLE));
    await publish(ttsTopic('ers-co2-abp'), ttsUplink({ device_id: 'ers-co2-abp' }, ELSYS_EXAMPLE));
    return [...elsysReadings('ers-co2-01'), ...elsysReadings('ers-co2-02')];
  },
  async feedNoise() {
    await publish(ttsTopic('eui-a81758fffe0312ab'), '{"end_device_ids":');
  },
  async teardown() {
    await current?.stop();
    current = undefined;
  },
});

describe('lorawan source', () => {
  let source: Source | undefined;
  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  async function running(kind: LorawanSourceConfig['network_server'], application: string) {
    source = create(kind, application);
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => source!.stats().state === 'running');
    return readings;
  }

  it('decodes a The Things Stack v3 uplink, stamped with the network server reception time', async () => {
    const readings = await running('tts_v3', TTS_APP);
    await publish(ttsTopic('eui-a81758fffe0312ab'), ttsUplink({ device_id: 'eui-a81758fffe0312ab', dev_eui: 'a81758fffe0312ab' }, ELSYS_EXAMPLE));
    await until(() => readings.length === 4);
    for (const reading of readings) expect(readingDraftSchema.parse(reading)).toEqual(reading);
    expect(readings.map((r) => [r.device, r.quantity, r.value, r.unit, r.ts, r.quality])).toEqual([
      ['ers-co2-01', 'temperature', 22.6, 'Cel', '2026-11-23T09:15:45.800Z', 'good'],
      ['ers-co2-01', 'humidity', 41, '%', '2026-11-23T09:15:45.800Z', 'good'],
      ['ers-co2-01', 'illuminance', 39, 'lx', '2026-11-23T09:15:45.800Z', 'good'],
      ['ers-co2-01', 'co2', 776, 'ppm', '2026-11-23T09:15:45.800Z', 'good'],
    ]);
  });

  it('decodes a ChirpStack v4 uplink event, stamped with its time', async () => {
    const readings = await running('chirpstack_v4', CS_APP);
    await publish(csTopic('A81758FFFE0312AB'), chirpstackUplink('a81758fffe0312ab', ELSYS_EXAMPLE));
    await until(() => readings.length === 4);
    expect(readings.map(({ device, quantity, value }) => ({ device, quantity, value }))).toEqual(elsysReadings('ers-co2-01'));
    expect(readings[0]!.ts).toBe('2026-11-23T09:33:28.823Z');
  });

  it('counts and names malformed uplinks, ignores MAC-only frames, and keeps going', async () => {
    const readings = await running('tts_v3', TTS_APP);
    const topic = ttsTopic('eui-a81758fffe0312ab');
    const ids = { device_id: 'eui-a81758fffe0312ab', dev_eui: 'A81758FFFE0312AB' };
    await publish(topic, 'not json');
    await publish(topic, { uplink_message: { f_port: 5, frm_payload: ELSYS_EXAMPLE } });
    await publish(ttsTopic('stranger'), ttsUplink({ device_id: 'stranger', dev_eui: '0004A30B001C0530' }, ELSYS_EXAMPLE));
    await publish(topic, ttsUplink(ids, 'not base64!'));
    // Truncated Elsys payload: CO2 type 0x06 with one value byte.
    await publish(topic, ttsUplink(ids, Buffer.from('0100E20603', 'hex').toString('base64')));
    await publish(topic, ttsUplink(ids, undefined));
    await publish(topic, ttsUplink(ids, ELSYS_EXAMPLE));
    await until(() => readings.length === 4);
    const stats = source!.stats();
    expect(stats.errors).toEqual({ bad_uplink: 2, unknown_device: 1, bad_payload: 1, codec: 1 });
    expect(stats.frames).toBe(1);
    expect(stats.last_error).toContain('codec elsys could not decode ers-co2-01 (f_port 5, 0100E20603): type 0x06 at byte 3 needs 2 value bytes, 1 left');
  });
});

describe('lorawan source config', () => {
  it('refuses a device without dev_eui or device_id', () => {
    const base = { id: 'l', kind: 'lorawan', network_server: 'tts_v3', url: 'mqtt://127.0.0.1:1883', application: 'a@ttn' };
    expect(lorawanSourceKind.configSchema.safeParse({ ...base, devices: [{ device: 'x', profile: 'elsys-ers-co2' }] }).success).toBe(false);
  });

  it('documents sample.conf in its README; the agent config loader accepts it and checks the profiles', () => {
    const folder = new URL('../src/sources/lorawan/', import.meta.url);
    const sample = readFileSync(new URL('sample.conf', folder), 'utf8');
    expect(readFileSync(new URL('README.md', folder), 'utf8')).toContain(sample);
    const head = 'gateway: { id: gw-monnaie }\ncloud: { mqtt_url: "mqtt://127.0.0.1:1883", password: x }\nstate_dir: ./state\nsources:\n';
    const indent = (text: string) => text.replace(/^/gm, '  ');
    const loaded = parseConfigText(`${head}${indent(sample)}`, '/etc/zenne/agent.yaml');
    expect(loaded.config.sources.map((s) => s.kind)).toEqual(['lorawan']);
    expect(loaded.warnings).toEqual([]);
    const wrong = sample.replace('device: ers-co2-02, profile: elsys-ers-co2', 'device: ers-co2-02, profile: generic-line-counter-json');
    expect(() => parseConfigText(`${head}${indent(wrong)}`, '/etc/zenne/agent.yaml')).toThrow(/sources\[0\]\.devices\[1\]\.profile: profile generic-line-counter-json cannot be used here: it describes a mqtt device, not a lorawan one/);
  });
});
