import { z } from 'zod';
import { timestampSchema } from '@zenne/device-profiles';

/**
 * `connected`: sending; `connecting`: an attempt is under way; `offline`:
 * waiting to retry; `stopped`: after stop().
 */
export const uplinkStateSchema = z.enum(['connected', 'connecting', 'offline', 'stopped']);
export type UplinkState = z.infer<typeof uplinkStateSchema>;

const count = z.number().int().nonnegative();

export const uplinkCountersSchema = z.object({
  batches_sent: count,
  /** Batches sent again after a reconnect because no ack had come. */
  batches_resent: count,
  batches_acked: count,
  /** Batches the cloud refused whole (ack with `error`); dropped. */
  batches_refused: count,
  readings_sent: count,
  /** Readings sent from the backlog (batches marked historical), rate-limited. */
  readings_backfilled: count,
  readings_stored: count,
  readings_duplicate: count,
  readings_rejected: count,
  /** Map(rejection code -> readings) */
  rejected_by_code: z.record(z.string(), count),
  acks_invalid: count,
  /** Acks for batches not in flight (e.g. the second ack of a resent batch). */
  acks_unknown: count,
  connects: count,
});
type UplinkCounters = z.infer<typeof uplinkCountersSchema>;

export const uplinkStatsSchema = z.object({
  state: uplinkStateSchema,
  url: z.string(),
  connected_since: timestampSchema.nullable(),
  last_ack_at: timestampSchema.nullable(),
  last_error: z.string().nullable(),
  in_flight: count,
  counters: uplinkCountersSchema,
});
export type UplinkStats = z.infer<typeof uplinkStatsSchema>;

export function emptyCounters(): UplinkCounters {
  return {
    batches_sent: 0,
    batches_resent: 0,
    batches_acked: 0,
    batches_refused: 0,
    readings_sent: 0,
    readings_backfilled: 0,
    readings_stored: 0,
    readings_duplicate: 0,
    readings_rejected: 0,
    rejected_by_code: {},
    acks_invalid: 0,
    acks_unknown: 0,
    connects: 0,
  };
}
