import { z } from 'zod';
import { deviceIdSchema, gatewayIdSchema, idSchema, quantitySchema, timestampSchema } from '@zenne/device-profiles';

/**
 * Which devices a reading rule watches: one device, the devices of a building
 * (the registry's `building` field, or a `building` tag for devices registered
 * before buildings existed), the devices carrying a tag, or every device.
 */
export const alertScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('device'), device: deviceIdSchema }),
  z.strictObject({ kind: z.literal('building'), building: idSchema }),
  z.strictObject({ kind: z.literal('tag'), key: z.string().min(1).max(64), value: z.string().max(256) }),
  z.strictObject({ kind: z.literal('all') }),
]);
export type AlertScope = z.infer<typeof alertScopeSchema>;

const severitySchema = z.enum(['info', 'warning', 'critical']);
const ruleKindSchema = z.enum(['threshold', 'rate_of_change', 'stale_device', 'gateway_offline', 'buffer_backlog']);

const secondsSchema = z.number().nonnegative().max(30 * 86_400);

/** Fields every rule has. `webhooks` receive each event of the rule's alerts (POST, JSON AlertEvent). */
const ruleBase = {
  id: idSchema,
  name: z.string().min(1).max(200).optional(),
  severity: severitySchema.default('warning'),
  webhooks: z.array(z.url({ protocol: /^https?$/ })).max(10).default([]),
};
/** Minimum duration: the condition must hold this long (observation time) before the alert opens. */
const forSchema = secondsSchema.default(0).describe('seconds the condition must hold before the alert opens');

/**
 * `above`: opens at value >= raise_at (held for_s), resolves once value < clear_at.
 * `below`: opens at value <= raise_at, resolves once value > clear_at.
 * Between the two levels an open alert stays open (hysteresis); clear_at defaults to raise_at.
 */
const thresholdRuleSchema = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('threshold'),
    scope: alertScopeSchema,
    quantity: quantitySchema,
    direction: z.enum(['above', 'below']).default('above'),
    raise_at: z.number(),
    clear_at: z.number().optional(),
    for_s: forSchema,
  })
  .refine((r) => r.clear_at === undefined || (r.direction === 'above' ? r.clear_at <= r.raise_at : r.clear_at >= r.raise_at), {
    message: 'clear_at must not be beyond raise_at: below it for direction "above", above it for "below"',
    path: ['clear_at'],
  });

/**
 * Opens when the value moved by `delta` or more within `window_s` (newest minus
 * oldest reading of the window; `rise`, `fall` or `either` way), resolves once
 * the movement over the window is below `clear_delta` (default: delta).
 */
const rateOfChangeRuleSchema = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('rate_of_change'),
    scope: alertScopeSchema,
    quantity: quantitySchema,
    direction: z.enum(['rise', 'fall', 'either']).default('either'),
    delta: z.number().positive(),
    clear_delta: z.number().nonnegative().optional(),
    window_s: secondsSchema.min(1),
    for_s: forSchema,
  })
  .refine((r) => r.clear_delta === undefined || r.clear_delta <= r.delta, { message: 'clear_delta must not exceed delta', path: ['clear_delta'] });

/** Opens when a device in scope sent no reading (any quantity, any quality) observed in the last `after_s`. */
const staleDeviceRuleSchema = z.strictObject({
  ...ruleBase,
  kind: z.literal('stale_device'),
  scope: alertScopeSchema,
  after_s: secondsSchema.min(1),
});

/** Opens when a gateway's retained status has said `offline` for `for_s`; resolves on `online`. Absent `gateway` = every gateway. */
const gatewayOfflineRuleSchema = z.strictObject({
  ...ruleBase,
  kind: z.literal('gateway_offline'),
  gateway: gatewayIdSchema.optional(),
  for_s: forSchema,
});

/**
 * Opens when a gateway reports a buffer of max_depth readings or more, or an
 * oldest unsent reading max_oldest_age_s old or older; resolves once both are
 * below their clear levels (default: the raise levels).
 */
const bufferBacklogRuleSchema = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('buffer_backlog'),
    gateway: gatewayIdSchema.optional(),
    max_depth: z.number().int().positive().optional(),
    clear_depth: z.number().int().nonnegative().optional(),
    max_oldest_age_s: secondsSchema.min(1).optional(),
    clear_oldest_age_s: secondsSchema.optional(),
    for_s: forSchema,
  })
  .refine((r) => r.max_depth !== undefined || r.max_oldest_age_s !== undefined, { message: 'give max_depth, max_oldest_age_s or both', path: ['max_depth'] })
  .refine((r) => r.clear_depth === undefined || (r.max_depth !== undefined && r.clear_depth <= r.max_depth), { message: 'clear_depth needs max_depth and must not exceed it', path: ['clear_depth'] })
  .refine((r) => r.clear_oldest_age_s === undefined || (r.max_oldest_age_s !== undefined && r.clear_oldest_age_s <= r.max_oldest_age_s), {
    message: 'clear_oldest_age_s needs max_oldest_age_s and must not exceed it',
    path: ['clear_oldest_age_s'],
  });

export const alertRuleSchema = z.discriminatedUnion('kind', [
  thresholdRuleSchema,
  rateOfChangeRuleSchema,
  staleDeviceRuleSchema,
  gatewayOfflineRuleSchema,
  bufferBacklogRuleSchema,
]);
export type AlertRule = z.infer<typeof alertRuleSchema>;
export type AlertRuleInput = z.input<typeof alertRuleSchema>;
export type RuleKind = z.infer<typeof ruleKindSchema>;
export type RuleOfKind<K extends RuleKind> = Extract<AlertRule, { kind: K }>;

export const alertStateSchema = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof alertStateSchema>;

/** One alert: a rule's condition on one device or gateway, from opening to resolution. */
export const alertSchema = z.object({
  id: z.string(),
  rule: idSchema,
  rule_kind: ruleKindSchema,
  severity: severitySchema,
  device: deviceIdSchema.optional(),
  gateway: gatewayIdSchema.optional(),
  quantity: quantitySchema.optional(),
  state: alertStateSchema,
  /** What was observed when the alert opened, in words and as a number. */
  message: z.string(),
  value: z.number().optional(),
  /** Observation time at which the condition was met for the minimum duration. */
  opened_at: timestampSchema,
  acknowledged_at: timestampSchema.optional(),
  acknowledged_by: z.string().optional(),
  note: z.string().optional(),
  resolved_at: timestampSchema.optional(),
  resolved_value: z.number().optional(),
  resolution: z.string().optional(),
});
export type Alert = z.infer<typeof alertSchema>;

/** What SSE clients and webhooks receive, and what the history keeps. */
export const alertEventSchema = z.object({
  type: z.enum(['opened', 'acknowledged', 'resolved']),
  at: timestampSchema,
  alert: alertSchema,
});
export type AlertEvent = z.infer<typeof alertEventSchema>;

export const acknowledgementSchema = z.strictObject({
  by: z.string().min(1).max(100).describe('who takes the alert in hand'),
  note: z.string().max(2000).optional(),
});
export type Acknowledgement = z.infer<typeof acknowledgementSchema>;
