import { parseGatewayTopic, topics, type Ack, type Reading } from '@zenne/device-profiles';
import type { CloudBroker } from '../broker/broker.ts';
import { ingestErrors } from '../errors.ts';
import type { Registry } from '../registry/registry.ts';
import { LogOnce } from '../shared/log-once.ts';
import type { Logger } from '../shared/logger.ts';
import type { ReadingStore } from '../stores/store.ts';
import type { BatchOutcome } from './accounting-ledger.ts';
import { checkBatch, type CheckedBatch } from './check-batch.ts';
import { IngestCounters, type IngestStats, type RejectionReason } from './ingest-stats.ts';
import type { LiveBus } from './live-bus.ts';

export interface IngestOptions {
  broker: CloudBroker;
  store: ReadingStore;
  registry: Registry;
  live: LiveBus;
  logger: Logger;
  /** Most readings merged into one store write. */
  maxWriteReadings?: number;
  /** How long the first waiting batch may wait for others to share its write (ms). */
  lingerMs?: number;
  /** Accepted readings waiting for the store beyond which new batches are dropped unacknowledged (the gateway resends). */
  maxPendingReadings?: number;
  /** Told what became of each message (loss accounting); must not throw. */
  onOutcome?: (gateway: string, outcome: BatchOutcome) => void;
}

interface PendingBatch {
  gateway: string;
  checked: CheckedBatch;
}

/**
 * Ingest: validates gateway batches from the broker, merges the accepted
 * readings of several messages into one store write, acknowledges each batch
 * on `zenne/v1/gw/{gw}/ack` (QoS 1) once the write is durable, then emits the
 * newly stored readings on the live bus. When the store fails there is no
 * ack, and the gateways concerned are disconnected so that they resend.
 *
 * Lifecycle: `start()` subscribes; `stop()` ignores further messages (they
 * get no ack, so gateways resend them to the next run) and resolves once
 * every accepted batch has been written and acknowledged.
 */
export class Ingest {
  private readonly counters = new IngestCounters();
  private readonly queue: PendingBatch[] = [];
  private pendingReadings = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private accepting = false;
  private storeDown = false;
  private readonly logOnce = new LogOnce();
  private readonly maxWriteReadings: number;
  private readonly lingerMs: number;
  private readonly maxPendingReadings: number;

  constructor(private readonly options: IngestOptions) {
    this.maxWriteReadings = options.maxWriteReadings ?? 5000;
    this.lingerMs = options.lingerMs ?? 5;
    this.maxPendingReadings = options.maxPendingReadings ?? 100_000;
  }

  async start(): Promise<void> {
    this.accepting = true;
    await this.options.broker.subscribe(topics.readings('+'), (topic, payload) => this.receive(topic, payload));
  }

  stats(): IngestStats {
    return this.counters.toJSON(this.pendingReadings);
  }

  /** Handles one broker message; never throws (a bad message is counted, logged and answered). */
  receive(topic: string, payload: Buffer): void {
    if (!this.accepting) return;
    const parsed = parseGatewayTopic(topic);
    if (!parsed || parsed.kind !== 'readings') return;
    const { gateway } = parsed;
    this.counters.both(gateway, (c) => c.messages++);

    const checked = checkBatch(gateway, topic, payload, this.options.registry);
    if (checked.kind === 'unusable') {
      this.counters.reject(gateway, checked.reason);
      this.options.onOutcome?.(gateway, { kind: 'refused', reason: checked.reason, batch: checked.batch, readings: checked.readings });
      this.warnOnce(gateway, checked.reason, { batch: checked.batch, code: checked.error.code }, checked.error.reason);
      if (checked.batch !== undefined) {
        this.sendAck(gateway, { v: 1, batch: checked.batch, stored: 0, duplicates: 0, rejected: [], error: checked.error });
      }
      return;
    }

    this.counters.both(gateway, (c) => (c.readings_received += checked.total));
    checked.rejectedReasons.forEach((reason, i) => {
      this.counters.reject(gateway, reason);
      this.warnOnce(gateway, reason, { batch: checked.batch, code: checked.rejected[i]!.code }, checked.rejected[i]!.reason);
    });
    if (this.pendingReadings + checked.accepted.length > this.maxPendingReadings) {
      this.counters.reject(gateway, 'overloaded');
      this.options.onOutcome?.(gateway, { kind: 'unacknowledged', batch: checked.batch, readings: checked.total, reason: 'overloaded' });
      this.warnOnce(gateway, 'overloaded', { batch: checked.batch, pending: this.pendingReadings }, 'store is behind; batch dropped without ack');
      return;
    }
    this.queue.push({ gateway, checked });
    this.pendingReadings += checked.accepted.length;
    this.schedule();
  }

  private schedule(): void {
    if (this.flushing || this.timer || this.queue.length === 0) return;
    if (this.pendingReadings >= this.maxWriteReadings) {
      this.flushing = this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush();
    }, this.lingerMs);
  }

  private takeWrite(): PendingBatch[] {
    const taken: PendingBatch[] = [];
    let readings = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (taken.length > 0 && readings + next.checked.accepted.length > this.maxWriteReadings) break;
      taken.push(this.queue.shift()!);
      readings += next.checked.accepted.length;
    }
    this.pendingReadings -= readings;
    return taken;
  }

  private async flush(): Promise<void> {
    const taken = this.takeWrite();
    try {
      await this.writeAndAck(taken);
    } catch (err) {
      // A bug past the store write (e.g. a live listener throwing) must not stop ingest.
      this.options.logger.error({ err }, 'ingest flush failed');
    } finally {
      this.flushing = undefined;
      this.schedule();
    }
  }

  private async writeAndAck(taken: PendingBatch[]): Promise<void> {
    const all: Reading[] = taken.flatMap((p) => p.checked.accepted);
    let duplicateIndexes: number[] = [];
    if (all.length > 0) {
      try {
        ({ duplicateIndexes } = await this.options.store.writeBatch(all));
        this.counters.storeWrites++;
        if (this.storeDown) {
          this.storeDown = false;
          this.options.logger.info({ store: this.options.store.name }, 'reading store recovered');
        }
      } catch (err) {
        for (const p of taken) {
          this.counters.reject(p.gateway, 'store_error');
          this.options.onOutcome?.(p.gateway, { kind: 'unacknowledged', batch: p.checked.batch, readings: p.checked.total, reason: 'store_error' });
        }
        // No ack, so these batches stay in the gateways' buffers. A gateway resends
        // unacknowledged batches when it reconnects: drop its connection to ask for that,
        // rather than leave the batches holding its in-flight window.
        for (const gateway of new Set(taken.map((p) => p.gateway))) this.options.broker.disconnectGateway(gateway);
        if (!this.storeDown) {
          this.storeDown = true;
          const e = ingestErrors.STORE_FAILED({ readings: all.length, reason: (err as Error).message }, { cause: err });
          this.options.logger.error({ code: e.code, store: this.options.store.name }, e.message);
        }
        return;
      }
    }

    const duplicate = new Set(duplicateIndexes);
    const stored: Reading[] = [];
    let offset = 0;
    const acks = taken.map(({ gateway, checked }) => {
      let duplicates = 0;
      checked.accepted.forEach((r, i) => {
        if (duplicate.has(offset + i)) duplicates++;
        else stored.push(r);
      });
      offset += checked.accepted.length;
      const storedHere = checked.accepted.length - duplicates;
      this.counters.both(gateway, (c) => {
        c.readings_stored += storedHere;
        c.readings_duplicate += duplicates;
      });
      this.options.onOutcome?.(gateway, {
        kind: 'acknowledged', batch: checked.batch, readings: checked.total, stored: storedHere, duplicates, rejected: checked.rejectedReasons,
      });
      return this.sendAck(gateway, { v: 1, batch: checked.batch, stored: storedHere, duplicates, rejected: checked.rejected });
    });
    await Promise.all(acks);
    for (const r of stored) this.options.live.emit('reading', r);
  }

  private async sendAck(gateway: string, ack: Ack): Promise<void> {
    try {
      await this.options.broker.publish(topics.ack(gateway), JSON.stringify(ack), 1);
      this.counters.both(gateway, (c) => c.acks_sent++);
    } catch (err) {
      // The data is stored; without the ack the gateway resends and dedupe absorbs it.
      this.options.logger.warn({ gateway, batch: ack.batch, err: (err as Error).message }, 'ack publish failed');
    }
  }

  private warnOnce(gateway: string, reason: RejectionReason, fields: Record<string, unknown>, message: string): void {
    const level = this.logOnce.first(`${gateway}:${reason}`) ? 'warn' : 'debug';
    this.options.logger[level]({ gateway, reason, ...fields }, message);
  }

  /** Stops taking messages and resolves once everything accepted is written and acknowledged. */
  async stop(): Promise<void> {
    this.accepting = false;
    for (;;) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      if (this.flushing) {
        await this.flushing;
        continue;
      }
      if (this.queue.length === 0) return;
      this.flushing = this.flush();
    }
  }
}
