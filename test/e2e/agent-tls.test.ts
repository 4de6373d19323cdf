/**
 * Issue 3 ("every failure names the likely fix ... certificate rejected") and
 * issue 4 ("a TLS listener, a development certificate made at first start"):
 * the real `zenne-cloud run` serves MQTT over TLS with its development CA; a
 * real `zenne-agent run` with `cloud.ca_file` delivers SDS011 readings over it,
 * and one without it is refused with an error that names the fix.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { loadCases } from '@zenne/firmware-bridges/testing/cases';
import { readAgentStatus, startAgentProcess, waitFor, type AgentProcess } from '../support/agent-process.ts';
import { startCloudProcess, type CloudProcess } from '../support/cloud-process.ts';
import { writeSeed } from '../support/fleet-fixture.ts';

const root = join(import.meta.dirname, '../..');
const sdsCase = loadCases(join(root, 'firmware-bridges/src/sds011/test/cases')).find((c) => c.name === 'capture-sds01x')!;
const GATEWAY = 'gw-tls';
const SECRET = 'tls-gateway-secret';
const DEVICE = 'aq-tls-01';

describe('MQTT over TLS with the development CA', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zenne-e2e-tls-'));
  const cloudDir = join(dir, 'cloud');
  let cloud: CloudProcess;
  let pty: PtyPair;
  let writer: FileHandle;
  const agents: AgentProcess[] = [];

  function agentConfig(name: string, caFile: string | undefined): string {
    const folder = join(dir, name);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'agent.yaml');
    writeFileSync(
      file,
      [
        `gateway: { id: ${GATEWAY} }`,
        `cloud: { mqtt_url: "${cloud.mqttsUrl}", password: "${SECRET}"${caFile ? `, ca_file: "${caFile}"` : ''} }`,
        'state_dir: ./state',
        'uplink: { batch_max_readings: 500, batch_max_wait_ms: 200, max_in_flight: 4, reconnect_max_ms: 1000 }',
        'sources:',
        `  - { id: sds, kind: serial, port: "${pty.b}", baud_rate: 9600, bridge: sds011, profile: nova-sds011, device: ${DEVICE} }`,
      ].join('\n') + '\n',
    );
    return file;
  }

  beforeAll(async () => {
    cloud = await startCloudProcess({ dataDir: cloudDir, seed: writeSeed(dir, GATEWAY, SECRET, [{ id: DEVICE, profile: 'nova-sds011', bridge: 'sds011' }]) });
    pty = await openPtyPair();
    writer = await open(pty.a, 'w');
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await writer?.close();
    await pty?.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a development CA at first start and serves mqtts beside mqtt', () => {
    expect(cloud.mqttsUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(cloud.tlsCaFile).toBe(join(cloudDir, 'tls', 'ca.pem'));
    expect(readFileSync(cloud.tlsCaFile!, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
    expect(statSync(join(cloudDir, 'tls', 'server-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(cloudDir, 'tls', 'ca-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('refuses an agent that does not trust the CA, and says to set cloud.ca_file', async () => {
    const config = agentConfig('untrusting', undefined);
    const agent = startAgentProcess(config, join(dir, 'untrusting.log'));
    agents.push(agent);
    const status = await waitFor('the uplink reports the certificate', async () => {
      const s = await readAgentStatus(join(dir, 'untrusting', 'state'));
      return s?.uplink.last_error?.includes('TLS certificate is not trusted') ? s : null;
    });
    expect(status.uplink.state).not.toBe('connected');
    const log = readFileSync(join(dir, 'untrusting.log'), 'utf8');
    expect(log).toContain('ZENNE_ERR_AGENT_CLOUD_CERTIFICATE');
    expect(log).toContain('set cloud.ca_file');
    await agent.stop();
    agents.pop();
  });

  it('delivers readings over TLS when the agent trusts the development CA', async () => {
    const agent = startAgentProcess(agentConfig('trusting', cloud.tlsCaFile), join(dir, 'trusting.log'));
    agents.push(agent);
    await waitFor('the agent connected over TLS and reading its port', async () => {
      const s = await readAgentStatus(join(dir, 'trusting', 'state'));
      return s?.uplink.state === 'connected' && s.sources.every((src: { state: string }) => src.state === 'running');
    });
    // Three 10-byte SDS011 frames of the real capture.
    await writer.write(sdsCase.input.subarray(0, 30));
    const readings = await waitFor('three SDS011 frames stored', async () => {
      const res = await fetch(`${cloud.httpUrl}/api/v1/readings?device=${DEVICE}&quantity=pm2_5`);
      const body = (await res.json()) as { readings: Array<{ value: number }> };
      return body.readings.length >= 3 ? body.readings : null;
    });
    expect(readings.map((r) => r.value)).toEqual(sdsCase.expected.frames.slice(0, 3).map((f) => f.fields.pm2_5));
  });
});
