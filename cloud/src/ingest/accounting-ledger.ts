import { z } from 'zod';
import { timestampSchema, type GatewayStatus } from '@zenne/device-profiles';
import type { RejectionReason } from './ingest-stats.ts';

const count = z.number().int().nonnegative();
const countsByReason = z.record(z.string(), count);

/**
 * What ingest decided about one message of a gateway (see Ingest's
 * `onOutcome`). `acknowledged`: written durably and answered with counts;
 * `refused`: the envelope was unusable and the batch was refused whole (the
 * agent drops it); `unacknowledged`: dropped without an ack (store failure,
 * overload), so the gateway sends it again.
 */
export type BatchOutcome =
  | { kind: 'acknowledged'; batch: string; readings: number; stored: number; duplicates: number; rejected: readonly RejectionReason[] }
  | { kind: 'refused'; batch?: string; readings?: number; reason: RejectionReason }
  | { kind: 'unacknowledged'; batch: string; readings: number; reason: 'overloaded' | 'store_error' };

/** The agent's own counters during one process lifetime (one "boot"), as its last `online` status said. */
const agentBootSchema = z.object({
  /** Agent clock: status `ts` minus `uptime_s`. */
  started_at: timestampSchema,
  uptime_s: z.number().nonnegative(),
  status_ts: timestampSchema,
  readings_sent: count,
  buffer_dropped_readings: count,
  buffer_lost_readings: countsByReason,
});
export type AgentBoot = z.infer<typeof agentBootSchema>;

/** One gateway's persisted totals; every count is since `since` (cloud clock). */
export const gatewayLedgerSchema = z.object({
  since: timestampSchema,
  updated_at: timestampSchema,
  cloud: z.object({
    batches_received: count,
    readings_received: count,
    readings_stored: count,
    readings_duplicate: count,
    readings_rejected: countsByReason,
    batches_refused: countsByReason,
    readings_refused: count,
    batches_refused_uncounted: count,
    readings_resent: count,
    batches_unacknowledged: countsByReason,
  }),
  agent: z.object({
    boots: count,
    /** Sums over the boots before the current one, as each was last reported. */
    previous_boots: z.object({ readings_sent: count, buffer_dropped_readings: count, buffer_lost_readings: count }),
    current: agentBootSchema.nullable(),
    /** Cloud `accounted` total when the current boot's last status arrived. */
    accounted_at_status: count,
  }),
  /** Ids of the latest batches with an outcome, oldest first, to tell a resend from a new batch. */
  recent_batches: z.array(z.string()),
});
export type GatewayLedger = z.infer<typeof gatewayLedgerSchema>;

/** Batch ids remembered per gateway: an agent only resends batches still in flight (`max_in_flight`, default 4). */
export const RECENT_BATCHES = 128;
/** An uptime this much below the last one is a new agent process even if readings_sent did not fall. */
const UPTIME_SLACK_S = 5;

export function emptyLedger(now: Date): GatewayLedger {
  const at = now.toISOString();
  return {
    since: at,
    updated_at: at,
    cloud: {
      batches_received: 0,
      readings_received: 0,
      readings_stored: 0,
      readings_duplicate: 0,
      readings_rejected: {},
      batches_refused: {},
      readings_refused: 0,
      batches_refused_uncounted: 0,
      readings_resent: 0,
      batches_unacknowledged: {},
    },
    agent: { boots: 0, previous_boots: { readings_sent: 0, buffer_dropped_readings: 0, buffer_lost_readings: 0 }, current: null, accounted_at_status: 0 },
    recent_batches: [],
  };
}

function add(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

export const sumCounts = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Readings whose fate the cloud has decided and acknowledged (each batch id once). */
export function accounted(ledger: GatewayLedger): number {
  const c = ledger.cloud;
  return c.readings_stored + c.readings_duplicate + sumCounts(c.readings_rejected) + c.readings_refused;
}

function remember(ledger: GatewayLedger, batch: string): void {
  ledger.recent_batches.push(batch);
  if (ledger.recent_batches.length > RECENT_BATCHES) ledger.recent_batches.splice(0, ledger.recent_batches.length - RECENT_BATCHES);
}

/**
 * Applies one ingest outcome. A batch id that already had an outcome is a
 * resend (its ack was lost or late): its readings go to `readings_resent`
 * only, so each reading the gateway sent is accounted once.
 */
export function applyOutcome(ledger: GatewayLedger, outcome: BatchOutcome, now: Date): void {
  const c = ledger.cloud;
  ledger.updated_at = now.toISOString();
  if (outcome.kind === 'unacknowledged') {
    add(c.batches_unacknowledged, outcome.reason);
    return;
  }
  if (outcome.batch !== undefined && ledger.recent_batches.includes(outcome.batch)) {
    c.readings_resent += outcome.readings ?? 0;
    return;
  }
  if (outcome.batch !== undefined) remember(ledger, outcome.batch);
  c.batches_received++;
  if (outcome.kind === 'refused') {
    add(c.batches_refused, outcome.reason);
    if (outcome.readings === undefined) c.batches_refused_uncounted++;
    else {
      c.readings_refused += outcome.readings;
      c.readings_received += outcome.readings;
    }
    return;
  }
  c.readings_received += outcome.readings;
  c.readings_stored += outcome.stored;
  c.readings_duplicate += outcome.duplicates;
  for (const reason of outcome.rejected) add(c.readings_rejected, reason);
}

/**
 * Applies an `online` status that carries counters. A new agent process
 * (readings_sent or uptime went down) closes the current boot: its last
 * reported counters join `previous_boots`. Statuses without counters
 * (`offline`, the last will) change nothing.
 */
export function applyStatus(ledger: GatewayLedger, status: GatewayStatus, now: Date): void {
  if (status.state !== 'online' || status.readings_sent === undefined || status.uptime_s === undefined) return;
  const boot: AgentBoot = {
    started_at: new Date(Date.parse(status.ts) - status.uptime_s * 1000).toISOString(),
    uptime_s: status.uptime_s,
    status_ts: status.ts,
    readings_sent: status.readings_sent,
    buffer_dropped_readings: status.buffer_dropped_readings ?? 0,
    buffer_lost_readings: status.buffer_lost_readings ?? {},
  };
  const { agent } = ledger;
  const previous = agent.current;
  const newBoot = !previous || boot.readings_sent < previous.readings_sent || boot.uptime_s + UPTIME_SLACK_S < previous.uptime_s;
  if (newBoot) {
    if (previous) {
      agent.previous_boots.readings_sent += previous.readings_sent;
      agent.previous_boots.buffer_dropped_readings += previous.buffer_dropped_readings;
      agent.previous_boots.buffer_lost_readings += sumCounts(previous.buffer_lost_readings);
    }
    agent.boots++;
  }
  agent.current = boot;
  agent.accounted_at_status = accounted(ledger);
  ledger.updated_at = now.toISOString();
}
