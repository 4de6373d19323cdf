/**
 * Acceptance (issue 3, point 4): a technician provisions a gateway with a
 * one-time claim code. Real processes: `zenne-cloud run`, `zenne-cloud claim`
 * (over the cloud's loopback admin route), `zenne-agent provision`, then
 * `zenne-agent run` reading SDS011 frames from a socat pty; the reading
 * reaches the cloud's HTTP API with the password the claim produced, over
 * MQTT with TLS, trusting the development CA the claim answer carried.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { open, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadCases } from '@zenne/firmware-bridges/testing/cases';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { startCloudProcess, type CloudProcess } from '../support/cloud-process.ts';
import { readAgentStatus, startAgentProcess, waitFor, type AgentProcess } from '../support/agent-process.ts';
import { writeSeed } from '../support/fleet-fixture.ts';

const root = join(import.meta.dirname, '../..');
const sdsCase = loadCases(join(root, 'firmware-bridges/src/sds011/test/cases')).find((c) => c.name === 'capture-sds01x')!;

function runCli(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, bin), ...args], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
const cloudCli = (...args: string[]) => runCli('cloud/bin/zenne-cloud.js', args);
const agentCli = (...args: string[]) => runCli('edge-agent/bin/zenne-agent.js', args);

describe('technician provisioning with a claim code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zenne-e2e-provision-'));
  const cloudDir = join(dir, 'cloud');
  const gatewayDir = join(dir, 'gateway');
  const configFile = join(gatewayDir, 'agent.yaml');
  const gateway = 'gw-claim';
  const device = 'aq-claim-sds';
  let cloud: CloudProcess;
  let pty: PtyPair;
  let writer: FileHandle;
  let agent: AgentProcess | undefined;
  let code: string;

  beforeAll(async () => {
    cloud = await startCloudProcess({
      dataDir: cloudDir,
      seed: writeSeed(dir, gateway, 'seeded-secret-replaced-by-the-claim', [{ id: device, profile: 'nova-sds011', bridge: 'sds011' }]),
    });
    pty = await openPtyPair();
    writer = await open(pty.a, 'w');
  });

  afterAll(async () => {
    await agent?.stop();
    await writer?.close();
    await pty?.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('issues a claim code through `zenne-cloud claim` against the running cloud', async () => {
    const claim = await cloudCli('claim', '--data-dir', cloudDir, '--gateway', gateway, '--ttl', '1h');
    expect(claim.stderr).toContain(`gateway ${gateway}`);
    expect(claim.code).toBe(0);
    code = claim.stdout.trim();
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$/);
    expect(statSync(join(cloudDir, 'admin.json')).mode & 0o777).toBe(0o600);

    const unknown = await cloudCli('claim', '--data-dir', cloudDir, '--gateway', 'gw-nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ZENNE_ERR_PROVISIONING_GATEWAY_UNKNOWN');
  });

  it('refuses the admin route without the token', async () => {
    const res = await fetch(`${cloud.httpUrl}/api/v1/admin/claims`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token' },
      body: JSON.stringify({ gateway, ttl_s: 3600 }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('ZENNE_ERR_PROVISIONING_ADMIN_DENIED');
  });

  it('provisions the gateway: 0600 files, config with the device stub', async () => {
    // Lower case without dashes: what a technician may type.
    const result = await agentCli('provision', '--cloud', cloud.httpUrl, '--claim', code.toLowerCase().replaceAll('-', ''), '--config', configFile, '--state-dir', './state');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`gateway ${gateway} provisioned`);

    const secretFile = join(gatewayDir, `${gateway}.secret`);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect((await readFile(secretFile, 'utf8')).trim()).not.toBe('seeded-secret-replaced-by-the-claim');
    // The cloud's TLS listener uses its development CA: the gateway gets it with the credentials and trusts it.
    const caFile = join(gatewayDir, `${gateway}.ca.pem`);
    expect(await readFile(caFile, 'utf8')).toBe(await readFile(cloud.tlsCaFile!, 'utf8'));
    expect(result.stdout).toContain(`cloud CA: ${caFile}`);

    const text = await readFile(configFile, 'utf8');
    expect(text).toContain(`#   - { id: ${device}, kind: serial, port: /dev/ttyUSB0, baud_rate: 9600, bridge: sds011,`);
    const config = parseDocument(text).toJS() as Record<string, any>;
    expect(config).toMatchObject({
      gateway: { id: gateway },
      cloud: { mqtt_url: cloud.mqttsUrl, username: gateway, password_file: `./${gateway}.secret`, ca_file: `./${gateway}.ca.pem` },
      state_dir: './state',
      sources: [],
    });
  });

  it('refuses the same code a second time, with a message to ask for a new one', async () => {
    const again = await agentCli('provision', '--cloud', cloud.httpUrl, '--claim', code, '--config', join(dir, 'other', 'agent.yaml'));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('ZENNE_ERR_AGENT_PROVISION_CLAIM_REFUSED');
    expect(again.stderr).toContain('ZENNE_ERR_PROVISIONING_CLAIM_USED');
    expect(again.stderr).toContain('ask the operator for a new claim code');

    const unreachable = await agentCli('provision', '--cloud', 'http://127.0.0.1:1', '--claim', code, '--config', join(dir, 'other', 'agent.yaml'));
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('ZENNE_ERR_AGENT_PROVISION_CLOUD_UNREACHABLE');

    const stats = (await (await fetch(`${cloud.httpUrl}/api/v1/stats`)).json()) as { provisioning: Record<string, any> };
    expect(stats.provisioning).toMatchObject({ claims_issued: 1, claims_redeemed: 1 });
    expect(stats.provisioning.claims_refused_by_reason.ZENNE_ERR_PROVISIONING_CLAIM_USED).toBe(1);
  });

  it('refuses to provision against a cloud whose clock is 5 minutes off, before spending the code', async () => {
    const skewed = createServer((_req, res) => {
      res.setHeader('date', new Date(Date.now() - 300_000).toUTCString());
      res.end('{"status":"ok"}');
    });
    await new Promise<void>((r) => skewed.listen(0, '127.0.0.1', r));
    try {
      const other = join(dir, 'skewed', 'agent.yaml');
      const result = await agentCli('provision', '--cloud', `http://127.0.0.1:${(skewed.address() as AddressInfo).port}`, '--claim', code, '--config', other);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('ZENNE_ERR_AGENT_PROVISION_CLOCK_SKEW');
      expect(result.stderr).toContain('the claim code was not used');
      expect(existsSync(other)).toBe(false);
    } finally {
      await new Promise((r) => skewed.close(r));
    }
  });

  it('runs with the completed config and stores the first SDS011 reading in the cloud', async () => {
    // The technician's part: uncomment the stub and set the port.
    const doc = parseDocument(await readFile(configFile, 'utf8'));
    doc.set('sources', [{ id: device, kind: 'serial', port: pty.b, baud_rate: 9600, bridge: 'sds011', profile: 'nova-sds011', device }]);
    doc.set('uplink', { batch_max_readings: 500, batch_max_wait_ms: 200, max_in_flight: 4 });
    await writeFile(configFile, doc.toString());

    agent = startAgentProcess(configFile, join(dir, 'agent.log'));
    await waitFor('agent source running and uplink connected', async () => {
      const s = await readAgentStatus(join(gatewayDir, 'state'));
      return s?.uplink.state === 'connected' && s.sources.every((src: { state: string }) => src.state === 'running');
    });
    await writer.write(sdsCase.input.subarray(0, 10));
    const first = sdsCase.expected.frames[0]!.fields.pm2_5!;
    const stored = await waitFor('the first pm2_5 reading in the cloud', async () => {
      const res = await fetch(`${cloud.httpUrl}/api/v1/readings?device=${device}&quantity=pm2_5`);
      const body = (await res.json()) as { readings: Array<{ value: number }> };
      return body.readings.length > 0 ? body.readings : null;
    });
    expect(stored[0]!.value).toBe(first);
  });
});
