import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportedConfigSchema, topics, type ReportedConfig } from '@zenne/device-profiles';
import { loadCases } from '@zenne/firmware-bridges/testing/cases';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { createAgent, type Agent } from '../src/agent.ts';
import { loadConfig } from '../src/config/index.ts';
import { createSource } from '../src/sources/index.ts';
import { until } from './helpers/agent-process.ts';
import { startIngestHarness, type IngestHarness } from './helpers/ingest-harness.ts';
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto.ts';

// Real UART bytes recorded from the sensors (the bridges' captured test cases).
const bridgesSrc = dirname(createRequire(import.meta.url).resolve('@zenne/firmware-bridges'));
const capture = (family: string, name: string) => loadCases(join(bridgesSrc, family, 'test/cases')).find((c) => c.name === name)!.input;
const sdsBytes = capture('sds011', 'capture-sds01x');
const pmsBytes = capture('pms5003', 'capture-pmsx003');

const GATEWAY = 'gw-remote';

describe('desired/reported configuration over MQTT (mosquitto, serial sources on socat ptys)', () => {
  let broker: Mosquitto;
  let ingest: IngestHarness;
  let operator: MqttClient;
  let dir: string;
  let file: string;
  let sds: PtyPair;
  let pms: PtyPair;
  let agent: Agent;
  const reports: ReportedConfig[] = [];
  let base: Record<string, unknown>;
  const sdsSource = () => ({ id: 'sds-01', kind: 'serial', port: sds.a, baud_rate: 9600, bridge: 'sds011', profile: 'nova-sds011', device: 'aq-remote-sds' });
  const pmsSource = (id = 'pms-01') => ({ id, kind: 'serial', port: pms.a, baud_rate: 9600, bridge: 'pms5003', profile: 'plantower-pms5003', device: `aq-remote-${id}` });
  const count = (device: string) => ingest.readings.filter((r) => r.device === device).length;

  async function desire(version: number, sources: unknown[]): Promise<ReportedConfig> {
    const before = reports.length;
    await operator.publishAsync(topics.configDesired(GATEWAY), JSON.stringify({ v: 1, version, config: { ...base, sources } }), { qos: 1, retain: true });
    await until(() => reports.length > before);
    return reports.at(-1)!;
  }

  async function delivering(pair: PtyPair, bytes: Buffer, device: string): Promise<void> {
    const before = count(device);
    await writeFile(pair.b, bytes);
    await until(() => count(device) > before);
  }

  beforeAll(async () => {
    broker = await startMosquitto();
    ingest = await startIngestHarness(broker.url, GATEWAY);
    operator = await mqtt.connectAsync(broker.url, { clientId: 'zenne-test-operator' });
    operator.on('message', (_topic, payload) => reports.push(reportedConfigSchema.parse(JSON.parse(payload.toString('utf8')))));
    await operator.subscribeAsync(topics.configReported(GATEWAY), { qos: 1 });
    dir = await mkdtemp(join(tmpdir(), 'zenne-remote-config-'));
    [sds, pms] = await Promise.all([openPtyPair(), openPtyPair()]);
    base = {
      gateway: { id: GATEWAY },
      cloud: { mqtt_url: broker.url, password: 'test' },
      state_dir: './state',
      uplink: { batch_max_wait_ms: 50 },
    };
    file = join(dir, 'agent.yaml');
    await writeFile(file, stringify({ ...base, sources: [sdsSource()] }));
    agent = createAgent(loadConfig(file).config, {
      // A source named `broken` fails its init(), as a real one whose device or profile cannot work.
      createSource: (config, context) => {
        const source = createSource(config, context);
        if (config.id === 'broken') source.init = () => Promise.reject(new Error('init of source broken failed'));
        return source;
      },
    });
    await agent.start();
    await until(() => reports.length > 0);
  }, 30_000);

  afterAll(async () => {
    await agent?.stop();
    await operator?.endAsync();
    await ingest?.close();
    await sds?.close();
    await pms?.close();
    await broker?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports the running config, retained, on connect', () => {
    expect(reports[0]).toMatchObject({ v: 1, version: 0, status: 'running' });
  });

  it('refuses an invalid desired config with the reason; the old source keeps delivering', async () => {
    const report = await desire(1, [{ ...sdsSource(), profile: 'no-such-profile' }]);
    expect(report).toMatchObject({ status: 'rejected', version: 0, rejected_version: 1 });
    expect(report.errors!.join('\n')).toContain('unknown profile "no-such-profile"');
    expect(existsSync(`${file}.previous`)).toBe(false);
    await delivering(sds, sdsBytes, 'aq-remote-sds');
  });

  it('refuses a desired config that changes the gateway id', async () => {
    const before = reports.length;
    await operator.publishAsync(topics.configDesired(GATEWAY), JSON.stringify({ v: 1, version: 2, config: { ...base, gateway: { id: 'gw-other' }, sources: [sdsSource()] } }), { qos: 1 });
    await until(() => reports.length > before);
    expect(reports.at(-1)).toMatchObject({ status: 'rejected', rejected_version: 2 });
    expect(reports.at(-1)!.errors!.join('\n')).toContain('ZENNE_ERR_AGENT_REMOTE_CONFIG_IDENTITY_CHANGED');
  });

  it('applies a valid one: writes the file (keeping .previous), restarts the sources, readings of the new source arrive', async () => {
    const report = await desire(2, [sdsSource(), pmsSource()]);
    expect(report).toMatchObject({ status: 'applied', version: 2 });
    expect(readFileSync(file, 'utf8')).toContain('plantower-pms5003');
    expect(readFileSync(`${file}.previous`, 'utf8')).not.toContain('plantower-pms5003');
    await delivering(pms, pmsBytes, 'aq-remote-pms-01');
    await delivering(sds, sdsBytes, 'aq-remote-sds');
    expect((await agent.status()).sources.map((s) => s.id)).toEqual(['sds-01', 'pms-01']);
  });

  it('ignores a version that is not above the running one', async () => {
    const report = await desire(1, [sdsSource()]);
    expect(report).toMatchObject({ status: 'ignored', version: 2, rejected_version: 1 });
  });

  it('rolls back when a new source fails its init: the previous file and sources come back', async () => {
    const report = await desire(3, [sdsSource(), pmsSource('broken')]);
    expect(report).toMatchObject({ status: 'rolled_back', version: 2, rejected_version: 3 });
    expect(report.errors!.join('\n')).toContain('init of source broken failed');
    expect(readFileSync(file, 'utf8')).toContain('pms-01');
    expect((await agent.status()).sources.map((s) => s.id)).toEqual(['sds-01', 'pms-01']);
    await delivering(pms, pmsBytes, 'aq-remote-pms-01');
  });
});
