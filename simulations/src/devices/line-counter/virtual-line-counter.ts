import { Transform } from 'node:stream';
import { getProfile } from '@zenne/device-profiles';
import { encodeLineCounterSentence, LINE_COUNTER_CHECKSUM_INDEX } from '@zenne/firmware-bridges';
import type { ReplaySource } from '../../replay/replay-source.ts';
import { BaseVirtualDevice } from '../base-device.ts';
import type { VirtualDeviceKind, VirtualDeviceOptions } from '../device.ts';
import { entranceCounts, lastClosedIntervalEnd } from './entrance-flow.ts';

export const LINE_COUNTER_PROFILE = 'generic-line-counter-serial';

/** The counter's counting interval: the profile's sample period (one sentence per closed interval). */
const INTERVAL_MS = getProfile(LINE_COUNTER_PROFILE).sample_period_s * 1000;
/** Intervals a late report still sends (a stalled event loop), oldest first; older ones are lost, as on a counter with a small buffer. */
const MAX_CATCH_UP = 10;

/**
 * A virtual line-crossing people counter speaking Zenne's `$PZNELC` sentence
 * (firmware-bridges/src/line-counter/README.md) with counts of a modelled entrance on the
 * Melbourne Central footway (./entrance-flow.ts). Each report sends every interval closed
 * since the previous report, in order; a report before a new interval has closed repeats
 * the last one (same `interval_end_s`), as an NMEA talker repeats at its output rate.
 * A talker only: bytes from the host are read and ignored.
 */
export class VirtualLineCounter extends BaseVirtualDevice<never> {
  readonly kind = 'line-counter';
  #lastSentEnd: number | undefined;
  #sendingEnd = 0;

  constructor(options: VirtualDeviceOptions) {
    super(options, INTERVAL_MS, LINE_COUNTER_CHECKSUM_INDEX);
  }

  state(): Record<string, string | number> {
    return {
      interval_s: INTERVAL_MS / 1000,
      last_interval_end: this.#lastSentEnd === undefined ? 'none' : new Date(this.#lastSentEnd).toISOString(),
    };
  }

  protected createCommandParser(): Transform {
    return new Transform({ readableObjectMode: true, transform: (_chunk, _encoding, done) => done() });
  }

  // The command parser above never emits, so there is no command to handle.
  protected handleCommand(_command: never): void {}

  protected override sendMeasurement(): void {
    const latest = lastClosedIntervalEnd(this.now(), INTERVAL_MS);
    const next = this.#lastSentEnd === undefined ? latest : Math.min(this.#lastSentEnd + INTERVAL_MS, latest);
    for (let end = Math.max(next, latest - (MAX_CATCH_UP - 1) * INTERVAL_MS); end <= latest; end += INTERVAL_MS) {
      this.#sendingEnd = end;
      super.sendMeasurement();
    }
    this.#lastSentEnd = latest;
  }

  protected measurementFrame(): Buffer {
    return encodeLineCounterSentence(entranceCounts(this.#sendingEnd, INTERVAL_MS));
  }

  protected reportIntervalMs(): number {
    return this.periodMs;
  }
}

export const lineCounterKind: VirtualDeviceKind = {
  id: 'line-counter',
  profile: LINE_COUNTER_PROFILE,
  description: 'People counter ($PZNELC sentence): a modelled entrance on the real Melbourne Central pedestrian counts',
  // A replay source carries particulate values only; the counts come from the Melbourne series.
  fieldsAt: (_source: ReplaySource, wallMs: number) => entranceCounts(lastClosedIntervalEnd(wallMs, INTERVAL_MS), INTERVAL_MS),
  create: (options) => new VirtualLineCounter(options),
};
