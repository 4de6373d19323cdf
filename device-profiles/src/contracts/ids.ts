import { z } from 'zod';

/** Ids travel in MQTT topics and URLs, so they are restricted to a topic- and URL-safe alphabet. */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" or "-" (max 64), starting with a letter or digit');

export const deviceIdSchema = idSchema.describe('stable device id, unique in the deployment');
export const gatewayIdSchema = idSchema.describe('gateway id, also its MQTT username');
export const scenarioIdSchema = idSchema.describe('scenario run id; absent for real data');

/** UTC ISO-8601 timestamp with millisecond precision, e.g. 2026-11-23T16:09:07.123Z. */
export const timestampSchema = z.iso.datetime({ offset: false, precision: 3 });

export type DeviceId = z.infer<typeof deviceIdSchema>;
export type GatewayId = z.infer<typeof gatewayIdSchema>;
