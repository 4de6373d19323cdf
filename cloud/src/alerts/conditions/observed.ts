import type { Reading } from '@zenne/device-profiles';
import type { AlertScope } from '../alert-schemas.ts';
import type { ConditionContext } from './condition.ts';
import { inScope } from './scope.ts';

/**
 * Filters the readings a quantity rule looks at and keeps them in observation
 * order per device. Readings of quality `bad` are skipped: their value is
 * known wrong (out of the sensor's valid range, a fault flag), so one would
 * open a false alert or resolve a true one; a device that sends only bad
 * readings is caught by a stale_device rule on the quantities it still gets
 * right, or by the source's error counters. A reading observed before the
 * last one taken for its device (a late resend) cannot change the present
 * condition and is skipped too.
 */
export class ObservedReadings {
  // Map(device id -> ts in ms of the last reading taken)
  private readonly lastTs = new Map<string, number>();

  constructor(
    private readonly rule: { scope: AlertScope; quantity: string },
    private readonly ctx: ConditionContext,
  ) {}

  /** The reading's observation time (ms) if the rule should look at it. */
  take(reading: Reading): number | undefined {
    if (reading.quantity !== this.rule.quantity || reading.quality === 'bad') return undefined;
    const device = this.ctx.device(reading.device);
    if (!device || !inScope(this.rule.scope, device)) return undefined;
    const at = Date.parse(reading.ts);
    if (at < (this.lastTs.get(reading.device) ?? -Infinity)) return undefined;
    this.lastTs.set(reading.device, at);
    return at;
  }
}
