import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { getProfile } from '@zenne/device-profiles';
import { parseConfigText } from '../src/config/index.ts';
import { checkDevicePlan, planDevice } from '../src/sources/modbus/device-plan.ts';
import { DeviceSchedule } from '../src/sources/modbus/device-schedule.ts';

const entry = { device: 'meter-01', profile: 'eastron-sdm630', unit_id: 1, poll_period_s: 10 };

describe('Modbus device plans', () => {
  it('reads the SDM630 whole-meter view in one block and a phase view in two', () => {
    const profile = getProfile('eastron-sdm630');
    const meter = planDevice(entry, profile);
    expect(meter.functionCode).toBe(0x04);
    expect(meter.blocks).toEqual([{ address: 0x2a, quantity: 0x4c - 0x2a }]);
    const phase3 = planDevice({ ...entry, device: 'meter-01-l3', phase: 3 }, profile);
    expect(phase3.blocks).toEqual([
      { address: 0x04, quantity: 0x24 - 0x04 },
      { address: 0x15e, quantity: 0x166 - 0x15e },
    ]);
    expect(phase3.registers.map((r) => r.field).sort()).toEqual(['active_power', 'current', 'export_energy', 'import_energy', 'power_factor', 'voltage']);
  });

  it('refuses a phase the profile has no registers for, and a profile without a register map', () => {
    expect(checkDevicePlan({ ...entry, profile: 'eastron-sdm120', phase: 2 }, getProfile('eastron-sdm120'))).toEqual([
      { key: 'phase', message: 'profile eastron-sdm120 has no registers for phase 2' },
    ]);
    expect(checkDevicePlan(entry, getProfile('nova-sds011'))[0]?.message).toMatch(/serial device, not a Modbus one/);
  });
});

describe('DeviceSchedule', () => {
  it('keeps a fixed cadence when a poll is late, and skips missed polls instead of bursting', () => {
    const schedule = new DeviceSchedule(1000, 2, 60_000, 0);
    schedule.answered(300); // polled 300 ms late (another device timed out)
    expect(schedule.nextDueAt).toBe(1000);
    schedule.answered(5200); // the bus was busy for seconds
    expect(schedule.nextDueAt).toBe(5200);
  });

  it('retries twice shortly, then moves to the slow schedule with single attempts, and back on an answer', () => {
    const schedule = new DeviceSchedule(1000, 2, 60_000, 0);
    expect(schedule.failed(0)).toBe('retry');
    expect(schedule.nextDueAt).toBe(50);
    expect(schedule.failed(50)).toBe('retry');
    expect(schedule.nextDueAt).toBe(150);
    expect(schedule.failed(150)).toBe('exhausted');
    expect(schedule.silent(150)).toBe(true);
    expect(schedule.answering).toBe(false);
    expect(schedule.nextDueAt).toBeGreaterThanOrEqual(150 + 1000);
    expect(schedule.failed(schedule.nextDueAt)).toBe('exhausted');
    expect(schedule.silent(5000)).toBe(false);
    expect(schedule.answered(9000)).toBe(true);
    expect(schedule.nextDueAt).toBe(10_000);
  });
});

it('documents sample.conf in the modbus source README; the agent config loader accepts it and checks bus devices', async () => {
  const folder = new URL('../src/sources/modbus/', import.meta.url);
  const readme = await readFile(new URL('README.md', folder), 'utf8');
  const sample = await readFile(new URL('sample.conf', folder), 'utf8');
  expect(readme).toContain(sample);
  const head = 'gateway: { id: gw-gare }\ncloud: { mqtt_url: "mqtt://127.0.0.1:1883", password: x }\nstate_dir: ./state\nsources:\n';
  const loaded = parseConfigText(`${head}${sample.replace(/^/gm, '  ')}`, '/etc/zenne/agent.yaml');
  expect(loaded.config.sources.map((s) => s.kind)).toEqual(['modbus_rtu', 'modbus_tcp']);
  // The S8 ships at 9600 baud like the bus; the SDM630 too: no warning.
  expect(loaded.warnings).toEqual([]);
  // A single-phase meter has no per-phase registers.
  const wrongPhase = sample.replace('profile: eastron-sdm120, unit_id: 3, poll_period_s: 10', 'profile: eastron-sdm120, unit_id: 3, poll_period_s: 10, phase: 2');
  expect(() => parseConfigText(`${head}${wrongPhase.replace(/^/gm, '  ')}`, '/etc/zenne/agent.yaml')).toThrow(
    /sources\[1\]\.devices\[0\]\.phase: profile eastron-sdm120 has no registers for phase 2 \(line 27\)/,
  );
});
