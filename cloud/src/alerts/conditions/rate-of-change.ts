import type { ConditionKind, Level } from './condition.ts';
import { ObservedReadings } from './observed.ts';

/** Samples kept per device, whatever the window: bounds memory for a device that floods. */
const MAX_SAMPLES = 2000;

/** Movement of the value over a sliding window of observation time. */
export const rateOfChange: ConditionKind<'rate_of_change'> = {
  kind: 'rate_of_change',
  readsReadings: true,
  create(rule, ctx) {
    const observed = new ObservedReadings(rule, ctx);
    // Map(device id -> samples inside the window, oldest first)
    const windows = new Map<string, { at: number; value: number }[]>();
    const windowMs = rule.window_s * 1000;
    const clearDelta = rule.clear_delta ?? rule.delta;
    const movement = (change: number): number =>
      rule.direction === 'rise' ? change : rule.direction === 'fall' ? -change : Math.abs(change);
    return {
      reading(r) {
        const at = observed.take(r);
        if (at === undefined) return undefined;
        const samples = windows.get(r.device) ?? [];
        windows.set(r.device, samples);
        samples.push({ at, value: r.value });
        while (samples.length > MAX_SAMPLES || samples[0]!.at < at - windowMs) samples.shift();
        const change = r.value - samples[0]!.value;
        const moved = movement(change);
        const level: Level = moved >= rule.delta ? 'raise' : moved < clearDelta ? 'clear' : 'between';
        return { subject: { device: r.device }, level, at, value: r.value, message: `${r.quantity} moved ${change > 0 ? '+' : ''}${Number(change.toFixed(6))} ${r.unit} in ${(at - samples[0]!.at) / 1000} s (limit ${rule.delta} per ${rule.window_s} s)` };
      },
    };
  },
};
