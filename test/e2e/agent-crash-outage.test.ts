/**
 * Acceptance: the agent is SIGKILLed while the broker is unreachable, restarted,
 * and the broker comes back: every reading is stored exactly once, with the
 * values its frame encoded. The broker is the cloud's own, so "unreachable"
 * means the real zenne-cloud process is down.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bridges } from '@zenne/firmware-bridges';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { startCloudProcess, type CloudProcess } from '../support/cloud-process.ts';
import { readAgentStatus, startAgentProcess, waitFor, type AgentProcess } from '../support/agent-process.ts';
import { writeAgentConfig, writeSeed, type FixtureDevice } from '../support/fleet-fixture.ts';
import { freePort } from '../support/mosquitto.ts';

const root = join(import.meta.dirname, '../..');

/** PM2.5/PM10 pairs of the real Sensor.Community SDS011 series, in recorded order. */
function realSeries(n: number): Array<{ pm2_5: number; pm10: number }> {
  const dir = join(root, 'simulations/data/sensor-community-5331');
  const file = readdirSync(dir).filter((f) => f.includes('sds011')).sort()[0]!;
  return readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1, n + 1)
    .map((line) => line.split(';'))
    .map((c) => ({ pm2_5: Number(c[9]), pm10: Number(c[6]) }));
}

describe('agent crash during a cloud outage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zenne-e2e-crash-'));
  const stateDir = join(dir, 'state');
  const gateway = 'gw-crash';
  const secret = 'crash-secret';
  const devices: FixtureDevice[] = [{ id: 'aq-crash-01', profile: 'nova-sds011', bridge: 'sds011' }];
  const frames = realSeries(60);
  let pty: PtyPair | undefined;
  let writer: FileHandle | undefined;
  let cloud: CloudProcess | undefined;
  let agent: AgentProcess | undefined;

  afterAll(async () => {
    await agent?.stop('SIGKILL');
    await writer?.close();
    await pty?.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function writeFrames(from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) {
      await writer!.write(bridges.sds011.encodeFrame(frames[i]!));
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async function waitForDepth(depth: number): Promise<void> {
    await waitFor(`buffer depth ${depth}`, async () => (await readAgentStatus(stateDir))?.buffer.depth === depth);
  }

  async function waitAgentRunning(): Promise<void> {
    await waitFor('agent source running', async () => {
      const s = await readAgentStatus(stateDir);
      return s !== null && s.pid === agent!.child.pid && s.sources[0]?.state === 'running';
    });
  }

  it('stores every reading exactly once', async () => {
    const mqttPort = await freePort();
    const seed = writeSeed(dir, gateway, secret, devices);
    const cloudDir = join(dir, 'cloud');
    cloud = await startCloudProcess({ dataDir: cloudDir, seed, mqttPort });
    pty = await openPtyPair();
    devices[0]!.port = pty.b;
    writer = await open(pty.a, 'w');
    const config = writeAgentConfig(dir, { gateway, secret, mqttUrl: cloud.mqttUrl, devices });

    // Phase 1: online, 20 frames stored and acknowledged.
    agent = startAgentProcess(config, join(dir, 'agent-1.log'));
    await waitAgentRunning();
    await writeFrames(0, 20);
    await waitForDepth(0);
    await waitFor('40 readings acknowledged', async () => (await readAgentStatus(stateDir))?.uplink.counters.readings_stored === 40);

    // Phase 2: the cloud goes away; 20 frames are buffered; the agent is SIGKILLed.
    await cloud.stop();
    await writeFrames(20, 40);
    await waitForDepth(40);
    await agent.stop('SIGKILL');

    // Phase 3: the agent restarts while the cloud is still down and buffers 20 more.
    agent = startAgentProcess(config, join(dir, 'agent-2.log'));
    await waitAgentRunning();
    await writeFrames(40, 60);
    await waitForDepth(80);

    // Phase 4: the cloud is back on the same port with the same data.
    cloud = await startCloudProcess({ dataDir: cloudDir, mqttPort });
    await waitForDepth(0);

    for (const quantity of ['pm2_5', 'pm10'] as const) {
      const res = await fetch(`${cloud.httpUrl}/api/v1/readings?device=aq-crash-01&quantity=${quantity}&limit=1000`);
      const { readings } = (await res.json()) as { readings: Array<{ value: number; seq: number }> };
      // The SDS011 sends tenths of µg/m³ (protocol V1.3 §3.1), so a frame encodes the value to 0.1.
      expect(readings.map((r) => r.value), quantity).toEqual(frames.map((f) => Math.round(f[quantity] * 10) / 10));
      expect(new Set(readings.map((r) => r.seq)).size).toBe(60);
    }
  });
});
