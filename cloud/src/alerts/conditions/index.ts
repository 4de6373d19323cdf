import type { AlertRule } from '../alert-schemas.ts';
import { bufferBacklog } from './buffer-backlog.ts';
import type { ConditionContext, ConditionKind, Evaluator } from './condition.ts';
import { gatewayOffline } from './gateway-offline.ts';
import { rateOfChange } from './rate-of-change.ts';
import { staleDevice } from './stale-device.ts';
import { threshold } from './threshold.ts';

/** Every rule kind, one entry each. */
const CONDITION_KINDS: { [K in AlertRule['kind']]: ConditionKind<K> } = {
  threshold,
  rate_of_change: rateOfChange,
  stale_device: staleDevice,
  gateway_offline: gatewayOffline,
  buffer_backlog: bufferBacklog,
};

export function createEvaluator(rule: AlertRule, ctx: ConditionContext): Evaluator {
  return (CONDITION_KINDS[rule.kind] as ConditionKind).create(rule as never, ctx);
}

export function readsReadings(rule: AlertRule): boolean {
  return CONDITION_KINDS[rule.kind].readsReadings;
}

export type { ConditionContext, Evaluator, Level, Observation, Subject } from './condition.ts';
export { minimumDurationMs } from './condition.ts';
export { inScope } from './scope.ts';
