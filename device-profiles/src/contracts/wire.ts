import { z } from 'zod';
import { gatewayIdSchema, timestampSchema } from './ids.ts';

/** Upper bound on readings in one uplink batch; the cloud rejects larger batches whole. */
export const MAX_BATCH_READINGS = 1000;
/** Upper bound on one MQTT payload on the readings topic (bytes). */
export const MAX_BATCH_BYTES = 512 * 1024;

/**
 * Gateway → cloud, on `zenne/v1/gw/{gateway}/readings`, QoS 1.
 * Readings are validated one by one by the cloud (so one bad reading does not
 * sink its batch); the envelope is validated first.
 */
export const uplinkBatchSchema = z.strictObject({
  v: z.literal(1),
  gateway: gatewayIdSchema,
  /** Unique per gateway for the buffer's lifetime; echoed in the ack. */
  batch: z.string().min(1).max(128),
  sent: timestampSchema,
  /** True when the batch is backfill after an outage rather than live data. */
  historical: z.boolean().optional(),
  /** Readings are checked individually against readingSchema by the receiver. */
  readings: z.array(z.unknown()).min(1).max(MAX_BATCH_READINGS),
});
export type UplinkBatch = z.infer<typeof uplinkBatchSchema>;

export const rejectionSchema = z.strictObject({
  /** Index of the reading in the batch. */
  index: z.number().int().nonnegative(),
  device: z.string().optional(),
  seq: z.number().optional(),
  code: z.string(),
  reason: z.string(),
});
export type Rejection = z.infer<typeof rejectionSchema>;

/**
 * Cloud → gateway, on `zenne/v1/gw/{gateway}/ack`, sent only after the store
 * has durably written the batch. Every reading of the batch is accounted for:
 * `stored + duplicates + rejected.length === readings.length`. When the
 * envelope itself is unusable the ack carries `error` and no counts; the
 * gateway then drops the batch (it can never succeed) and counts it.
 */
export const ackSchema = z.strictObject({
  v: z.literal(1),
  batch: z.string(),
  stored: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  rejected: z.array(rejectionSchema),
  error: z.strictObject({ code: z.string(), reason: z.string() }).optional(),
});
export type Ack = z.infer<typeof ackSchema>;

/** Retained on `zenne/v1/gw/{gateway}/status`; the MQTT last will publishes `state: offline`. */
export const gatewayStatusSchema = z.object({
  v: z.literal(1),
  gateway: gatewayIdSchema,
  state: z.enum(['online', 'offline']),
  ts: timestampSchema,
  uptime_s: z.number().nonnegative().optional(),
  buffer_depth: z.number().int().nonnegative().optional(),
  buffer_oldest_age_s: z.number().nonnegative().nullable().optional(),
  readings_sent: z.number().int().nonnegative().optional(),
  /** Unacknowledged readings the bounded buffer dropped (policy drop_oldest) since the agent started. */
  buffer_dropped_readings: z.number().int().nonnegative().optional(),
  buffer_dropped_bytes: z.number().int().nonnegative().optional(),
  buffer_oldest_dropped_ts: timestampSchema.nullable().optional(),
  /** Readings that never reached the buffer, by reason (e.g. `disk_full`). */
  buffer_lost_readings: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Process health: CPU used since the previous status (% of one core) and resident memory. */
  cpu_percent: z.number().nonnegative().optional(),
  rss_bytes: z.number().int().nonnegative().optional(),
  /** Per-source counters, so the cloud sees a dead sensor behind a live gateway. */
  sources: z
    .array(
      z.object({
        id: z.string(),
        state: z.string(),
        readings_per_minute: z.number().nonnegative(),
        last_frame_at: timestampSchema.nullable(),
        errors: z.number().int().nonnegative(),
      }),
    )
    .optional(),
});
export type SourceHealth = NonNullable<GatewayStatus['sources']>[number];
export type GatewayStatus = z.infer<typeof gatewayStatusSchema>;

/**
 * Cloud → gateway, on `zenne/v1/gw/{gateway}/config/desired`: the whole agent
 * config file as an object, with a version that only grows. The agent
 * validates it like a file before applying it.
 */
export const desiredConfigSchema = z.strictObject({
  v: z.literal(1),
  version: z.number().int().positive(),
  config: z.record(z.string(), z.unknown()),
});
export type DesiredConfig = z.infer<typeof desiredConfigSchema>;

/**
 * Gateway → cloud, retained on `zenne/v1/gw/{gateway}/config/reported`:
 * `version` is the config running now; `running` after a start, otherwise the
 * outcome of the last desired config (`rejected_version` and `errors` for the
 * refused ones).
 */
export const reportedConfigSchema = z.strictObject({
  v: z.literal(1),
  version: z.number().int().nonnegative(),
  status: z.enum(['running', 'applied', 'rejected', 'rolled_back', 'ignored']),
  rejected_version: z.number().int().optional(),
  errors: z.array(z.string()).optional(),
  at: timestampSchema,
});
export type ReportedConfig = z.infer<typeof reportedConfigSchema>;
