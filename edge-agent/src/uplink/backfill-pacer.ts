import type { Logger } from '../logger.ts';

/**
 * Paces the backlog after an outage to `ratePerS` readings per second with a
 * token bucket one backfill batch deep (so the long-run rate is the configured
 * one and no burst exceeds a batch), and logs when a backfill starts and when
 * its last batch went out.
 *
 * Lifecycle: reset() on every new connection; take() before sending a
 * backlog batch; stop() clears the wake-up timer.
 */
export class BackfillPacer {
  /** Readings in one backfill batch: a batch never needs more than one second of the rate. */
  readonly batchSize: number;
  private tokens = 0;
  private refilledAt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The backlog being sent since the last connect: readings sent so far and when it started. */
  private current: { readings: number; startedAt: number } | undefined;

  constructor(
    private readonly ratePerS: number,
    batchMaxReadings: number,
    private readonly log: Logger,
    /** Called when tokens that were missing are there. */
    private readonly wake: () => void,
  ) {
    this.batchSize = Math.max(1, Math.min(batchMaxReadings, Math.floor(ratePerS)));
  }

  reset(): void {
    this.tokens = this.batchSize;
    this.refilledAt = Date.now();
    this.current = undefined;
  }

  /**
   * Takes tokens for a backlog batch of `count` readings and returns true, or
   * returns false (and schedules wake()) when they are not there yet.
   * `last` says the batch ends the backlog; `depth` is logged at the start.
   */
  take(count: number, last: boolean, depth: number): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.batchSize, this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerS);
    this.refilledAt = now;
    if (this.tokens < count) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.wake();
      }, Math.ceil(((count - this.tokens) / this.ratePerS) * 1000));
      return false;
    }
    this.tokens -= count;
    if (!this.current) {
      this.current = { readings: 0, startedAt: now };
      this.log.info({ backlog: depth, max_readings_per_s: this.ratePerS }, 'backfill started');
    }
    this.current.readings += count;
    if (last) this.log.info({ readings: this.current.readings, seconds: (now - this.current.startedAt) / 1000 }, 'backfill sent');
    return true;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
