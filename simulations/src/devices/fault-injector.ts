import { randomBytes } from 'node:crypto';
import type { FaultInjection } from './device.ts';

/** Line noise prepended to a frame; short enough that the next real frame still follows promptly. */
const GARBAGE_BYTES = 5;

/**
 * Applies the configured faults to outgoing measurement frames.
 * `checksumIndex` is the byte of the frame that carries (part of) its checksum.
 */
export class FaultInjector {
  #frames = 0;
  constructor(
    private readonly faults: FaultInjection | undefined,
    private readonly checksumIndex: number,
  ) {}

  /** The bytes to write for `frame`, and whether a fault was injected. */
  apply(frame: Buffer): { bytes: Buffer; injected: boolean } {
    this.#frames += 1;
    const everyGarbage = this.faults?.garbage_every_n_frames;
    const everyBad = this.faults?.bad_checksum_every_n_frames;
    let bytes = frame;
    let injected = false;
    if (everyBad && this.#frames % everyBad === 0) {
      bytes = Buffer.from(frame);
      bytes[this.checksumIndex] = bytes[this.checksumIndex]! ^ 0xff;
      injected = true;
    }
    if (everyGarbage && this.#frames % everyGarbage === 0) {
      bytes = Buffer.concat([randomBytes(GARBAGE_BYTES), bytes]);
      injected = true;
    }
    return { bytes, injected };
  }
}
