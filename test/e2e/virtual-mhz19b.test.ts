/**
 * The virtual MH-Z19B of the simulations (silent until asked) on a real socat
 * pty, read by the agent's serial source, which polls it with the bridge's
 * read command (Winsen manual V1.0 §7).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadingDraft } from '@zenne/device-profiles';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { closeSerialLink, getVirtualDeviceKind, openSerialLink } from '@zenne/simulations';
import { silentLogger } from '../../edge-agent/src/logger.ts';
import { SerialSource, type SerialSourceConfig } from '../../edge-agent/src/sources/serial/index.ts';

const DEVICE = 'co2-test-01';
const FAST_POLL_S = 0.05;

function mhz19bConfig(port: string): SerialSourceConfig {
  return { id: 'mhz19b-01', kind: 'serial', port, baud_rate: 9600, bridge: 'mhz19b', profile: 'winsen-mhz19b', device: DEVICE, poll_period_s: FAST_POLL_S };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('virtual MH-Z19B read by the agent', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  async function pty(): Promise<PtyPair> {
    const pair = await openPtyPair();
    cleanup.push(() => pair.close());
    return pair;
  }

  it('answers every poll of the serial source with the replayed CO2', async () => {
    const pair = await pty();
    const kind = getVirtualDeviceKind('mhz19b');
    const sensorPort = await openSerialLink(pair.b, 9600);
    cleanup.push(() => closeSerialLink(sensorPort));
    const now = Date.UTC(2026, 0, 15, 8, 30);
    const device = kind.create({ id: DEVICE, source: { at: () => ({ pm2_5: 0, pm10: 0 }) }, now: () => now });
    device.start(sensorPort);
    cleanup.push(() => device.stop());

    const source = new SerialSource(mhz19bConfig(pair.a), { logger: silentLogger() });
    cleanup.push(() => source.stop());
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => readings.length >= 3);
    await source.stop();

    const { co2 } = kind.fieldsAt({ at: () => ({ pm2_5: 0, pm10: 0 }) }, now);
    expect(readings.every((r) => r.device === DEVICE && r.quantity === 'co2' && r.value === co2 && r.quality === 'good')).toBe(true);
    // One answer per read command: every frame was asked for.
    expect(device.counters.commands).toBeGreaterThanOrEqual(readings.length);
    expect(device.counters.frames_sent).toBe(device.counters.commands);
    expect(device.counters.bad_commands).toBe(0);

    // Stopped: no further poll reaches the device.
    const commandsAtStop = device.counters.commands;
    await new Promise((resolve) => setTimeout(resolve, FAST_POLL_S * 1000 * 5));
    expect(device.counters.commands).toBe(commandsAtStop);
  });

});
