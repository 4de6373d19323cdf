import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readingSchema } from '@zenne/device-profiles';
import { startDemo, type RunningDemo } from '../../src/demo/start-demo.ts';
import { childPids } from '../helpers/child-processes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'zenne-demo-test-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Polls `check` until it returns a value; rejects after `timeoutMs` with the last reason. */
async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return res.json();
}

function start(): Promise<RunningDemo> {
  return startDemo({ dataDir, httpPort: 0, mqttPort: 0, historyHours: 0.25, buildViewer: false, installSocat: false });
}

describe('startDemo (cloud, agents and virtual sensors as real processes)', () => {
  it('serves every fleet device, gets live readings from each, and stops without leaving a process', async () => {
    const before = new Set(childPids());
    const startedAt = new Date().toISOString();
    const demo = await start();
    try {
      expect(demo.seededHistory).toBe(true);
      // The sensors of the fleet and the street lights of its lighting gateway.
      const lampIds = demo.lighting!.lamps.map((l) => l.id);
      expect(lampIds.length).toBeGreaterThan(100);
      const fleetIds = [...demo.fleet.gateways.flatMap((g) => g.devices.map((d) => d.id)), ...lampIds].sort();
      const devices = await getJson(`${demo.apiUrl}/devices`);
      expect(devices.features.map((f: { id: string }) => f.id).sort()).toEqual(fleetIds);

      // Live readings (newer than the start, so not the seeded history) for every device.
      const live = await until(
        async () => {
          const { readings } = await getJson(`${demo.apiUrl}/readings/latest?device=${fleetIds.join(',')}`);
          const fresh = new Set(readings.filter((r: { ts: string }) => r.ts >= startedAt).map((r: { device: string }) => r.device));
          return fleetIds.every((id) => fresh.has(id)) ? readings : undefined;
        },
        60_000,
        'a live reading from every device',
      );
      for (const reading of live) expect(readingSchema.safeParse(reading).success).toBe(true);

      // The lamps report what their controller's schedule says now (a level between 0 and 100 %).
      expect(live.filter((r: { quantity: string }) => r.quantity === 'lamp_level').length).toBe(lampIds.length);

      // The seeded history is there too: one device over the seeded quarter of an hour.
      const from = new Date(Date.parse(startedAt) - 15 * 60_000).toISOString();
      const history = await getJson(
        `${demo.apiUrl}/readings/history?device=${fleetIds[0]}&quantity=pm2_5&from=${from}&to=${startedAt}&bucket=60`,
      );
      expect(history.points.length).toBeGreaterThan(0);
    } finally {
      await demo.stop();
    }
    expect(childPids().filter((pid) => !before.has(pid))).toEqual([]);
  });

  it('restarts on the same data dir with the same secrets and without seeding again', async () => {
    const secretFile = join(dataDir, 'agents', 'gw-monnaie', 'secret');
    const secret = readFileSync(secretFile, 'utf8');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'cloud-seed.yaml')).mode & 0o777).toBe(0o600);
    const before = new Set(childPids());
    const demo = await start();
    try {
      expect(demo.seededHistory).toBe(false);
      expect(readFileSync(secretFile, 'utf8')).toBe(secret);
      // The agents authenticate with the kept secrets: fresh readings arrive again.
      const restartedAt = new Date().toISOString();
      await until(
        async () => {
          const { readings } = await getJson(`${demo.apiUrl}/readings/latest`);
          return readings.some((r: { ts: string }) => r.ts >= restartedAt) ? true : undefined;
        },
        60_000,
        'a reading after the restart',
      );
    } finally {
      await demo.stop();
    }
    expect(childPids().filter((pid) => !before.has(pid))).toEqual([]);
  });
});
