import { randomUUID } from 'node:crypto';
import { alertErrors } from '../errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { AlertEvent } from './alert-schemas.ts';

export interface WebhookOptions {
  /** Delay before the first retry; doubles each retry up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Attempts per event, the first included, before it is given up (counted as `given_up`). */
  maxAttempts?: number;
  timeoutMs?: number;
  /** Events waiting per receiver (besides the one being delivered); beyond it the oldest is dropped (counted). */
  maxQueued?: number;
}

export interface WebhookTargetStats {
  attempts: number;
  delivered: number;
  failed_attempts: number;
  given_up: number;
  dropped: number;
  queued: number;
  last_status?: number;
  last_error?: string;
}

interface Delivery {
  id: string;
  event: AlertEvent;
  attempts: number;
}

/**
 * One receiver URL: its own queue, delivered in order, one request at a
 * time, so a failing receiver delays only its own events.
 */
class WebhookTarget {
  private readonly queue: Delivery[] = [];
  private running = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private down = false;
  private readonly counts: WebhookTargetStats = { attempts: 0, delivered: 0, failed_attempts: 0, given_up: 0, dropped: 0, queued: 0 };

  constructor(
    private readonly url: string,
    private readonly options: Required<WebhookOptions>,
    private readonly logger: Logger,
  ) {}

  enqueue(event: AlertEvent): void {
    if (this.stopped) return;
    this.queue.push({ id: randomUUID(), event, attempts: 0 });
    // The head of the queue is in flight (or between its retries) while running: drop the oldest behind it.
    if (this.queue.length - (this.running ? 1 : 0) > this.options.maxQueued) {
      this.queue.splice(this.running ? 1 : 0, 1);
      this.counts.dropped++;
    }
    if (!this.running) void this.pump();
  }

  private async pump(): Promise<void> {
    this.running = true;
    while (!this.stopped && this.queue.length > 0) {
      const delivery = this.queue[0]!;
      const failure = await this.attempt(delivery);
      if (this.stopped) break;
      if (failure === undefined) {
        this.queue.shift();
        continue;
      }
      if (delivery.attempts >= this.options.maxAttempts) {
        this.queue.shift();
        this.counts.given_up++;
        this.logger.error({ url: this.url, delivery: delivery.id, attempts: delivery.attempts, reason: failure }, 'webhook delivery given up');
        continue;
      }
      await this.sleep(Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (delivery.attempts - 1)));
    }
    this.running = false;
  }

  /** One POST; resolves with the failure reason, or undefined when the receiver answered 2xx. */
  private async attempt(delivery: Delivery): Promise<string | undefined> {
    delivery.attempts++;
    this.counts.attempts++;
    let reason: string;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-zenne-event': delivery.event.type, 'x-zenne-delivery': delivery.id },
        body: JSON.stringify(delivery.event),
        redirect: 'error',
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await res.body?.cancel();
      this.counts.last_status = res.status;
      if (res.ok) {
        this.counts.delivered++;
        if (this.down) this.logger.info({ url: this.url }, 'webhook receiver recovered');
        this.down = false;
        return undefined;
      }
      reason = `HTTP ${res.status}`;
    } catch (err) {
      reason = (err as Error).message;
    }
    this.counts.failed_attempts++;
    this.counts.last_error = reason;
    if (!this.down && !this.stopped) {
      const e = alertErrors.WEBHOOK_FAILED({ url: this.url, attempt: delivery.attempts, reason });
      this.logger.warn({ code: e.code, url: this.url }, `${e.message}; retrying with backoff`);
    }
    this.down = true;
    return reason;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
  }

  stats(): WebhookTargetStats {
    return { ...this.counts, queued: this.queue.length };
  }
}

const DEFAULTS: Required<WebhookOptions> = { backoffMs: 1000, maxBackoffMs: 60_000, maxAttempts: 10, timeoutMs: 10_000, maxQueued: 1000 };

/**
 * POSTs alert events (JSON AlertEvent; headers `x-zenne-event` and
 * `x-zenne-delivery`, the same id on every retry so receivers can drop
 * repeats) to the rules' webhook URLs, retrying with exponential backoff.
 *
 * Lifecycle: `notify()` returns at once; `stop()` abandons queued and
 * in-flight deliveries (they are not persisted) and leaves no timer behind.
 */
export class WebhookNotifier {
  // Map(url -> its target, created on first use)
  private readonly targets = new Map<string, WebhookTarget>();
  private readonly options: Required<WebhookOptions>;
  private stopped = false;

  constructor(options: WebhookOptions, private readonly logger: Logger) {
    this.options = { ...DEFAULTS, ...options };
  }

  notify(urls: readonly string[], event: AlertEvent): void {
    if (this.stopped) return;
    for (const url of urls) {
      let target = this.targets.get(url);
      if (!target) this.targets.set(url, (target = new WebhookTarget(url, this.options, this.logger)));
      target.enqueue(event);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const target of this.targets.values()) target.stop();
  }

  /** Per receiver URL. */
  stats(): Record<string, WebhookTargetStats> {
    return Object.fromEntries([...this.targets].map(([url, t]) => [url, t.stats()]));
  }
}
