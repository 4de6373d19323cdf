import { randomBytes } from 'node:crypto';
import {
  ackSchema,
  MAX_BATCH_BYTES,
  topics,
  type Ack,
  type GatewayStatus,
  type SourceHealth,
  type Reading,
  type UplinkBatch,
} from '@zenne/device-profiles';
import type { DurableBuffer } from '../buffer/index.ts';
import type { CloudLink, UplinkConfig } from '../config/index.ts';
import { agentErrors } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { BackfillPacer } from './backfill-pacer.ts';
import { BufferPump, reason } from './buffer-pump.ts';
import { MqttSession } from './mqtt-session.ts';
import { emptyCounters, type UplinkStats } from './uplink-stats.ts';

// Room for the batch envelope (v, gateway, batch id, sent, historical) around the readings array.
const ENVELOPE_RESERVE_BYTES = 1024;

export interface UplinkOptions {
  gateway: string;
  cloud: CloudLink;
  uplink: UplinkConfig;
  buffer: DurableBuffer;
  logger: Logger;
  /** Prefix of batch ids; unique per process start by default. */
  bootId?: string;
  /** The agent's per-source counters, added to every `online` status. */
  sources?: () => SourceHealth[];
  /** Extra topics on the uplink's own connection (remote configuration, commands). */
  channels?: UplinkChannel[];
}

/**
 * A side channel sharing the uplink's MQTT connection (the broker allows one
 * client per gateway id): its topics are subscribed on every connect, then
 * onConnected() runs; messages on them go to onMessage().
 */
export interface UplinkChannel {
  topics: string[];
  onConnected(): void;
  onMessage(topic: string, payload: Buffer): void;
}

/** A batch sent and not yet acknowledged: buffer range [from, to) and its readings. */
interface InFlightBatch {
  id: string;
  from: number;
  to: number;
  readings: Reading[];
  historical: boolean;
  /** When it was last published (ms), for the ack timeout. */
  sentAt: number;
}

/**
 * Sends the buffer to the cloud over MQTT (mqtt.js 5), in order, as
 * UplinkBatch messages (QoS 1), with at most `max_in_flight` batches awaiting
 * their Ack. A record leaves the buffer only when the Ack for its batch comes
 * (readings the cloud rejects included: they can never succeed).
 *
 * The status topic carries a retained `online` status, refreshed every
 * `status_interval_ms`; the last will turns it to `offline` when the
 * connection dies, and stop() publishes `offline` itself.
 *
 * Connection loss: sending stops, the buffer keeps filling; every attempt uses
 * a fresh client (clean session) after a backoff, and on reconnect every
 * unacknowledged batch is sent again, in order, before anything new (the
 * cloud drops duplicates on device + seq).
 *
 * Backfill: what was buffered before the connection came up is the backlog.
 * It goes first, in buffer order, in batches marked `historical`, at most
 * `backfill_max_readings_per_s` (a token bucket one backfill batch deep);
 * readings appended since the connect follow at full speed. Backlog first
 * keeps every device's readings arriving in seq order, which the cloud's
 * store and its live view rely on; the price is that live readings wait
 * behind the backlog (at most backlog / rate seconds, visible as the status'
 * buffer_oldest_age_s).
 *
 * Lifecycle: start() once; stop() publishes `offline`, disconnects and
 * resolves; acks arriving after stop() are not applied.
 */
export class MqttUplink {
  private readonly log: Logger;
  private readonly bootId: string;
  private readonly session: MqttSession;
  private readonly pump: BufferPump;
  private readonly counters = emptyCounters();
  private lastAckAt: Date | null = null;
  // Map(batch id -> batch), in send order.
  private readonly inFlight = new Map<string, InFlightBatch>();
  private batchNumber = 0;
  /** Next buffer index to put in a batch. */
  private nextRead: number;
  /** Records from this index on were appended after the current connection came up (live, not backfill). */
  private liveFrom = 0;
  /** When the pump first saw a batch that is not full; it is sent anyway `batch_max_wait_ms` later. */
  private waitingSince: number | undefined;
  private batchTimer: NodeJS.Timeout | undefined;
  private readonly backfill: BackfillPacer;
  private statusTimer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private ackTimeoutLogged = false;
  private unsubscribeBuffer: (() => void) | undefined;
  private stopping = false;
  private readonly startedAt = Date.now();

  constructor(private readonly options: UplinkOptions) {
    this.log = options.logger.child({ component: 'uplink' });
    this.bootId = options.bootId ?? `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    this.nextRead = options.buffer.firstUnacked();
    const { gateway } = options;
    this.backfill = new BackfillPacer(options.uplink.backfill_max_readings_per_s, options.uplink.batch_max_readings, this.log, () => this.pump.run());
    this.pump = new BufferPump(() => this.fill(), this.log, (message) => (this.session.lastError = message));
    this.session = new MqttSession({
      gateway,
      cloud: options.cloud,
      reconnectMaxMs: options.uplink.reconnect_max_ms,
      logger: this.log,
      depth: () => options.buffer.depth(),
      hooks: {
        will: () => ({ topic: topics.status(gateway), payload: Buffer.from(this.statusPayload('offline')), retain: true }),
        subscriptions: () => [topics.ack(gateway), ...(options.channels ?? []).flatMap((c) => c.topics)],
        connected: () => this.onConnected(),
        message: (topic, payload) => {
          if (topic === topics.ack(gateway)) this.onAck(topic, payload);
          else options.channels?.find((c) => c.topics.includes(topic))?.onMessage(topic, payload);
        },
        logFields: () => ({ in_flight: this.inFlight.size }),
      },
    });
  }

  start(): void {
    this.unsubscribeBuffer = this.options.buffer.onAppended(() => this.pump.run());
    this.statusTimer = setInterval(() => this.publishStatus(), this.options.uplink.status_interval_ms);
    this.ackTimer = setInterval(() => this.resendUnacknowledged(), Math.max(250, this.options.uplink.ack_timeout_ms / 4));
    this.session.start();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.unsubscribeBuffer?.();
    clearInterval(this.statusTimer);
    clearInterval(this.ackTimer);
    clearTimeout(this.batchTimer);
    this.backfill.stop();
    await this.session.stop((client) =>
      client.publishAsync(topics.status(this.options.gateway), this.statusPayload('offline'), { qos: 1, retain: true }),
    );
  }

  /**
   * Publishes on the current connection (QoS 1); false when there is none
   * (a channel publishes again from its onConnected()).
   */
  publish(topic: string, payload: string, options: { retain: boolean }): boolean {
    const client = this.session.client;
    if (!client) return false;
    client.publish(topic, payload, { qos: 1, retain: options.retain }, (err) => {
      if (err) this.log.warn({ topic, err: err.message }, 'publish failed');
    });
    return true;
  }

  stats(): UplinkStats {
    return this.session.stats({ lastAckAt: this.lastAckAt, in_flight: this.inFlight.size, counters: this.counters });
  }

  /** A new connection: the backlog boundary moves, the status and channels go out, unacknowledged batches are resent first. */
  private onConnected(): void {
    this.counters.connects += 1;
    this.liveFrom = this.options.buffer.nextIndex;
    this.backfill.reset();
    this.publishStatus();
    for (const channel of this.options.channels ?? []) channel.onConnected();
    for (const batch of this.inFlight.values()) {
      this.counters.batches_resent += 1;
      this.send(batch);
    }
    this.pump.run();
  }

  private lastCpu = { at: performance.now(), usage: process.cpuUsage() };

  /** CPU since the previous status, in % of one core, and resident memory. */
  private processHealth(): { cpu_percent: number; rss_bytes: number } {
    const now = { at: performance.now(), usage: process.cpuUsage() };
    const cpuMicros = now.usage.user - this.lastCpu.usage.user + (now.usage.system - this.lastCpu.usage.system);
    const wallMicros = Math.max(1, (now.at - this.lastCpu.at) * 1000);
    this.lastCpu = now;
    return { cpu_percent: Math.round((cpuMicros / wallMicros) * 1000) / 10, rss_bytes: process.memoryUsage().rss };
  }

  private statusPayload(state: GatewayStatus['state'], oldestAge?: number | null): string {
    const status: GatewayStatus = { v: 1, gateway: this.options.gateway, state, ts: new Date().toISOString() };
    if (state === 'online') {
      const buffer = this.options.buffer.stats();
      status.uptime_s = Math.round((Date.now() - this.startedAt) / 1000);
      Object.assign(status, this.processHealth());
      if (this.options.sources) status.sources = this.options.sources();
      status.buffer_depth = buffer.depth;
      status.buffer_oldest_age_s = oldestAge ?? null;
      status.readings_sent = this.counters.readings_sent;
      status.buffer_dropped_readings = buffer.dropped_readings;
      status.buffer_dropped_bytes = buffer.dropped_bytes;
      status.buffer_oldest_dropped_ts = buffer.oldest_dropped_ts;
      status.buffer_lost_readings = buffer.lost_readings;
    }
    return JSON.stringify(status);
  }

  private publishStatus(): void {
    if (!this.session.client) return;
    void this.options.buffer
      .oldestAge()
      .catch(() => null)
      .then((age) => {
        const client = this.session.client;
        if (!client) return;
        client.publish(topics.status(this.options.gateway), this.statusPayload('online', age), { qos: 1, retain: true }, (err) => {
          if (err) this.log.debug({ err: reason(err) }, 'status not published');
        });
      });
  }

  private async fill(): Promise<void> {
    const { uplink, buffer } = this.options;
    while (this.session.state === 'connected' && !this.stopping && this.inFlight.size < uplink.max_in_flight) {
      const backlog = this.nextRead < this.liveFrom;
      const read = await buffer.read(this.nextRead, {
        maxRecords: backlog ? this.backfill.batchSize : uplink.batch_max_readings,
        // One comma between readings in the JSON array, plus the envelope.
        maxBytes: MAX_BATCH_BYTES - ENVELOPE_RESERVE_BYTES - uplink.batch_max_readings,
      });
      if (read.length === 0) return;
      const historical = read[0]!.index < this.liveFrom;
      // A batch is all backlog or all live, never both.
      const records = historical ? read.filter((r) => r.index < this.liveFrom) : read;
      const last = records.at(-1)!;
      if (historical) {
        if (!this.backfill.take(records.length, last.index + 1 >= this.liveFrom, buffer.depth())) return;
        this.counters.readings_backfilled += records.length;
      }
      // Full: as many readings as allowed, or more are waiting behind the ones that fit; the backlog is complete.
      const full = historical || records.length >= uplink.batch_max_readings || last.index + 1 < buffer.nextIndex;
      if (!full) {
        const now = Date.now();
        this.waitingSince ??= now;
        const due = this.waitingSince + uplink.batch_max_wait_ms;
        if (now < due) {
          if (!this.batchTimer) {
            this.batchTimer = setTimeout(() => {
              this.batchTimer = undefined;
              this.pump.run();
            }, due - now);
          }
          return;
        }
      }
      this.waitingSince = undefined;
      clearTimeout(this.batchTimer);
      this.batchTimer = undefined;
      const batch: InFlightBatch = {
        id: `${this.bootId}-${++this.batchNumber}`,
        from: records[0]!.index,
        to: last.index + 1,
        readings: records.map((r) => r.reading),
        historical,
        sentAt: Date.now(),
      };
      this.nextRead = batch.to;
      this.inFlight.set(batch.id, batch);
      this.counters.batches_sent += 1;
      this.counters.readings_sent += batch.readings.length;
      this.send(batch);
    }
  }

  /**
   * A batch without an ack after `ack_timeout_ms` is published again on the
   * same connection: behind an external broker the ingest worker that took it
   * may have died, and nothing else would ever send it again. The cloud drops
   * the duplicates.
   */
  private resendUnacknowledged(): void {
    if (!this.session.client) return;
    const due = Date.now() - this.options.uplink.ack_timeout_ms;
    const late = [...this.inFlight.values()].filter((b) => b.sentAt <= due);
    if (late.length === 0) {
      this.ackTimeoutLogged = false;
      return;
    }
    if (!this.ackTimeoutLogged) {
      this.ackTimeoutLogged = true;
      this.log.warn({ batches: late.length, ack_timeout_ms: this.options.uplink.ack_timeout_ms }, 'no ack in time; sending the batches again');
    }
    for (const batch of late) {
      this.counters.batches_resent += 1;
      this.send(batch);
    }
  }

  private send(batch: InFlightBatch): void {
    const client = this.session.client;
    batch.sentAt = Date.now();
    if (!client) return;
    const message: UplinkBatch = {
      v: 1,
      gateway: this.options.gateway,
      batch: batch.id,
      sent: new Date().toISOString(),
      ...(batch.historical ? { historical: true } : {}),
      readings: batch.readings,
    };
    client.publish(topics.readings(this.options.gateway), JSON.stringify(message), { qos: 1 }, (err) => {
      // The batch stays in flight: it is sent again after the reconnect.
      if (err) this.log.debug({ batch: batch.id, err: reason(err) }, 'batch not delivered to the broker');
    });
    this.log.debug({ batch: batch.id, readings: batch.readings.length, historical: batch.historical }, 'batch sent');
  }

  private onAck(topic: string, payload: Buffer): void {
    let ack: Ack;
    try {
      ack = ackSchema.parse(JSON.parse(payload.toString('utf8')));
    } catch (err) {
      this.counters.acks_invalid += 1;
      const error = agentErrors.ACK_INVALID({ topic, reason: reason(err).slice(0, 300) });
      this.session.lastError = error.message;
      this.log.warn({ code: error.code, hint: error.hint }, error.message);
      return;
    }
    const batch = this.inFlight.get(ack.batch);
    if (!batch) {
      this.counters.acks_unknown += 1;
      this.log.debug({ batch: ack.batch }, 'ack for a batch not in flight');
      return;
    }
    this.inFlight.delete(ack.batch);
    this.lastAckAt = new Date();
    if (ack.error) {
      this.counters.batches_refused += 1;
      const error = agentErrors.BATCH_REFUSED({ batch: batch.id, count: batch.readings.length, ...ack.error });
      this.session.lastError = error.message;
      this.log.error({ code: error.code, hint: error.hint }, error.message);
    } else {
      this.counters.batches_acked += 1;
      this.counters.readings_stored += ack.stored;
      this.counters.readings_duplicate += ack.duplicates;
      this.recordRejections(ack, batch);
      if (ack.stored + ack.duplicates + ack.rejected.length !== batch.readings.length) {
        this.log.warn(
          { batch: batch.id, readings: batch.readings.length, stored: ack.stored, duplicates: ack.duplicates, rejected: ack.rejected.length },
          'ack does not account for every reading of the batch',
        );
      }
    }
    this.options.buffer
      .ack(batch.from, batch.to)
      .catch((err: unknown) => this.log.error({ err: reason(err), batch: batch.id }, 'buffer ack failed'))
      .finally(() => this.pump.run());
  }

  private recordRejections(ack: Ack, batch: InFlightBatch): void {
    if (ack.rejected.length === 0) return;
    this.counters.readings_rejected += ack.rejected.length;
    for (const rejection of ack.rejected) {
      this.counters.rejected_by_code[rejection.code] = (this.counters.rejected_by_code[rejection.code] ?? 0) + 1;
    }
    const first = ack.rejected[0]!;
    const reading = batch.readings[first.index];
    const error = agentErrors.READING_REJECTED({
      device: first.device ?? reading?.device,
      seq: first.seq ?? reading?.seq,
      code: first.code,
      reason: first.reason,
    });
    this.session.lastError = error.message;
    this.log.warn(
      {
        code: error.code,
        hint: error.hint,
        batch: batch.id,
        rejected: ack.rejected.length,
        reasons: ack.rejected.slice(0, 10).map((r) => ({ device: r.device, seq: r.seq, code: r.code, reason: r.reason })),
      },
      error.message,
    );
  }
}
