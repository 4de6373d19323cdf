import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { commandRequestSchema, topics, type CommandRequest, type CommandResult } from '@zenne/device-profiles';
import { FLEET_YAML, writeFleet } from './helpers/fleet.ts';
import { readAdminFile } from '../src/api/provisioning/admin-file.ts';
import { connectGateway, startCloud, type Harness } from './helpers/harness.ts';

/** The test fleet plus three lamp controllers on gw-monnaie, two of them in lamp group 12. */
const LAMPS_YAML = `${FLEET_YAML}
  - { id: lamp-fripiers-01, gateway: gw-monnaie, profile: generic-modbus-lamp-controller, name: "Rue des Fripiers lamp 1",
      site: brussels-centre, street: "Rue des Fripiers", location: { lon: 4.35262, lat: 50.84921, height: 8 }, tags: { lamp_group: "12" } }
  - { id: lamp-fripiers-02, gateway: gw-monnaie, profile: generic-modbus-lamp-controller, name: "Rue des Fripiers lamp 2",
      site: brussels-centre, street: "Rue des Fripiers", location: { lon: 4.35241, lat: 50.84897, height: 8 }, tags: { lamp_group: "12" } }
  - { id: lamp-monnaie-01, gateway: gw-monnaie, profile: generic-modbus-lamp-controller, name: "Place de la Monnaie lamp 1",
      site: brussels-centre, location: { lon: 4.35312, lat: 50.84968, height: 8 }, tags: { lamp_group: "7" } }
`;

describe('commands: API → gateway topic → result → API', () => {
  let h: Harness;
  let token: string;
  let gateway: MqttClient;
  const received: CommandRequest[] = [];

  beforeAll(async () => {
    const seedDir = await mkdtemp(join(tmpdir(), 'zenne-commands-seed-'));
    h = await startCloud({ seedFile: await writeFleet(seedDir, LAMPS_YAML) });
    token = (await readAdminFile(h.dir)).token;
    gateway = await connectGateway(h, 'gw-monnaie');
    gateway.on('message', (topic, payload) => {
      if (topic === topics.commands('gw-monnaie')) received.push(commandRequestSchema.parse(JSON.parse(payload.toString())));
    });
    await gateway.subscribeAsync(topics.commands('gw-monnaie'), { qos: 1 });
  });
  afterAll(async () => {
    await h.close();
  });

  const post = (body: unknown, auth = `Bearer ${token}`) =>
    h.cloud.app.inject({ method: 'POST', url: '/api/v1/commands', payload: body as object, headers: { authorization: auth } });
  const get = (id: string) => h.cloud.app.inject({ method: 'GET', url: `/api/v1/commands/${id}`, headers: { authorization: `Bearer ${token}` } });
  const answer = (result: Omit<CommandResult, 'v' | 'at'>, from = gateway) =>
    from.publishAsync(topics.commandResults(from === gateway ? 'gw-monnaie' : 'gw-bourse'), JSON.stringify({ v: 1, at: new Date().toISOString(), ...result }), { qos: 1 });
  async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('sends "dim lamp group 12 to 50 %" to the group\'s gateway and follows each lamp to done', async () => {
    const res = await post({ target: { tags: { lamp_group: '12' } }, command: { action: 'dim', level: 50 }, timeout_s: 30 });
    expect(res.statusCode).toBe(202);
    const record = res.json();
    expect(record).toMatchObject({ state: 'pending', summary: { pending: 2 }, command: { action: 'dim', level: 50 } });
    const request = await until(async () => received.find((r) => r.id === record.id));
    expect(request.devices.sort()).toEqual(['lamp-fripiers-01', 'lamp-fripiers-02']);
    expect(Date.parse(request.expires_at) - Date.parse(request.issued_at)).toBe(30_000);

    await answer({ id: record.id, device: 'lamp-fripiers-01', status: 'done', observed: { level: 50 } });
    await answer({ id: record.id, device: 'lamp-fripiers-02', status: 'failed', error: { code: 'ZENNE_ERR_AGENT_COMMAND_NO_ANSWER', message: 'no answer' } });
    const done = await until(async () => {
      const r = (await get(record.id)).json();
      return r.state === 'complete' ? r : undefined;
    });
    expect(done.summary).toEqual({ done: 1, failed: 1 });
    expect(done.devices.find((d: { device: string }) => d.device === 'lamp-fripiers-01')).toMatchObject({ status: 'done', observed: { level: 50 } });
    expect(h.cloud.stats().commands.outcomes).toMatchObject({ done: 1, failed: 1 });
  });

  it('rejects, without sending, a device whose profile takes no such command', async () => {
    const before = received.length;
    const res = await post({ target: { devices: ['aq-monnaie-01', 'lamp-monnaie-01'] }, command: { action: 'switch', state: 'off' } });
    const record = res.json();
    expect(record.devices.find((d: { device: string }) => d.device === 'aq-monnaie-01')).toMatchObject({
      status: 'rejected',
      error: { code: 'ZENNE_ERR_COMMAND_UNSUPPORTED', message: expect.stringMatching(/nova-sds011.*takes no commands/) },
    });
    const request = await until(async () => received.slice(before).find((r) => r.id === record.id));
    expect(request.devices).toEqual(['lamp-monnaie-01']);
  });

  it('marks a device timeout when its gateway never answers, and takes a late result', async () => {
    const record = (await post({ target: { devices: ['lamp-monnaie-01'] }, command: { action: 'dim', level: 20 }, timeout_s: 1 })).json();
    const timedOut = await until(async () => {
      const r = (await get(record.id)).json();
      return r.state === 'complete' ? r : undefined;
    });
    expect(timedOut.devices[0]).toMatchObject({ status: 'timeout', error: { code: 'ZENNE_ERR_COMMAND_TIMEOUT' } });
    await answer({ id: record.id, device: 'lamp-monnaie-01', status: 'done', observed: { level: 20 } });
    await until(async () => ((await get(record.id)).json().devices[0].status === 'done' ? true : undefined));
  });

  it('refuses bad submissions with the right status and names the field', async () => {
    expect((await post({ target: { tags: { lamp_group: '99' } }, command: { action: 'dim', level: 50 } })).statusCode).toBe(422);
    const unknown = await post({ target: { devices: ['lamp-nowhere'] }, command: { action: 'dim', level: 50 } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('ZENNE_ERR_COMMAND_UNKNOWN_DEVICE');
    const bad = await post({ target: { devices: ['lamp-monnaie-01'] }, command: { action: 'dim', level: 150 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/command/);
    const unordered = await post({
      target: { devices: ['lamp-monnaie-01'] },
      command: { action: 'schedule', steps: [{ at: '22:00', level: 50 }, { at: '20:00', level: 70 }] },
    });
    expect(unordered.statusCode).toBe(400);
    expect((await get('no-such-command')).statusCode).toBe(404);
  });

  it('refuses callers without the admin token', async () => {
    const res = await post({ target: { devices: ['lamp-monnaie-01'] }, command: { action: 'dim', level: 50 } }, 'Bearer wrong');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('ZENNE_ERR_PROVISIONING_ADMIN_DENIED');
    expect((await h.cloud.app.inject({ method: 'GET', url: '/api/v1/commands' })).statusCode).toBe(403);
  });

  it('counts results that are not JSON, break the contract, or come from a gateway that does not own the device', async () => {
    const record = (await post({ target: { devices: ['lamp-monnaie-01'] }, command: { action: 'dim', level: 60 } })).json();
    await gateway.publishAsync(topics.commandResults('gw-monnaie'), '{oops', { qos: 1 });
    await gateway.publishAsync(topics.commandResults('gw-monnaie'), JSON.stringify({ v: 1, id: record.id }), { qos: 1 });
    await answer({ id: 'never-sent', device: 'lamp-monnaie-01', status: 'done' });
    const bourse = await connectGateway(h, 'gw-bourse');
    await answer({ id: record.id, device: 'lamp-monnaie-01', status: 'done' }, bourse);
    await until(async () => (h.cloud.stats().commands.invalid_results.not_owner === 1 ? true : undefined));
    expect(h.cloud.stats().commands.invalid_results).toEqual({ not_json: 1, invalid: 1, unknown_command: 1, not_owner: 1 });
    expect((await get(record.id)).json().devices[0].status).toBe('pending');
  });
});
