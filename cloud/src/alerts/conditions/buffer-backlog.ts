import type { ConditionKind, Level } from './condition.ts';

/**
 * The backlog a gateway reports in its online status (`buffer_depth`,
 * `buffer_oldest_age_s`), at the status's own `ts`. Offline statuses are
 * skipped: the last will repeats numbers from when the session started.
 */
export const bufferBacklog: ConditionKind<'buffer_backlog'> = {
  kind: 'buffer_backlog',
  readsReadings: false,
  create(rule) {
    const clearDepth = rule.clear_depth ?? rule.max_depth;
    const clearAge = rule.clear_oldest_age_s ?? rule.max_oldest_age_s;
    const past = (value: number | null | undefined, limit: number | undefined) => value != null && limit !== undefined && value >= limit;
    return {
      status(s) {
        if ((rule.gateway !== undefined && s.gateway !== rule.gateway) || s.state !== 'online') return undefined;
        const depth = s.buffer_depth;
        const age = s.buffer_oldest_age_s;
        const level: Level = past(depth, rule.max_depth) || past(age, rule.max_oldest_age_s)
          ? 'raise'
          : past(depth, clearDepth) || past(age, clearAge) ? 'between' : 'clear';
        return {
          subject: { gateway: s.gateway },
          level,
          at: Date.parse(s.ts),
          value: depth,
          message: `gateway ${s.gateway} buffers ${depth ?? '?'} readings, oldest ${age ?? '?'} s old (limits: ${rule.max_depth ?? '-'} readings, ${rule.max_oldest_age_s ?? '-'} s)`,
        };
      },
    };
  },
};
