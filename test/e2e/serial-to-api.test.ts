/**
 * Acceptance: bytes written to a pty → zenne-agent (serial source, bridge,
 * normaliser, durable buffer, MQTT uplink) → zenne-cloud (broker, ingest,
 * DuckDB) → HTTP API returns exactly the values the frames encode.
 * Every part is the real program; the bytes are the real PyPMS captures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCases } from '@zenne/firmware-bridges/testing/cases';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { startCloudProcess, type CloudProcess } from '../support/cloud-process.ts';
import { readAgentStatus, startAgentProcess, waitFor, type AgentProcess } from '../support/agent-process.ts';
import { writeAgentConfig, writeSeed, type FixtureDevice } from '../support/fleet-fixture.ts';

const root = join(import.meta.dirname, '../..');
const sdsCase = loadCases(join(root, 'firmware-bridges/src/sds011/test/cases')).find((c) => c.name === 'capture-sds01x')!;
const pmsCase = loadCases(join(root, 'firmware-bridges/src/pms5003/test/cases')).find((c) => c.name === 'capture-pmsx003')!;

describe('serial bytes to the HTTP API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zenne-e2e-serial-'));
  const gateway = 'gw-e2e';
  const secret = 'e2e-secret';
  const devices: FixtureDevice[] = [
    { id: 'aq-e2e-sds', profile: 'nova-sds011', bridge: 'sds011' },
    { id: 'aq-e2e-pms', profile: 'plantower-pms5003', bridge: 'pms5003' },
  ];
  const ptys: PtyPair[] = [];
  const writers: FileHandle[] = [];
  let cloud: CloudProcess;
  let agent: AgentProcess;

  beforeAll(async () => {
    cloud = await startCloudProcess({ dataDir: join(dir, 'cloud'), seed: writeSeed(dir, gateway, secret, devices) });
    for (const d of devices) {
      const pty = await openPtyPair();
      ptys.push(pty);
      d.port = pty.b;
      writers.push(await open(pty.a, 'w'));
    }
    agent = startAgentProcess(writeAgentConfig(dir, { gateway, secret, mqttUrl: cloud.mqttUrl, devices }), join(dir, 'agent.log'));
    await waitFor('agent sources running and uplink connected', async () => {
      const s = await readAgentStatus(join(dir, 'state'));
      return s?.uplink.state === 'connected' && s.sources.every((src: { state: string }) => src.state === 'running');
    });
  });

  afterAll(async () => {
    await agent?.stop();
    for (const w of writers) await w.close();
    for (const p of ptys) await p.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function rawReadings(device: string, quantity: string): Promise<Array<{ value: number; seq: number; quality: string }>> {
    const res = await fetch(`${cloud.httpUrl}/api/v1/readings?device=${device}&quantity=${quantity}&limit=1000`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { readings: Array<{ value: number; seq: number; quality: string }> }).readings;
  }

  it('stores exactly the values encoded in the SDS011 and PMS5003 frames', async () => {
    // Frame by frame, as a sensor would send them, so each gets its own receive time.
    for (let i = 0; i < 10; i++) {
      await writers[0]!.write(sdsCase.input.subarray(i * 10, i * 10 + 10));
      await writers[1]!.write(pmsCase.input.subarray(i * 32, i * 32 + 32));
      await new Promise((r) => setTimeout(r, 20));
    }
    const expected: Record<string, Record<string, number[]>> = {
      'aq-e2e-sds': {
        pm2_5: sdsCase.expected.frames.map((f) => f.fields.pm2_5!),
        pm10: sdsCase.expected.frames.map((f) => f.fields.pm10!),
      },
      'aq-e2e-pms': {
        pm1: pmsCase.expected.frames.map((f) => f.fields.pm1!),
        pm2_5: pmsCase.expected.frames.map((f) => f.fields.pm2_5!),
        pm10: pmsCase.expected.frames.map((f) => f.fields.pm10!),
      },
    };
    for (const [device, byQuantity] of Object.entries(expected)) {
      for (const [quantity, values] of Object.entries(byQuantity)) {
        const stored = await waitFor(`${values.length} ${quantity} readings of ${device}`, async () => {
          const r = await rawReadings(device, quantity);
          return r.length >= values.length ? r : null;
        });
        expect(stored.map((r) => r.value), `${device} ${quantity}`).toEqual(values);
        expect(new Set(stored.map((r) => r.seq)).size).toBe(values.length);
      }
    }
    const latest = (await (await fetch(`${cloud.httpUrl}/api/v1/readings/latest?device=aq-e2e-pms&quantity=pm2_5`)).json()) as { readings: Array<{ value: number }> };
    expect(latest.readings.map((r) => r.value)).toEqual([pmsCase.expected.frames.at(-1)!.fields.pm2_5]);
  });
});
