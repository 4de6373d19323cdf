import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SerialPortStream } from '@serialport/stream';
import { getBridge } from '@zenne/firmware-bridges';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import type { FaultInjection, VirtualDevice } from '../devices/device.ts';
import { getVirtualDeviceKind } from '../devices/registry.ts';
import { closeSerialLink, openSerialLink } from '../devices/serial-link.ts';
import type { FleetDevice } from '../fleet/fleet-schema.ts';
import type { ReplaySource } from '../replay/replay-source.ts';

interface SensorSlot {
  pair: PtyPair;
  link?: SerialPortStream;
  device?: VirtualDevice;
}

/**
 * The demo's virtual sensors, each on the `a` end of its own socat pty pair
 * in `<ptyDir(device)>/{a,b}`; the agents open the `b` ends.
 *
 * Lifecycle: `start()` opens every pair and starts every sensor (on a failure
 * the caller still calls the stops); `stopSensors()` stops the sensors and
 * closes their ends; `closePtys()` then stops socat. The two are separate so
 * that socat outlives the sensors, as the demo's stop order requires.
 */
export class VirtualSensors {
  /** One slot per pair opened so far. */
  readonly #slots: SensorSlot[] = [];

  constructor(
    private readonly devices: readonly FleetDevice[],
    private readonly ptyDir: (device: string) => string,
    private readonly sources: ReadonlyMap<string, ReplaySource>,
    private readonly faults?: FaultInjection,
  ) {}

  /** The agent end of a device's pair. */
  static agentPort(ptyDir: string): string {
    return join(ptyDir, 'b');
  }

  async start(): Promise<void> {
    const results = await Promise.allSettled(this.devices.map((d) => this.#startOne(d)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async stopSensors(): Promise<void> {
    await Promise.all(
      this.#slots.map(async (slot) => {
        await slot.device?.stop();
        if (slot.link) await closeSerialLink(slot.link);
      }),
    );
  }

  async closePtys(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.pair.close()));
  }

  async #startOne(d: FleetDevice): Promise<void> {
    const dir = this.ptyDir(d.id);
    // Links left by a demo that was killed would point to dead ptys.
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const slot: SensorSlot = { pair: await openPtyPair({ dir }) };
    this.#slots.push(slot);
    const kind = getVirtualDeviceKind(d.kind);
    slot.link = await openSerialLink(slot.pair.a, getBridge(kind.id).serial.baud_rate);
    slot.device = kind.create({ id: d.id, source: this.sources.get(d.id)!, ...(this.faults ? { faults: this.faults } : {}) });
    slot.device.start(slot.link);
  }
}
