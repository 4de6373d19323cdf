import type { GatewayStatus, Reading } from '@zenne/device-profiles';
import type { Device } from '../../registry/registry.ts';
import type { AlertRule, RuleKind, RuleOfKind } from '../alert-schemas.ts';

/** Who an alert is about: a device (reading rules) or a gateway (status rules). */
export type Subject = { device: string; gateway?: undefined } | { gateway: string; device?: undefined };

/**
 * Where a subject stands against a rule: past the raise level, back past the
 * clear level, or in between (hysteresis: an open alert stays open, a
 * pending one stops waiting).
 */
export type Level = 'raise' | 'clear' | 'between';

export interface Observation {
  subject: Subject;
  level: Level;
  /** Observation time (ms since epoch): a reading's `ts`, a status's time. */
  at: number;
  /** When the condition began, if the kind knows better than "the first raise observation". */
  since?: number;
  value?: number;
  /** Human summary, e.g. "pm2_5 55 ug/m3 >= 50". */
  message: string;
}

/** What an evaluator may look up. */
export interface ConditionContext {
  /** Devices of the registry now (the registry serves them from memory). */
  devices(): Device[];
  device(id: string): Device | undefined;
  /** Newest observation time (ms) of any real reading of the device known to the engine (the store's latest at start, then every reading). */
  lastObserved(device: string): number | undefined;
  /** Wall clock, injectable for tests. */
  now(): number;
}

/**
 * One rule's evaluator. It keeps the per-subject memory its kind needs
 * (windows, last-seen times) and turns events into observations; the engine
 * applies the minimum duration and the alert lifecycle. Each hook is called
 * only with input the rule could concern; an evaluator never throws.
 */
export interface Evaluator {
  /** A newly stored real reading (never a scenario's, never a duplicate). */
  reading?(reading: Reading): Observation | undefined;
  /** A valid gateway status, `receivedAt` = cloud clock at arrival. */
  status?(status: GatewayStatus, receivedAt: number): Observation | undefined;
  /** Called every engine tick for conditions that hold by the passing of time. */
  tick?(now: number): Observation[];
}

/** A rule kind: its schema lives in alert-schemas.ts, its behaviour here. */
export interface ConditionKind<K extends RuleKind = RuleKind> {
  kind: K;
  /** Whether its rules depend on readings (the engine listens to the live bus only while such a rule exists). */
  readsReadings: boolean;
  create(rule: RuleOfKind<K>, ctx: ConditionContext): Evaluator;
}

/** The minimum duration of a rule, in ms (0 for kinds whose condition is itself a duration). */
export function minimumDurationMs(rule: AlertRule): number {
  return 'for_s' in rule ? rule.for_s * 1000 : 0;
}
