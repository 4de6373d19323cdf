import type { ConditionKind, Level } from './condition.ts';
import { ObservedReadings } from './observed.ts';

/** Value against raise/clear levels, with hysteresis (see the threshold rule schema). */
export const threshold: ConditionKind<'threshold'> = {
  kind: 'threshold',
  readsReadings: true,
  create(rule, ctx) {
    const observed = new ObservedReadings(rule, ctx);
    const clearAt = rule.clear_at ?? rule.raise_at;
    const above = rule.direction === 'above';
    const levelOf = (v: number): Level => {
      if (above ? v >= rule.raise_at : v <= rule.raise_at) return 'raise';
      if (above ? v < clearAt : v > clearAt) return 'clear';
      return 'between';
    };
    return {
      reading(r) {
        const at = observed.take(r);
        if (at === undefined) return undefined;
        const sign = above ? '>=' : '<=';
        return { subject: { device: r.device }, level: levelOf(r.value), at, value: r.value, message: `${r.quantity} ${r.value} ${r.unit} (raise ${sign} ${rule.raise_at}, clear ${above ? '<' : '>'} ${clearAt})` };
      },
    };
  },
};
