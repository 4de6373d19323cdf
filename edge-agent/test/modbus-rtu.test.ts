import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadingDraft } from '@zenne/device-profiles';
import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { encodeRegisterValue, encodeRtuFrame } from '@zenne/firmware-bridges/modbus';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { silentLogger } from '../src/logger.ts';
import { modbusRtuSourceConfigSchema, modbusRtuSourceKind, type ModbusSource } from '../src/sources/modbus/index.ts';
import { sourceContract } from '../src/sources/testing/source-contract.ts';
import { ModbusPeer } from './modbus-peer.ts';

function rtuSource(port: string, devices: unknown[], extra: Record<string, unknown> = {}): ModbusSource {
  const config = modbusRtuSourceConfigSchema.parse({ id: 'rs485-01', kind: 'modbus_rtu', port, baud_rate: 9600, devices, ...extra });
  return modbusRtuSourceKind.create(config, { logger: silentLogger() }) as ModbusSource;
}

let pair: PtyPair | undefined;
let peer: ModbusPeer | undefined;
let source: ModbusSource | undefined;
let slave: SerialPortStream | undefined;

async function teardown(): Promise<void> {
  await source?.stop();
  if (slave?.isOpen) await new Promise<void>((resolve) => slave!.close(() => resolve()));
  slave = undefined;
  await peer?.close();
  await pair?.close();
  source = undefined;
  peer = undefined;
  pair = undefined;
}

async function serve(): Promise<ModbusPeer> {
  pair = await openPtyPair();
  peer = new ModbusPeer();
  await peer.listenSerial(pair.b, 9600);
  return peer;
}

sourceContract({
  name: 'modbus_rtu over a socat pty against modbus-serial ServerSerial, a Senseair S8 at unit 254',
  async create() {
    const peer = await serve();
    // TDE2067: IR4 (address 3) "Space CO2"; 254 is the S8's "any sensor" address.
    peer.unit(254, { 3: 812 }).answers = 0;
    source = rtuSource(pair!.a, [{ device: 'co2-room-1', profile: 'senseair-s8', unit_id: 254, poll_period_s: 0.15 }], { timeout_ms: 300 });
    return source;
  },
  async feed() {
    peer!.units.get(254)!.answers = 1;
    return [{ device: 'co2-room-1', quantity: 'co2', value: 812 }];
  },
  async feedNoise() {
    await writeFile(pair!.b, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x55, 0xaa]));
    await new Promise((resolve) => setTimeout(resolve, 200));
  },
  teardown,
});

describe('modbus_rtu bus', () => {
  afterEach(teardown);

  it('reads an SDM630 as the whole meter and as phase 2 (separate devices), floats high word first', async () => {
    const peer = await serve();
    const values: Record<number, number> = { 0x02: 231.5, 0x08: 10.5, 0x0e: 2400, 0x20: 0.75, 0x15c: 321.5, 0x162: 0, 0x2a: 230, 0x30: 30.25, 0x34: 6800, 0x3e: 0.5, 0x46: 50, 0x48: 5000, 0x4a: 1.5 };
    const registers: Record<number, number> = {};
    for (const [address, value] of Object.entries(values)) {
      encodeRegisterValue(value, 'float32').forEach((word, i) => (registers[Number(address) + i] = word));
    }
    peer.unit(1, registers);
    source = rtuSource(pair!.a, [
      { device: 'meter-01', profile: 'eastron-sdm630', unit_id: 1, poll_period_s: 5 },
      { device: 'meter-01-l2', profile: 'eastron-sdm630', unit_id: 1, poll_period_s: 5, phase: 2 },
    ]);
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => readings.length >= 13);
    const of = (device: string) => Object.fromEntries(readings.filter((r) => r.device === device).map((r) => [r.quantity, r.value]));
    expect(of('meter-01')).toEqual({
      voltage: 230,
      current: 30.25,
      active_power: 6800,
      power_factor: 0.5,
      frequency: 50,
      energy: 5_000_000,
      energy_export: 1500,
    });
    expect(of('meter-01-l2')).toEqual({ voltage: 231.5, current: 10.5, active_power: 2400, power_factor: 0.75, energy: 321_500, energy_export: 0 });
    expect(readings.every((r) => r.quality === 'good')).toBe(true);
    expect(source.stats().problems).toEqual({});
  });

  it('counts CRC errors of a garbled answer, names wiring or noise, and keeps the device on its period', async () => {
    pair = await openPtyPair();
    // A slave whose answers are damaged on the line: the right frame with one bit flipped.
    slave = new SerialPortStream({ binding: autoDetect(), path: pair.b, baudRate: 9600 });
    slave.on('data', (request: Buffer) => {
      const answer = encodeRtuFrame(request[0]!, Buffer.from([0x04, 0x02, 0x01, 0x90]));
      answer[4] = answer[4]! ^ 0x01;
      slave!.write(answer);
    });
    source = rtuSource(pair.a, [{ device: 'co2-room-1', profile: 'senseair-s8', unit_id: 1, poll_period_s: 0.2 }], { retries: 1 });
    await source.start(async () => undefined);
    await until(() => source!.deviceStats()[0]!.crc_errors >= 4);
    const device = source.deviceStats()[0]!;
    expect(device).toMatchObject({ schedule: 'polling', timeouts: 0, answers: 0 });
    expect(device.last_error).toMatch(/unit 1 \(co2-room-1\).*failed the CRC check.*wiring or noise/);
    expect(source.stats().errors['co2-room-1.crc_errors']).toBe(device.crc_errors);
  });

  it('counts line noise between answers and still reads', async () => {
    const peer = await serve();
    peer.unit(254, { 3: 455 });
    source = rtuSource(pair!.a, [{ device: 'co2-room-1', profile: 'senseair-s8', unit_id: 254, poll_period_s: 0.3 }]);
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => readings.length >= 1);
    await writeFile(pair!.b, Buffer.from('garbage on the line'));
    const before = readings.length;
    await until(() => readings.length >= before + 2);
    const errors = source.stats().errors;
    expect((errors['stray_bytes'] ?? 0) + (errors['co2-room-1.crc_errors'] ?? 0) + (errors['co2-room-1.bad_frames'] ?? 0)).toBeGreaterThan(0);
    expect(readings.at(-1)).toMatchObject({ quantity: 'co2', value: 455, unit: 'ppm' });
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
