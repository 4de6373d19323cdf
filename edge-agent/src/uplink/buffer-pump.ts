import type { Logger } from '../logger.ts';

/** The message of anything thrown. */
export function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs an uplink's `fill` (read the buffer, publish what the in-flight window
 * allows) one round at a time: a run() while a round is under way is folded
 * into exactly one more round after it. A failing read is logged once when it
 * starts and once when it works again, and reported through `onError`.
 */
export class BufferPump {
  private running = false;
  private again = false;
  private failing = false;

  constructor(
    private readonly fill: () => Promise<void>,
    private readonly log: Logger,
    private readonly onError: (message: string) => void,
  ) {}

  run(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.fill()
      .then(
        () => {
          if (this.failing) this.log.info('reading the buffer works again');
          this.failing = false;
        },
        (err: unknown) => {
          this.onError(`reading the buffer failed: ${reason(err)}`);
          if (!this.failing) this.log.error({ err: reason(err) }, 'reading the buffer failed');
          this.failing = true;
        },
      )
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.run();
        }
      });
  }
}
