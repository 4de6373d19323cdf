import { z } from 'zod';

/**
 * Payload of `zenne/v1/gw/{gw}/config/desired` (proposed for the contracts):
 * the whole agent config file as an object, with a version that only grows.
 */
export const desiredConfigSchema = z.strictObject({
  v: z.literal(1),
  version: z.number().int().positive(),
  config: z.record(z.string(), z.unknown()),
});
export type DesiredConfig = z.infer<typeof desiredConfigSchema>;

/**
 * Payload of `zenne/v1/gw/{gw}/config/reported` (retained): `version` is the
 * config running now; `running` after a start, otherwise the outcome of the
 * last desired config (`rejected_version` and `errors` for the refused ones).
 */
export const reportedConfigSchema = z.strictObject({
  v: z.literal(1),
  version: z.number().int().nonnegative(),
  status: z.enum(['running', 'applied', 'rejected', 'rolled_back', 'ignored']),
  rejected_version: z.number().int().optional(),
  errors: z.array(z.string()).optional(),
  at: z.iso.datetime(),
});
export type ReportedConfig = z.infer<typeof reportedConfigSchema>;
