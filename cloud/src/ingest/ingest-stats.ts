import { Tally } from '../shared/tally.ts';

export const REJECTION_REASONS = [
  'invalid_json',
  'invalid_envelope',
  'oversized_batch',
  'gateway_mismatch',
  'invalid_reading',
  'unknown_device',
  'device_not_owned',
  'store_error',
  'overloaded',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

class FlowCounters {
  messages = 0;
  readings_received = 0;
  readings_stored = 0;
  readings_duplicate = 0;
  acks_sent = 0;
  readonly rejections = new Tally(REJECTION_REASONS);

  toJSON() {
    return {
      messages: this.messages,
      readings_received: this.readings_received,
      readings_stored: this.readings_stored,
      readings_duplicate: this.readings_duplicate,
      acks_sent: this.acks_sent,
      rejections: this.rejections.toJSON(),
    };
  }
}

export type FlowStats = ReturnType<FlowCounters['toJSON']>;

export interface IngestStats extends FlowStats {
  store_writes: number;
  pending_readings: number;
  per_gateway: Record<string, FlowStats>;
}

/**
 * Ingest counters, overall and per gateway. Envelope-level rejections count
 * one per message; reading-level ones one per reading.
 */
export class IngestCounters {
  readonly overall = new FlowCounters();
  // Map(gateway id -> its counters); only authenticated gateways reach ingest, so it stays small.
  private readonly perGateway = new Map<string, FlowCounters>();
  storeWrites = 0;

  gateway(id: string): FlowCounters {
    let c = this.perGateway.get(id);
    if (!c) {
      c = new FlowCounters();
      this.perGateway.set(id, c);
    }
    return c;
  }

  /** Applies `update` to the overall counters and to the gateway's. */
  both(gateway: string, update: (c: FlowCounters) => void): void {
    update(this.overall);
    update(this.gateway(gateway));
  }

  reject(gateway: string, reason: RejectionReason, n = 1): void {
    this.both(gateway, (c) => c.rejections.add(reason, n));
  }

  toJSON(pendingReadings: number): IngestStats {
    return {
      ...this.overall.toJSON(),
      store_writes: this.storeWrites,
      pending_readings: pendingReadings,
      per_gateway: Object.fromEntries([...this.perGateway].map(([id, c]) => [id, c.toJSON()])),
    };
  }
}
