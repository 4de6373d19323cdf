import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecodedFrame } from '@zenne/device-profiles';
import { getBridge, type FrameError } from '@zenne/firmware-bridges';
import type { ReplaySource } from '../../replay/replay-source.ts';
import type { VirtualDevice, VirtualDeviceKind, VirtualDeviceOptions } from '../device.ts';

export interface DeviceContractOptions {
  kind: VirtualDeviceKind;
  /** Opens a connected pair of byte streams (device end, host end); `close()` releases both. */
  openLink(): Promise<{ device: Duplex; host: Duplex; close(): Promise<void> }>;
}

/** Replayed values every kind must carry through its frames (µg/m³, well inside every range). */
const SOURCE: ReplaySource = { at: () => ({ pm2_5: 12.34, pm10: 20.56 }) };
const T0 = Date.UTC(2026, 0, 15, 8, 30);

/**
 * The contract every virtual device kind meets, run by each kind's test file:
 * in active mode (or, for a device its bridge polls, when polled) it sends frames
 * that the kind's own firmware bridge decodes to
 * `kind.fieldsAt()`, injected faults show up as the parser's frame errors, and
 * `stop()` leaves the link to its owner.
 */
export function virtualDeviceContract({ kind, openLink }: DeviceContractOptions): void {
  describe(`virtual device contract: ${kind.id}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function startDevice(options: Partial<VirtualDeviceOptions> = {}) {
      const link = await openLink();
      const device: VirtualDevice = kind.create({ id: 'aq-test-01', source: SOURCE, now: () => T0, periodMs: 20, ...options });
      cleanups.push(async () => {
        await device.stop();
        await link.close();
      });
      const bridge = getBridge(kind.id);
      const parser = bridge.createParser();
      link.host.pipe(parser);
      device.start(link.device);
      // A device that only answers when asked (its bridge has a poll command) is polled, as the agent does.
      const pollCommand = bridge.pollCommand?.bind(bridge);
      if (pollCommand) {
        const timer = setInterval(() => link.host.write(pollCommand()), 20);
        cleanups.push(async () => clearInterval(timer));
      }
      return { device, parser };
    }

    it('reports (in active mode, or when polled) the fields fieldsAt() gives, decodable by its bridge', async () => {
      const { device, parser } = await startDevice();
      const frame = await new Promise<DecodedFrame>((resolve) => parser.once('data', resolve));
      const expected = kind.fieldsAt(SOURCE, T0);
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      for (const [field, value] of Object.entries(expected)) expect(frame.fields[field]).toBe(value);
      expect(device.counters.frames_sent).toBeGreaterThan(0);
    });

    it('injects bad checksums and line noise that the bridge parser counts and survives', async () => {
      const { parser } = await startDevice({ faults: { bad_checksum_every_n_frames: 2, garbage_every_n_frames: 3 } });
      const seen = new Set<string>();
      let good = 0;
      await new Promise<void>((resolve) => {
        const check = () => {
          if (seen.has('bad_checksum') && seen.has('garbage') && good >= 3) resolve();
        };
        parser.on('frame-error', (err: FrameError) => {
          seen.add(err.kind);
          check();
        });
        parser.on('data', () => {
          good += 1;
          check();
        });
      });
      expect(parser.counters.bad_checksum).toBeGreaterThan(0);
      expect(parser.counters.garbage_bytes).toBeGreaterThan(0);
    });

    it('exposes its protocol state and stops cleanly', async () => {
      const { device } = await startDevice();
      expect(Object.keys(device.state()).length).toBeGreaterThan(0);
      await device.stop();
      await device.stop();
    });
  });
}
