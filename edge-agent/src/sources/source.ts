import { z } from 'zod';
import { deviceIdSchema, idSchema, timestampSchema, type ReadingDraft } from '@zenne/device-profiles';

/**
 * Where a source hands its readings: one call per frame, in arrival order.
 * The returned promise resolves once the readings are durable (the agent's
 * sink appends them to the buffer and fsyncs); a source awaits it before
 * handing over the next frame, so the buffer sees frames in wire order.
 */
export type ReadingSink = (readings: ReadingDraft[]) => Promise<void>;

/**
 * What a source is doing: `idle` before start, `connecting` while it opens its
 * device, `running` while it can receive frames, `unavailable` while it waits to
 * retry a lost or unopenable device, `stopped` after stop().
 */
export const sourceStateSchema = z.enum(['idle', 'connecting', 'running', 'unavailable', 'stopped']);
export type SourceState = z.infer<typeof sourceStateSchema>;

/** A source's counters, as written to status.json and shown by `zenne-agent status`. */
export const sourceStatsSchema = z.object({
  id: idSchema,
  kind: z.string(),
  device: deviceIdSchema,
  state: sourceStateSchema,
  last_frame_at: timestampSchema.nullable(),
  /** Readings handed to the sink during the last 60 s. */
  readings_per_minute: z.number().int().nonnegative(),
  frames: z.number().int().nonnegative(),
  readings: z.number().int().nonnegative(),
  /** Counts by kind: the bridge parser's (bad_checksum, garbage_bytes ...) plus the source's own (`port`, `sink`). */
  errors: z.record(z.string(), z.number().int().nonnegative()),
  /** Normaliser problems by code (a frame field missing ...). */
  problems: z.record(z.string(), z.number().int().nonnegative()),
  /** The most recent error, for the technician. */
  last_error: z.string().nullable(),
});
export type SourceStats = z.infer<typeof sourceStatsSchema>;

/**
 * One input of the agent: a device (or bus) that yields frames, normalised into
 * readings for the sink.
 *
 * Lifecycle:
 * - `init()` validates the configuration against the bridge and profile and
 *   opens nothing (no port, no socket); it throws a ZenneError when the
 *   configuration cannot work.
 * - `start(sink)` begins delivering; it resolves once the source is running or
 *   retrying, never failing because the device is absent (the source then
 *   reports `unavailable` and retries with backoff on its own).
 * - `stop()` closes the device and resolves after every frame already received
 *   has been normalised and its sink call has resolved; the sink is not called
 *   after that. Calling it twice, or without start(), is allowed.
 * - `stats()` may be called at any time.
 */
export interface Source {
  readonly id: string;
  readonly kind: string;
  readonly device: string;
  init(): Promise<void>;
  start(sink: ReadingSink): Promise<void>;
  stop(): Promise<void>;
  stats(): SourceStats;
}
