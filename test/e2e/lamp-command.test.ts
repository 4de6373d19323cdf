/**
 * Acceptance (issue 3, point 7): "dim lamp group 12 to 50 %" from the cloud
 * reaches the simulated lamp controllers and their acknowledgement reaches
 * the cloud. Real processes: `zenne-cloud run`, `zenne-agent run` polling a
 * Modbus TCP segment controller (the simulations' LampControllerServer, built
 * on modbus-serial's server), and `zenne-cloud command` as the operator.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LampControllerServer } from '@zenne/simulations';
import { startAgentProcess, waitFor, type AgentProcess } from '../support/agent-process.ts';
import { startCloudProcess, type CloudProcess } from '../support/cloud-process.ts';

const root = join(import.meta.dirname, '../..');
const GATEWAY = 'gw-fripiers';
const SECRET = 'fripiers-gateway-secret';
// Unit id → lamp; the first two are lamp group 12 along Rue des Fripiers, the third another group.
const LAMPS = [
  { unit: 1, id: 'lamp-fripiers-01', group: '12', lon: 4.35262, lat: 50.84921 },
  { unit: 2, id: 'lamp-fripiers-02', group: '12', lon: 4.35241, lat: 50.84897 },
  { unit: 3, id: 'lamp-monnaie-01', group: '7', lon: 4.35312, lat: 50.84968 },
];

function cloudCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'cloud/bin/zenne-cloud.js'), ...args], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('street-light command from the cloud to the lamp controllers and back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zenne-e2e-lamps-'));
  const cloudDir = join(dir, 'cloud');
  const controller = new LampControllerServer();
  let cloud: CloudProcess;
  let agent: AgentProcess;

  beforeAll(async () => {
    for (const lamp of LAMPS) controller.add(lamp.unit);
    const port = await controller.listen();
    const seed = join(dir, 'seed.yaml');
    writeFileSync(
      seed,
      [
        'sites: [{ id: brussels-centre, name: Brussels centre }]',
        `gateways: [{ id: ${GATEWAY}, site: brussels-centre, secret: "${SECRET}" }]`,
        'devices:',
        ...LAMPS.map(
          (l) =>
            `  - { id: ${l.id}, gateway: ${GATEWAY}, profile: generic-modbus-lamp-controller, name: "${l.id}", site: brussels-centre, ` +
            `location: { lon: ${l.lon}, lat: ${l.lat}, height: 8 }, tags: { lamp_group: "${l.group}" } }`,
        ),
      ].join('\n') + '\n',
    );
    cloud = await startCloudProcess({ dataDir: cloudDir, seed });
    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      [
        `gateway: { id: ${GATEWAY} }`,
        `cloud: { mqtt_url: "${cloud.mqttUrl}", password: "${SECRET}" }`,
        'state_dir: ./state',
        'uplink: { batch_max_readings: 500, batch_max_wait_ms: 200, max_in_flight: 4 }',
        'sources:',
        `  - id: segment-controller`,
        `    kind: modbus_tcp`,
        `    host: 127.0.0.1`,
        `    port: ${port}`,
        `    devices:`,
        ...LAMPS.map((l) => `      - { device: ${l.id}, profile: generic-modbus-lamp-controller, unit_id: ${l.unit}, poll_period_s: 60 }`),
      ].join('\n') + '\n',
    );
    agent = startAgentProcess(config, join(dir, 'agent.log'));
    // The gateway is subscribed once its retained status says online.
    await waitFor('the gateway online', async () => {
      const stats = (await (await fetch(`${cloud.httpUrl}/api/v1/stats`)).json()) as { gateway_status: { gateways: Record<string, { state: string }> } };
      return stats.gateway_status.gateways[GATEWAY]?.state === 'online';
    });
  });

  afterAll(async () => {
    await agent?.stop();
    await cloud?.stop();
    await controller.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dims lamp group 12 to 50 %: the controllers take it, the cloud shows each lamp done', async () => {
    const run = await cloudCli(['command', '--data-dir', cloudDir, '--tag', 'lamp_group=12', '--timeout', '20', 'dim', '50']);
    expect(run.stderr).toMatch(/sent to 2 device\(s\)/);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').sort();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^lamp-fripiers-01\s+gw-fripiers\s+done\s+\{"level":50\}$/);
    expect(lines[1]).toMatch(/^lamp-fripiers-02\s+gw-fripiers\s+done\s+\{"level":50\}$/);

    // The controllers themselves: group 12 at 50 %, the other lamp untouched.
    expect(controller.luminaires.get(1)!.level()).toBe(50);
    expect(controller.luminaires.get(2)!.level()).toBe(50);
    expect(controller.luminaires.get(3)!.level()).toBe(100);
  });

  it('reports the new level as readings without waiting for the next poll period', async () => {
    const latest = await waitFor('lamp_level 50 stored for both lamps', async () => {
      const res = await fetch(`${cloud.httpUrl}/api/v1/readings/latest?device=lamp-fripiers-01,lamp-fripiers-02&quantity=lamp_level`);
      const { readings } = (await res.json()) as { readings: { device: string; value: number; quality: string }[] };
      return readings.length === 2 && readings.every((r) => r.value === 50) ? readings : null;
    });
    expect(latest.map((r) => r.quality)).toEqual(['good', 'good']);
  });

  it('answers `failed` for a lamp whose controller stopped answering, and the command still completes', async () => {
    controller.luminaires.delete(3);
    const run = await cloudCli(['command', '--data-dir', cloudDir, '--device', 'lamp-monnaie-01,lamp-fripiers-01', '--timeout', '5', 'switch', 'off']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/lamp-fripiers-01\s+gw-fripiers\s+done\s+\{"on":0\}/);
    expect(run.stdout).toMatch(/lamp-monnaie-01\s+gw-fripiers\s+failed\s+command .* no answer from lamp-monnaie-01 \(unit 3/);
    expect(controller.luminaires.get(1)!.level()).toBe(0);
  });
});
