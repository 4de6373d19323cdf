import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@zenne/device-profiles';
import mqtt from 'mqtt';
import { verifySecret } from '../src/registry/secret-hash.ts';
import { duckdbStore } from '../src/stores/duckdb/duckdb-store.ts';
import { batchOf, pm25, writeFleet } from './helpers/fleet.ts';

const BIN = fileURLToPath(new URL('../bin/zenne-cloud.js', import.meta.url));

function runCli(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** Starts `zenne-cloud run` and resolves with the parsed "cloud ready" record. */
function startRun(args: string[]): Promise<{ child: ChildProcess; ready: { http_url: string; mqtt_url: string }; lines: Record<string, unknown>[] }> {
  const child = spawn(process.execPath, [BIN, 'run', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Record<string, unknown>[] = [];
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`zenne-cloud run exited with ${code} before ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      lines.push(record);
      if (record.msg === 'cloud ready') resolve({ child, ready: record as { http_url: string; mqtt_url: string }, lines });
    });
  });
}

describe('zenne-cloud CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-cloud-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints help with examples for every command', async () => {
    const runs = await Promise.all([['--help'], ['run', '--help'], ['seed', '--help'], ['hash-secret', '--help']].map((args) => runCli(args)));
    for (const { code, stdout } of runs) {
      expect(code).toBe(0);
      expect(stdout).toMatch(/Examples:\n {2}\S/);
    }
  });

  it('rejects an unknown flag with a coded error', async () => {
    const { code, stderr } = await runCli(['run', '--data-dir', dir, '--bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain('ZENNE_ERR_CLOUD_BAD_FLAG');
  });

  it('hash-secret prints a scrypt hash of stdin', async () => {
    const { code, stdout } = await runCli(['hash-secret'], 'a long enough secret\n');
    expect(code).toBe(0);
    expect(await verifySecret('a long enough secret', stdout.trim())).toBe(true);
  });

  it('seed loads the registry and names the row of a bad file', async () => {
    const fleet = await writeFleet(dir);
    const ok = await runCli(['seed', '--data-dir', join(dir, 'seeded'), '--file', fleet]);
    expect(ok.stdout).toContain('seeded 1 site(s), 2 gateway(s), 3 device(s)');
    const bad = await writeFleet(join(dir), 'devices:\n  - { id: aq-x, gateway: gw-x, profile: nova-sds011, name: X, site: s, location: { lon: 400, lat: 50 } }\n');
    const refused = await runCli(['seed', '--data-dir', join(dir, 'seeded'), '--file', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('ZENNE_ERR_REGISTRY_SEED_INVALID');
    expect(refused.stderr).toContain('devices[0] (aq-x), field location.lon');
  });

  it('run logs "cloud ready" with both URLs, ingests, and stops gracefully on SIGTERM', async () => {
    const fleet = await writeFleet(dir);
    const { child, ready } = await startRun(['--data-dir', join(dir, 'run'), '--http-port', '0', '--mqtt-port', '0', '--seed', fleet]);
    try {
      expect(ready.http_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.mqtt_url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${ready.http_url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });

      const client = await mqtt.connectAsync(ready.mqtt_url, { username: 'gw-monnaie', password: 'monnaie-secret', reconnectPeriod: 0 });
      await client.subscribeAsync(topics.ack('gw-monnaie'), { qos: 1 });
      const ack = new Promise<string>((resolve) => client.once('message', (_t, p) => resolve(p.toString())));
      await client.publishAsync(topics.readings('gw-monnaie'), JSON.stringify(batchOf('gw-monnaie', 'cli-1', [pm25('aq-monnaie-01', 7)])), { qos: 1 });
      expect(JSON.parse(await ack)).toMatchObject({ batch: 'cli-1', stored: 1 });
      await client.endAsync();

      // DuckDB's file lock keeps a second process off the running cloud's registry.
      const locked = await runCli(['seed', '--data-dir', join(dir, 'run'), '--file', fleet]);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toContain('ZENNE_ERR_REGISTRY_OPEN_FAILED');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    // The store was checkpointed and released: it opens again and holds the reading.
    const store = await duckdbStore({ file: join(dir, 'run', 'readings.duckdb') });
    expect(await store.count()).toBe(1);
    await store.close();
  });
});
