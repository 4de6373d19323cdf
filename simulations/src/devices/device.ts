import type { Duplex } from 'node:stream';
import { z } from 'zod';
import type { ReplaySource } from '../replay/replay-source.ts';

/** Deliberate wire faults, for demos of the agent's robustness. Off by default. */
export const faultInjectionSchema = z.strictObject({
  /** Every Nth frame is preceded by a few bytes of line noise. */
  garbage_every_n_frames: z.number().int().positive().optional(),
  /** Every Nth frame goes out with a wrong checksum. */
  bad_checksum_every_n_frames: z.number().int().positive().optional(),
});
export type FaultInjection = z.infer<typeof faultInjectionSchema>;

export interface VirtualDeviceOptions {
  /** Registry id of the device (for logs and status), e.g. `aq-monnaie-01`. */
  id: string;
  /** Where the measurements come from. */
  source: ReplaySource;
  /** Active-mode report period; defaults to the device profile's `sample_period_s`. */
  periodMs?: number;
  faults?: FaultInjection;
  /** Wall clock (ms); tests pass their own. */
  now?: () => number;
}

export interface VirtualDeviceCounters {
  /** Measurement frames written (active reports and answers to reads). */
  frames_sent: number;
  /** Well-formed commands received, whatever their target. */
  commands: number;
  /** Commands replied to or acted upon. */
  replies: number;
  /** Command bytes dropped: framing, checksum or unknown command. */
  bad_commands: number;
  /** Frames sent with an injected fault. */
  faults_injected: number;
}

/**
 * A virtual sensor speaking its real wire protocol on a byte stream (usually
 * one end of a pty pair, see ./serial-link.ts).
 *
 * Lifecycle: `create()` opens nothing; `start(link)` begins listening for
 * commands and, in active mode, reporting on its timer; `stop()` clears the
 * timer, stops writing and resolves once the device will never touch the link
 * again (it does not close the link: its owner does).
 */
export interface VirtualDevice {
  readonly id: string;
  readonly kind: string;
  readonly counters: Readonly<VirtualDeviceCounters>;
  /** Protocol state (mode, sleep, period…), for status output and tests. */
  state(): Record<string, string | number>;
  start(link: Duplex): void;
  stop(): Promise<void>;
}

/** One kind of virtual device, registered in ./registry.ts. */
export interface VirtualDeviceKind {
  /** Kind id, equal to the firmware bridge id (`sds011`, `pms5003`). */
  readonly id: string;
  /** Device profile id the agent uses for it. */
  readonly profile: string;
  readonly description: string;
  /**
   * The decoded fields the device would put on the wire at `wallMs`, at wire
   * resolution. Pure: used both by the live device and to seed history.
   */
  fieldsAt(source: ReplaySource, wallMs: number): Record<string, number>;
  create(options: VirtualDeviceOptions): VirtualDevice;
}

export function emptyCounters(): VirtualDeviceCounters {
  return { frames_sent: 0, commands: 0, replies: 0, bad_commands: 0, faults_injected: 0 };
}
