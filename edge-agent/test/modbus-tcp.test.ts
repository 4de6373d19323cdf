import { afterEach, describe, expect, it } from 'vitest';
import type { ReadingDraft } from '@zenne/device-profiles';
import { encodeRegisterValue } from '@zenne/firmware-bridges/modbus';
import { silentLogger } from '../src/logger.ts';
import { modbusTcpSourceConfigSchema, modbusTcpSourceKind, type ModbusSource } from '../src/sources/modbus/index.ts';
import { sourceContract, type ExpectedReading } from '../src/sources/testing/source-contract.ts';
import { freeTcpPort, ModbusPeer } from './modbus-peer.ts';

/** SDM120 input registers (registers-sdm120.md addresses) holding the values of one meter reading. */
function sdm120Registers(values: Record<number, number>): Record<number, number> {
  const registers: Record<number, number> = {};
  for (const [address, value] of Object.entries(values)) {
    encodeRegisterValue(value, 'float32').forEach((word, i) => (registers[Number(address) + i] = word));
  }
  return registers;
}

// Values exactly representable as float32, so the canonical readings compare with toEqual.
const METER = { 0x00: 230.5, 0x06: 4.25, 0x0c: 960, 0x1e: 0.5, 0x46: 50, 0x48: 1234.5, 0x4a: 12.25 };
const METER_READINGS: ExpectedReading[] = [
  { device: 'meter-01', quantity: 'voltage', value: 230.5 },
  { device: 'meter-01', quantity: 'current', value: 4.25 },
  { device: 'meter-01', quantity: 'active_power', value: 960 },
  { device: 'meter-01', quantity: 'power_factor', value: 0.5 },
  { device: 'meter-01', quantity: 'frequency', value: 50 },
  { device: 'meter-01', quantity: 'energy', value: 1_234_500 },
  { device: 'meter-01', quantity: 'energy_export', value: 12_250 },
];

function tcpSource(port: number, devices: unknown[], extra: Record<string, unknown> = {}): ModbusSource {
  const config = modbusTcpSourceConfigSchema.parse({ id: 'bus-01', kind: 'modbus_tcp', host: '127.0.0.1', port, devices, ...extra });
  return modbusTcpSourceKind.create(config, { logger: silentLogger() }) as ModbusSource;
}

let peer: ModbusPeer | undefined;
let source: ModbusSource | undefined;
sourceContract({
  name: 'modbus_tcp against modbus-serial ServerTCP, an SDM120 at unit 1',
  async create() {
    peer = new ModbusPeer();
    // Busy (exception 06) until the test feeds: a polled device yields readings only when fed.
    peer.unit(1, sdm120Registers(METER)).answers = 0;
    const port = await peer.listenTcp();
    source = tcpSource(port, [{ device: 'meter-01', profile: 'eastron-sdm120', unit_id: 1, poll_period_s: 0.1 }], { timeout_ms: 200 });
    return source;
  },
  async feed() {
    peer!.units.get(1)!.answers = 1;
    return METER_READINGS;
  },
  async feedNoise() {
    // TCP has no line noise; its counterpart is a lost request (no answer): a timeout, then a retry.
    peer!.units.get(1)!.drop = 1;
    await new Promise((resolve) => setTimeout(resolve, 400));
  },
  async teardown() {
    await source?.stop();
    await peer?.close();
    source = undefined;
    peer = undefined;
  },
});

describe('modbus_tcp bus', () => {
  afterEach(async () => {
    await source?.stop();
    await peer?.close();
    source = undefined;
    peer = undefined;
  });

  it('reads an S8 (uint16 input register 3) with its unit, and reports an exception with the register-map fix', async () => {
    peer = new ModbusPeer();
    peer.unit(2, { 3: 612 });
    peer.unit(3, {}).answers = 0;
    const port = await peer.listenTcp();
    source = tcpSource(port, [
      { device: 'co2-02', profile: 'senseair-s8', unit_id: 2, poll_period_s: 0.2 },
      { device: 'co2-03', profile: 'senseair-s8', unit_id: 3, poll_period_s: 0.2 },
    ]);
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => readings.length >= 2 && source!.deviceStats()[1]!.exceptions > 0);
    expect(readings[0]).toMatchObject({ device: 'co2-02', quantity: 'co2', value: 612, unit: 'ppm', quality: 'good' });
    expect(readings.every((r) => r.device === 'co2-02')).toBe(true);
    const busy = source.deviceStats()[1]!;
    expect(busy).toMatchObject({ device: 'co2-03', schedule: 'polling', answers: expect.any(Number) });
    expect(busy.last_error).toMatch(/unit 3 \(co2-03\) answered exception 06 \(SERVER DEVICE BUSY\).*register map/);
    expect(source.stats().errors['co2-03.exceptions']).toBeGreaterThan(0);
  });

  it('reports the bus unavailable while nothing listens, then connects and reads when the server comes up', async () => {
    const port = await freeTcpPort();
    source = tcpSource(port, [{ device: 'co2-02', profile: 'senseair-s8', unit_id: 2, poll_period_s: 0.2 }]);
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => (source!.stats().errors['bus'] ?? 0) > 0);
    expect(source.stats().state).toBe('unavailable');
    expect(source.stats().last_error).toMatch(/Modbus bus 127\.0\.0\.1:\d+ of source bus-01 is unavailable.*reachable/);
    peer = new ModbusPeer();
    peer.unit(2, { 3: 733 });
    await peer.listenTcp(port);
    await until(() => readings.length >= 1);
    expect(source.stats().state).toBe('running');
    expect(readings[0]).toMatchObject({ device: 'co2-02', value: 733 });
  });

  it('acceptance 2: ten slaves, one never answers; the nine keep their poll period and the dead one is reported', async () => {
    const PERIOD_S = 0.5;
    const RUN_MS = 6000;
    peer = new ModbusPeer();
    const devices = [];
    for (let unitId = 1; unitId <= 10; unitId += 1) {
      if (unitId !== 7) peer.unit(unitId, { 3: 400 + unitId });
      devices.push({ device: `co2-${unitId}`, profile: 'senseair-s8', unit_id: unitId, poll_period_s: PERIOD_S });
    }
    const port = await peer.listenTcp();
    source = tcpSource(port, devices, { timeout_ms: 250, retries: 2 });
    const arrivals = new Map<string, number[]>();
    await source.start(async (batch) => {
      for (const reading of batch) arrivals.set(reading.device, [...(arrivals.get(reading.device) ?? []), performance.now()]);
    });
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    await source.stop();

    for (let unitId = 1; unitId <= 10; unitId += 1) {
      if (unitId === 7) continue;
      // Request times as seen by the server: one per poll, at the device's period.
      const times = peer.units.get(unitId)!.requests;
      const intervals = times.slice(1).map((t, i) => t - times[i]!);
      const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length;
      expect(times.length, `unit ${unitId} polls`).toBeGreaterThanOrEqual(Math.floor((RUN_MS / 1000 / PERIOD_S) * 0.85));
      expect(mean / 1000, `unit ${unitId} mean interval`).toBeGreaterThan(PERIOD_S * 0.85);
      expect(mean / 1000, `unit ${unitId} mean interval`).toBeLessThan(PERIOD_S * 1.15);
      // At most one dead-slave timeout (250 ms) plus scheduling jitter late: never a missed poll.
      expect(Math.max(...intervals) / 1000, `unit ${unitId} longest interval`).toBeLessThan(PERIOD_S * 2);
      expect(arrivals.get(`co2-${unitId}`)!.length).toBe(times.length);
    }
    const dead = source.deviceStats().find((d) => d.device === 'co2-7')!;
    expect(dead).toMatchObject({ schedule: 'slow_retry', answers: 0, last_answer_at: null });
    expect(dead.timeouts).toBeGreaterThanOrEqual(3);
    expect(dead.last_error).toMatch(/no answer from unit 7 \(co2-7\).*check the unit address/);
    expect(source.stats().errors['co2-7.timeouts']).toBe(dead.timeouts);
    expect(arrivals.has('co2-7')).toBe(false);
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
