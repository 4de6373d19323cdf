import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair } from '@zenne/firmware-bridges/pty';
import { testDeviceCommand } from '../src/cli/commands/test-device.ts';
import { agentErrors } from '../src/errors.ts';
import { capture, feedPort } from './helpers/capture-feeder.ts';
import { invokeCommand } from './helpers/invoke-command.ts';
import { freeTcpPort } from './modbus-peer.ts';

const DEVICE = 'aq-test-01';

async function configFor(dir: string, port: string): Promise<string> {
  const file = join(dir, 'agent.yaml');
  await writeFile(
    file,
    `gateway: { id: gw-test }
cloud: { mqtt_url: "mqtt://127.0.0.1:1", password: "x" }
state_dir: ./state
sources:
  - { id: sds011-01, kind: serial, port: ${port}, baud_rate: 9600, bridge: sds011, profile: nova-sds011, device: ${DEVICE} }
`,
  );
  return file;
}

/**
 * Stands for the cloud's readings API: `/api/v1/readings/latest` answers no
 * reading for the first requests, then one stored now (as once the agent's
 * upload landed). Records the `device` query of every request.
 */
async function fakeCloud(emptyAnswers: number): Promise<{ url: string; devices: string[]; server: Server }> {
  const devices: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/v1/readings/latest') {
      res.writeHead(404).end();
      return;
    }
    devices.push(url.searchParams.get('device') ?? '');
    const readings =
      devices.length > emptyAnswers
        ? [{ device: DEVICE, quantity: 'pm2_5', value: 12.3, unit: 'ug/m3', ts: new Date().toISOString(), quality: 'good', seq: 1 }]
        : [];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ readings }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, devices, server };
}

describe('zenne-agent test DEVICE', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function sds011OnPty(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-test-device-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const feeder = await feedPort(pair.b, capture('sds011', 'capture-sds01x').input);
    cleanups.push(() => feeder.stop());
    return configFor(dir, pair.a);
  }

  it('prints the decoded readings of the device from its serial port', async () => {
    const config = await sds011OnPty();
    const { code, out } = await invokeCommand(testDeviceCommand, [DEVICE, '--config', config, '--seconds', '2']);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`${DEVICE}\\s+pm2_5\\s+[\\d.]+ ug/m3\\s+good`));
    expect(out).toMatch(/pm10\s/);
  }, 20_000);

  it('confirms the first reading stored in the cloud, and says the agent is not running', async () => {
    const config = await sds011OnPty();
    const cloud = await fakeCloud(1);
    cleanups.push(() => new Promise((resolve) => cloud.server.close(() => resolve())));
    const { code, out } = await invokeCommand(testDeviceCommand, [DEVICE, '--config', config, '--cloud-api', cloud.url, '--seconds', '4']);
    expect(code).toBe(0);
    expect(out).toContain('note: zenne-agent run has never run with this config');
    expect(out).toContain('first reading stored in the cloud: pm2_5 12.3 ug/m3');
    expect(cloud.devices[0]).toBe(DEVICE);
  }, 20_000);

  it('keeps showing local readings when the cloud API does not answer, and fails at the end', async () => {
    const config = await sds011OnPty();
    const port = await freeTcpPort();
    const { code, out } = await invokeCommand(testDeviceCommand, [DEVICE, '--config', config, '--cloud-api', `http://127.0.0.1:${port}`, '--seconds', '2']);
    expect(code).toBe(1);
    expect(out).toMatch(/pm2_5\s/);
    expect(out).toContain('no reading of this test stored in the cloud yet');
  }, 20_000);

  it('refuses a device no source reads, naming the ones it knows', async () => {
    const config = await sds011OnPty();
    await expect(invokeCommand(testDeviceCommand, ['aq-other', '--config', config])).rejects.toSatisfy(
      (err) => agentErrors.TEST_DEVICE_UNKNOWN.is(err) && (err as Error).message.includes('aq-other'),
    );
  });

  it('says when the port cannot be opened and that no reading came', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-test-device-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const config = await configFor(dir, '/dev/zenne-no-such-port');
    const { code, out } = await invokeCommand(testDeviceCommand, [DEVICE, '--config', config, '--seconds', '1.5']);
    expect(code).toBe(1);
    expect(out).toContain('sds011-01: unavailable');
    expect(out).toContain('no reading');
  }, 20_000);
});
