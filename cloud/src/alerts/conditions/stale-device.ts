import type { ConditionKind, Observation } from './condition.ts';
import { inScope } from './scope.ts';

/**
 * Devices in scope without a reading observed in the last after_s, judged
 * each tick against the wall clock. A device the engine never heard of
 * counts from the rule's creation (or the cloud's start), so a new rule does not fire at once on
 * every device. A backfilled (old) reading does not make a device fresh.
 */
export const staleDevice: ConditionKind<'stale_device'> = {
  kind: 'stale_device',
  readsReadings: true,
  create(rule, ctx) {
    const createdAt = ctx.now();
    const afterMs = rule.after_s * 1000;
    return {
      tick(now) {
        const out: Observation[] = [];
        for (const device of ctx.devices()) {
          if (!inScope(rule.scope, device)) continue;
          const seen = ctx.lastObserved(device.id);
          const silentMs = now - (seen ?? createdAt);
          const silentS = Math.round(silentMs / 1000);
          const heard = seen === undefined ? 'no reading since the rule was created' : `last reading observed at ${new Date(seen).toISOString()}`;
          out.push({
            subject: { device: device.id },
            level: silentMs >= afterMs ? 'raise' : 'clear',
            at: now,
            value: silentS,
            message: `${heard} (${silentS} s ago, limit ${rule.after_s} s)`,
          });
        }
        return out;
      },
    };
  },
};
