import { afterEach, describe, expect, it } from 'vitest';
import type { ReadingDraft } from '@zenne/device-profiles';
import { encodeRegisterValue } from '@zenne/firmware-bridges/modbus';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { silentLogger } from '../src/logger.ts';
import { modbusRtuSourceConfigSchema, modbusRtuSourceKind, type ModbusSource } from '../src/sources/modbus/index.ts';
import { ModbusPeer } from './modbus-peer.ts';

// An XY-MD02 (SHT20) transmitter, profile sht20-xy-md02: input registers 1 (temperature ×10,
// two's complement) and 2 (humidity ×10), function 04, unit 1, 9600 8N1. The real agent
// modbus_rtu source reads it from a modbus-serial server (an independent Modbus
// implementation) across a socat pty.
//
// Values: UCI "Appliances energy prediction" (Candanedo et al. 2017, CC BY 4.0; Zenne shared
// data timeseries/building-energy-uci-belgium), house near Mons, 2016-03-01 00:00: outside the
// building, north side (T6, RH_6) -2.07 °C and 68.43 %; kitchen (T1, RH_1) 21.79 °C and 35.09 %.
// At the transmitter's 0.1 resolution: -2.1 °C / 68.4 % and 21.8 °C / 35.1 %.
const OUTSIDE = { temperature: -21, humidity: 684 };
const KITCHEN = { temperature: 218, humidity: 351 };
const UNIT = 1;

/** Register words of an XY-MD02 holding `temperature` and `humidity` in tenths. */
function xyMd02Registers(tenths: { temperature: number; humidity: number }): Record<number, number> {
  return { 1: encodeRegisterValue(tenths.temperature, 'int16')[0]!, 2: encodeRegisterValue(tenths.humidity, 'uint16')[0]! };
}

let pair: PtyPair | undefined;
let peer: ModbusPeer | undefined;
let source: ModbusSource | undefined;

afterEach(async () => {
  await source?.stop();
  await peer?.close();
  await pair?.close();
  [source, peer, pair] = [undefined, undefined, undefined];
});

async function readXyMd02(registers: Record<number, number>, count: number): Promise<ReadingDraft[]> {
  pair = await openPtyPair();
  peer = new ModbusPeer();
  await peer.listenSerial(pair.b, 9600);
  const unit = peer.unit(UNIT, registers);
  const config = modbusRtuSourceConfigSchema.parse({
    id: 'rs485-climate',
    kind: 'modbus_rtu',
    port: pair.a,
    baud_rate: 9600,
    devices: [{ device: 'climate-north-01', profile: 'sht20-xy-md02', unit_id: UNIT, poll_period_s: 0.1 }],
  });
  source = modbusRtuSourceKind.create(config, { logger: silentLogger() }) as ModbusSource;
  const readings: ReadingDraft[] = [];
  await source.start(async (batch) => void readings.push(...batch));
  await until(() => readings.length >= count);
  expect(unit.requests.length).toBeGreaterThan(0);
  return readings;
}

describe('XY-MD02 temperature/humidity over Modbus RTU', () => {
  it('reads a negative temperature (two\'s complement) and the humidity, ×0.1, as good readings', async () => {
    const readings = await readXyMd02(xyMd02Registers(OUTSIDE), 2);
    expect(readings.slice(0, 2)).toMatchObject([
      { device: 'climate-north-01', quantity: 'temperature', value: -2.1, unit: 'Cel', quality: 'good' },
      { device: 'climate-north-01', quantity: 'humidity', value: 68.4, unit: '%', quality: 'good' },
    ]);
    expect(source!.stats().problems).toEqual({});
  });

  it('follows the registers as they change (the kitchen values after the outside ones)', async () => {
    const readings = await readXyMd02(xyMd02Registers(OUTSIDE), 2);
    for (const [address, word] of Object.entries(xyMd02Registers(KITCHEN))) peer!.units.get(UNIT)!.registers.set(Number(address), word);
    await until(() => readings.some((r) => r.quantity === 'temperature' && r.value === 21.8));
    const latest = (quantity: string) => readings.filter((r) => r.quantity === quantity).at(-1);
    await until(() => latest('humidity')?.value === 35.1);
    expect(latest('temperature')).toMatchObject({ value: 21.8, quality: 'good' });
    expect(latest('humidity')).toMatchObject({ value: 35.1, quality: 'good' });
  });

  it('marks the readings of a ×100 unit read with this ×10 profile bad, so the wrong variant shows at once', async () => {
    // e-tinkers/Modbus-RTU examples/SHT20: 30.5 °C is 0x0131 on ×10 units and 0x0BEA on ×100 units.
    const readings = await readXyMd02({ 1: 0x0bea, 2: 5460 }, 2);
    expect(readings.slice(0, 2)).toMatchObject([
      { quantity: 'temperature', value: 305, quality: 'bad', reasons: ['out_of_valid_range'] },
      { quantity: 'humidity', value: 546, quality: 'bad', reasons: ['out_of_valid_range'] },
    ]);
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
