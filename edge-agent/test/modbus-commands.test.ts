import { afterEach, describe, expect, it } from 'vitest';
import { topics, type CommandResult } from '@zenne/device-profiles';
import { CommandRouter } from '../src/commands/index.ts';
import { silentLogger } from '../src/logger.ts';
import { modbusTcpSourceConfigSchema, modbusTcpSourceKind, type ModbusSource } from '../src/sources/modbus/index.ts';
import { ModbusPeer } from './modbus-peer.ts';

const LAMP = 'generic-modbus-lamp-controller';
/** A lamp at 100 %, 100.5 W (register 3 in 0.1 W), no faults. */
const LAMP_REGISTERS = { 0: 100, 1: 1, 2: 100, 3: 1005, 8: 0 };
const GATEWAY = 'gw-fripiers';

let peer: ModbusPeer | undefined;
let source: ModbusSource | undefined;

afterEach(async () => {
  await source?.stop();
  await peer?.close();
  source = undefined;
  peer = undefined;
});

/** A bus with lamps at units 1-4 (1 normal, 2 clamps writes to 70, 3 refuses writes, 4 dead) and an SDM120 meter at unit 5. */
async function startBus(): Promise<{ peer: ModbusPeer; source: ModbusSource }> {
  peer = new ModbusPeer();
  peer.unit(1, LAMP_REGISTERS);
  peer.unit(2, LAMP_REGISTERS).onWrite = { clampTo: 70 };
  peer.unit(3, LAMP_REGISTERS).onWrite = 'refuse';
  peer.unit(5, {});
  const port = await peer.listenTcp();
  const config = modbusTcpSourceConfigSchema.parse({
    id: 'lamps',
    kind: 'modbus_tcp',
    host: '127.0.0.1',
    port,
    timeout_ms: 150,
    retries: 1,
    devices: [
      { device: 'lamp-01', profile: LAMP, unit_id: 1, poll_period_s: 60 },
      { device: 'lamp-02', profile: LAMP, unit_id: 2, poll_period_s: 60 },
      { device: 'lamp-03', profile: LAMP, unit_id: 3, poll_period_s: 60 },
      { device: 'lamp-04', profile: LAMP, unit_id: 4, poll_period_s: 60 },
      { device: 'meter-01', profile: 'eastron-sdm120', unit_id: 5, poll_period_s: 60 },
    ],
  });
  source = modbusTcpSourceKind.create(config, { logger: silentLogger() }) as ModbusSource;
  await source.init();
  await source.start(async () => {});
  return { peer, source };
}

const soon = (ms = 3000) => Date.now() + ms;

describe('Modbus source carries out commands (modbus-serial server as the controllers)', () => {
  it('dims a lamp: function 06 write, read back, observed level', async () => {
    const { peer, source } = await startBus();
    expect(source.commandsOf('lamp-01')).toEqual(['dim', 'switch', 'schedule']);
    expect(source.commandsOf('meter-01')).toEqual([]);
    expect(source.commandsOf('nowhere')).toBeUndefined();
    const outcome = await source.execute('c1', 'lamp-01', { action: 'dim', level: 50 }, soon());
    expect(outcome).toEqual({ status: 'done', observed: { level: 50 } });
    expect(peer.units.get(1)!.writes).toEqual([[0, 50]]);
    expect(peer.units.get(1)!.registers.get(0)).toBe(50);
  });

  it('switches a lamp off and writes a schedule as one function 16 block', async () => {
    const { peer, source } = await startBus();
    expect(await source.execute('c2', 'lamp-01', { action: 'switch', state: 'off' }, soon())).toEqual({ status: 'done', observed: { on: 0 } });
    const steps = [
      { at: '05:00', level: 100 },
      { at: '20:00', level: 70 },
      { at: '22:00', level: 50 },
    ];
    expect(await source.execute('c3', 'lamp-01', { action: 'schedule', steps }, soon())).toEqual({ status: 'done', observed: { steps: 3 } });
    expect(peer.units.get(1)!.writes.at(-1)).toEqual([16, 3, 300, 100, 1200, 70, 1320, 50, 0, 0, 0, 0, 0, 0]);
  });

  it('names what went wrong: clamped value, exception, no answer, unsupported schedule', async () => {
    const { source } = await startBus();
    const clamped = await source.execute('c4', 'lamp-02', { action: 'dim', level: 90 }, soon());
    expect(clamped.status).toBe('failed');
    expect(clamped.status !== 'done' && clamped.error.code).toBe('ZENNE_ERR_AGENT_COMMAND_NOT_APPLIED');
    expect(clamped.status !== 'done' && clamped.error.message).toMatch(/reads back 70 instead of 90 at register 0/);

    const refused = await source.execute('c5', 'lamp-03', { action: 'dim', level: 40 }, soon());
    expect(refused.status !== 'done' && refused.error.code).toBe('ZENNE_ERR_AGENT_COMMAND_REFUSED');
    expect(refused.status !== 'done' && refused.error.message).toMatch(/exception 03 \(ILLEGAL DATA VALUE\)/);

    const dead = await source.execute('c6', 'lamp-04', { action: 'dim', level: 40 }, soon(1500));
    expect(dead.status !== 'done' && dead.error.code).toBe('ZENNE_ERR_AGENT_COMMAND_NO_ANSWER');
    expect(dead.status !== 'done' && dead.error.message).toMatch(/unit 4/);

    const steps = ['01:00', '02:00', '03:00', '04:00', '05:00', '06:00', '07:00'].map((at) => ({ at, level: 50 }));
    const tooLong = await source.execute('c7', 'lamp-01', { action: 'schedule', steps }, soon());
    expect(tooLong).toMatchObject({ status: 'rejected', error: { code: 'ZENNE_ERR_AGENT_COMMAND_UNSUPPORTED' } });
  });

  it('ends a queued command as aborted when the source stops', async () => {
    const { source } = await startBus();
    // The dead unit holds the bus for its timeouts; the next command waits behind it and the stop ends it.
    const first = source.execute('c8', 'lamp-04', { action: 'dim', level: 10 }, soon());
    const queued = source.execute('c9', 'lamp-01', { action: 'dim', level: 10 }, soon());
    await source.stop();
    const ended = await queued;
    expect(ended.status).toBe('failed');
    expect(ended.status !== 'done' && ended.error.code).toBe('ZENNE_ERR_AGENT_COMMAND_ABORTED');
    expect((await first).status).toBe('failed');
  });
});

describe('CommandRouter', () => {
  function router(sources: ModbusSource[]) {
    const published: CommandResult[] = [];
    let online = true;
    const r = new CommandRouter({
      gateway: GATEWAY,
      sources: () => sources,
      publish: (topic, payload) => {
        expect(topic).toBe(topics.commandResults(GATEWAY));
        if (online) published.push(JSON.parse(payload) as CommandResult);
        return online;
      },
      logger: silentLogger(),
    });
    const send = (message: unknown) => r.channel.onMessage(topics.commands(GATEWAY), Buffer.from(typeof message === 'string' ? message : JSON.stringify(message)));
    return { r, published, send, setOnline: (v: boolean) => (online = v) };
  }

  const request = (id: string, devices: string[], expiresInMs = 3000) => ({
    v: 1,
    id,
    devices,
    command: { action: 'dim', level: 30 },
    issued_at: new Date().toISOString(),
    expires_at: new Date(Date.now() + expiresInMs).toISOString(),
  });

  it('answers one result per device, and sends finished results again instead of re-running a redelivered command', async () => {
    const { peer, source } = await startBus();
    const { r, published, send } = router([source]);
    send(request('k1', ['lamp-01', 'meter-01', 'lamp-99']));
    await r.idle();
    const byDevice = Object.fromEntries(published.map((p) => [p.device, p]));
    expect(byDevice['lamp-01']).toMatchObject({ id: 'k1', status: 'done', observed: { level: 30 } });
    expect(byDevice['meter-01']).toMatchObject({ status: 'rejected', error: { code: 'ZENNE_ERR_AGENT_COMMAND_UNSUPPORTED' } });
    expect(byDevice['lamp-99']).toMatchObject({ status: 'rejected', error: { code: 'ZENNE_ERR_AGENT_COMMAND_UNKNOWN_DEVICE' } });
    send(request('k1', ['lamp-01', 'meter-01', 'lamp-99']));
    await r.idle();
    expect(published).toHaveLength(6);
    expect(peer.units.get(1)!.writes).toEqual([[0, 30]]);
    expect(r.stats()).toMatchObject({ received: 3, done: 1, rejected: 2, running: 0 });
  });

  it('does not carry out an expired command, refuses bad messages with counters, and keeps results until the link is back', async () => {
    const { peer, source } = await startBus();
    const { r, published, send, setOnline } = router([source]);
    send(request('k2', ['lamp-01'], -1000));
    await r.idle();
    expect(published).toEqual([expect.objectContaining({ id: 'k2', status: 'expired', error: expect.objectContaining({ code: 'ZENNE_ERR_AGENT_COMMAND_EXPIRED' }) })]);
    expect(peer.units.get(1)!.writes).toEqual([]);

    send('{not json');
    send({ ...request('k3', ['lamp-01']), command: { action: 'dim', level: 140 } });
    await r.idle();
    expect(r.stats().invalid).toBe(2);
    // The second message still had a readable id and device: it is answered `rejected`, naming the field.
    expect(published.at(-1)).toMatchObject({ id: 'k3', device: 'lamp-01', status: 'rejected', error: { message: expect.stringMatching(/command\.level/) } });

    setOnline(false);
    send(request('k4', ['lamp-01']));
    await r.idle();
    expect(published.some((p) => p.id === 'k4')).toBe(false);
    setOnline(true);
    r.channel.onConnected();
    expect(published.at(-1)).toMatchObject({ id: 'k4', status: 'done' });
  });
});
