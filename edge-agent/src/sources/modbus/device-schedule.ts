import { createBackoff, type Backoff } from '../../backoff.ts';

// First pause before retrying a request that got no (or a garbled) answer; doubles per attempt.
const RETRY_BACKOFF_MS = 50;

/**
 * When one bus device is polled next. While it answers, polls keep a fixed
 * cadence (`slot += period`), so a poll delayed by another device's timeout
 * does not shift the ones after it. A failed attempt is retried after a short
 * backoff as a separate turn of the bus, so other devices that are due go
 * first. After `retries` failed retries without any answer the device moves
 * to a slow schedule (exponential backoff from twice its period, at least
 * 1 s, up to `slowMaxMs`) with one attempt each time: a dead slave then costs
 * the bus one timeout now and then, never a burst of them.
 */
export class DeviceSchedule {
  nextDueAt: number;
  answering = true;
  private slot: number;
  private failedAttempts = 0;
  private readonly slow: Backoff;

  constructor(
    private readonly periodMs: number,
    private readonly retries: number,
    slowMaxMs: number,
    startAt: number,
  ) {
    this.slot = startAt;
    this.nextDueAt = startAt;
    this.slow = createBackoff({ initialMs: Math.max(2 * periodMs, 1000), maxMs: Math.max(slowMaxMs, 2 * periodMs) });
  }

  /** The device answered (data or an exception): next poll in its cadence. Returns true when it was on the slow schedule. */
  answered(now: number): boolean {
    const recovered = !this.answering;
    this.answering = true;
    this.failedAttempts = 0;
    this.slow.reset();
    this.slot = recovered ? now + this.periodMs : this.slot + this.periodMs;
    // Far behind (the bus was down, or overloaded): skip the missed polls rather than bursting them.
    if (this.slot < now) this.slot = now;
    this.nextDueAt = this.slot;
    return recovered;
  }

  /**
   * An attempt failed (timeout or CRC error). Returns `retry` when another
   * attempt is scheduled shortly, `exhausted` when the retries are used up
   * (the caller then decides: silent() for no answer, answered() for garbled ones).
   */
  failed(now: number): 'retry' | 'exhausted' {
    this.failedAttempts += 1;
    if (!this.answering || this.failedAttempts > this.retries) {
      this.failedAttempts = 0;
      return 'exhausted';
    }
    this.nextDueAt = now + RETRY_BACKOFF_MS * 2 ** (this.failedAttempts - 1);
    return 'retry';
  }

  /** No answer after every attempt: slow schedule. Returns true when it just left its normal period. */
  silent(now: number): boolean {
    const lost = this.answering;
    this.answering = false;
    this.nextDueAt = now + this.slow.next();
    return lost;
  }

  /** The bus itself was down: poll again as soon as it is back. */
  resume(now: number): void {
    if (this.slot < now) this.slot = now;
    if (this.nextDueAt < now) this.nextDueAt = now;
  }
}
