import { z } from 'zod';
import { timestampSchema } from '@zenne/device-profiles';
import { accounted, sumCounts, type GatewayLedger } from './accounting-ledger.ts';

const count = z.number().int().nonnegative();
const countsByReason = z.record(z.string(), count);

/**
 * Loss accounting of one gateway, as answered by
 * `GET /api/v1/gateways/{id}/accounting`. Definitions are in the field
 * descriptions (they become the OpenAPI document).
 */
export const accountingReportSchema = z.object({
  gateway: z.string(),
  since: timestampSchema.describe('cloud clock: when the cloud started counting for this gateway; totals survive cloud restarts'),
  updated_at: timestampSchema,
  reported_by_gateway: z.object({
    agent_boots: count.describe('agent processes seen; a new one is detected when readings_sent or uptime_s goes down'),
    agent_started_at: timestampSchema.nullable().describe('agent clock: last status ts minus its uptime_s'),
    status_ts: timestampSchema.nullable().describe('ts of the last online status with counters'),
    readings_sent: count.describe('readings the agent put in a batch for the first time (its resends are not counted), summed over its boots'),
    buffer_dropped_readings: count.describe('unacknowledged readings the bounded buffer deleted (drop_oldest), summed over boots; never sent'),
    buffer_lost_readings: count.describe('readings that never reached the buffer (disk full, I/O error), summed over boots; never sent'),
    buffer_lost_by_reason: countsByReason.describe('current boot only'),
  }),
  received_by_cloud: z.object({
    batches: count.describe('distinct batches with an outcome (acknowledged or refused)'),
    readings: count.describe('readings in those batches (refused batches whose readings could not be counted excluded)'),
    readings_resent: count.describe('readings of a batch id that already had an outcome (its ack was lost or late); not counted again anywhere else'),
    batches_unacknowledged: countsByReason.describe('batches dropped without an ack (store_error, overloaded); the gateway resends them, so they are in flight'),
  }),
  outcome: z.object({
    stored: count,
    duplicates: count.describe('readings the store already held (same device and seq)'),
    rejected: count.describe('readings refused one by one, answered in the ack'),
    rejected_by_reason: countsByReason,
    refused: count.describe('readings of batches refused whole (unusable envelope); the agent drops them'),
    refused_batches_by_reason: countsByReason,
    refused_batches_uncounted: count.describe('refused batches whose reading count was unreadable (not JSON); their readings show as in_flight_or_lost'),
  }),
  balance: z.object({
    as_of: timestampSchema.nullable().describe('the status the balance is taken at (its ts); null before the first one'),
    readings_sent: count.describe('reported_by_gateway.readings_sent'),
    accounted: count.describe('stored + duplicates + rejected + refused, counted when that status arrived'),
    in_flight_or_lost: z.number().int().describe('readings_sent - accounted: sent before the status with no outcome yet (queued, unacknowledged, on the way) or lost in transit; 0 once the gateway is idle and has reported'),
    accounted_since: z.number().int().describe('outcomes counted after that status; the next status includes them'),
    lost_at_gateway: count.describe('buffer_dropped_readings + buffer_lost_readings: taken in by the agent, never sent'),
  }),
});
export type AccountingReport = z.infer<typeof accountingReportSchema>;

export function accountingReport(gateway: string, ledger: GatewayLedger): AccountingReport {
  const { cloud, agent } = ledger;
  const current = agent.current;
  const readingsSent = agent.previous_boots.readings_sent + (current?.readings_sent ?? 0);
  const dropped = agent.previous_boots.buffer_dropped_readings + (current?.buffer_dropped_readings ?? 0);
  const lost = agent.previous_boots.buffer_lost_readings + sumCounts(current?.buffer_lost_readings ?? {});
  const rejected = sumCounts(cloud.readings_rejected);
  const now = accounted(ledger);
  return {
    gateway,
    since: ledger.since,
    updated_at: ledger.updated_at,
    reported_by_gateway: {
      agent_boots: agent.boots,
      agent_started_at: current?.started_at ?? null,
      status_ts: current?.status_ts ?? null,
      readings_sent: readingsSent,
      buffer_dropped_readings: dropped,
      buffer_lost_readings: lost,
      buffer_lost_by_reason: current?.buffer_lost_readings ?? {},
    },
    received_by_cloud: {
      batches: cloud.batches_received,
      readings: cloud.readings_received,
      readings_resent: cloud.readings_resent,
      batches_unacknowledged: cloud.batches_unacknowledged,
    },
    outcome: {
      stored: cloud.readings_stored,
      duplicates: cloud.readings_duplicate,
      rejected,
      rejected_by_reason: cloud.readings_rejected,
      refused: cloud.readings_refused,
      refused_batches_by_reason: cloud.batches_refused,
      refused_batches_uncounted: cloud.batches_refused_uncounted,
    },
    balance: {
      as_of: current?.status_ts ?? null,
      readings_sent: readingsSent,
      accounted: agent.accounted_at_status,
      in_flight_or_lost: readingsSent - agent.accounted_at_status,
      accounted_since: now - agent.accounted_at_status,
      lost_at_gateway: dropped + lost,
    },
  };
}
