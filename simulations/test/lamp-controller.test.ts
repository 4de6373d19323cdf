import modbusSerial from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_BITS, LampControllerServer, Luminaire } from '../src/devices/lamp-controller/index.ts';

// The package's typings describe its CommonJS default export as a namespace; it is the client class.
const ModbusClient = modbusSerial as unknown as (typeof import('modbus-serial'))['default'];
type ModbusRTU = InstanceType<typeof ModbusClient>;

/** 2026-11-23 at `hh:mm` Brussels time (CET, UTC+1). */
function brussels(hh: number, mm = 0): number {
  return Date.UTC(2026, 10, 23, hh - 1, mm);
}

describe('Luminaire model', () => {
  it('integrates energy and lamp on time from the level in force', () => {
    let now = brussels(18);
    const lamp = new Luminaire({ rated_power_w: 100, standby_power_w: 0.5 }, () => now);
    now += 3_600_000; // one hour at 100 %
    expect(lamp.read(4, 4)).toEqual([0, 100, 0, 3600]); // 100.5 Wh floored, 3600 s
    lamp.write(0, [50]);
    now += 3_600_000; // one hour at 50 %: 50.5 Wh more
    expect(lamp.read(2, 4)).toEqual([50, 505, 0, 151]);
    lamp.write(1, [0]);
    now += 3_600_000; // one hour off: standby only, no on time
    expect(lamp.read(2, 6)).toEqual([0, 5, 0, 151, 0, 7200]);
  });

  it('lets a schedule step take over the setpoint when its time passes, also across midnight', () => {
    let now = brussels(19, 30);
    const lamp = new Luminaire({}, () => now);
    // 05:00 → 100 %, 20:00 → 70 %, 22:00 → 50 % (steps in time-of-day order)
    lamp.write(16, [3, 5 * 60, 100, 20 * 60, 70, 22 * 60, 50, 0, 0, 0, 0, 0, 0]);
    expect(lamp.level()).toBe(100); // at 19:30 the 05:00 step is in force
    now = brussels(20, 1);
    expect(lamp.level()).toBe(70);
    lamp.write(0, [30]); // a dim command holds until the next step
    now = brussels(21, 59);
    expect(lamp.level()).toBe(30);
    now = brussels(22, 0);
    expect(lamp.level()).toBe(50);
    now = brussels(22, 0) + 8 * 3_600_000; // 06:00 the next day
    expect(lamp.level()).toBe(100);
  });

  it('goes dark on a lamp failure and reports the fault bits', () => {
    const lamp = new Luminaire();
    lamp.setFault('lamp', true);
    expect(lamp.read(2, 1)).toEqual([0]);
    expect(lamp.read(8, 1)).toEqual([FAULT_BITS.lamp]);
  });
});

describe('LampControllerServer over Modbus TCP (modbus-serial client)', () => {
  let server: LampControllerServer | undefined;
  let client: ModbusRTU | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (client?.isOpen ? client.close(() => resolve()) : resolve()));
    await server?.close();
  });

  async function connect(): Promise<ModbusRTU> {
    server = new LampControllerServer();
    server.add(1);
    server.add(2);
    const port = await server.listen();
    client = new ModbusClient();
    await client.connectTCP('127.0.0.1', { port });
    client.setTimeout(300);
    return client;
  }

  it('takes a dim write (function 06) and reads it back, one luminaire per unit id', async () => {
    const c = await connect();
    c.setID(2);
    await c.writeRegister(0, 40);
    expect((await c.readHoldingRegisters(0, 3)).data).toEqual([40, 1, 40]);
    c.setID(1);
    expect((await c.readHoldingRegisters(2, 1)).data).toEqual([100]);
  });

  it('refuses a level above 100 % and a write to a read-only register with exceptions', async () => {
    const c = await connect();
    c.setID(1);
    await expect(c.writeRegister(0, 140)).rejects.toMatchObject({ modbusCode: 3 });
    await expect(c.writeRegister(3, 1)).rejects.toMatchObject({ modbusCode: 2 });
    expect(server!.counters.refused).toBe(2);
  });

  it('takes a schedule as one function 16 write', async () => {
    const c = await connect();
    c.setID(1);
    await c.writeRegisters(16, [2, 1200, 70, 1320, 50, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(server!.luminaires.get(1)!.scheduleSteps()).toEqual([
      { minute: 1200, level: 70 },
      { minute: 1320, level: 50 },
    ]);
  });

  it('leaves a unit id without a luminaire unanswered', async () => {
    const c = await connect();
    c.setID(9);
    await expect(c.readHoldingRegisters(0, 1)).rejects.toThrow(/Timed out/i);
    expect(server!.counters.unanswered).toBe(1);
  });
});
