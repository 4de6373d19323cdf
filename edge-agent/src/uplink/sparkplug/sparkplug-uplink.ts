import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { MAX_BATCH_BYTES, QUANTITIES, type Quality, type Quantity, type Reading } from '@zenne/device-profiles';
import { writeFileAtomic } from '../../atomic-file.ts';
import type { DurableBuffer } from '../../buffer/index.ts';
import type { CloudLink, UplinkConfig } from '../../config/index.ts';
import { agentErrors } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { BackfillPacer } from '../backfill-pacer.ts';
import { BufferPump, reason } from '../buffer-pump.ts';
import { MqttSession } from '../mqtt-session.ts';
import { emptyCounters, type UplinkStats } from '../uplink-stats.ts';
import { DataType, decodePayload, encodePayload, type Metric, type PropertyValue } from './payload.ts';
import { sparkplugTopic } from './topics.ts';

/** Sparkplug 3.0 §6.4 Payload "seq" and the bdSeq metric: both count 0..255 and wrap to 0. */
const SEQ_MODULUS = 256;
/** Sparkplug 3.0 §4.2 NBIRTH (and §5 "Edge Node Session Establishment"): the metric a host application sets to true to ask for a rebirth. */
export const REBIRTH_METRIC = 'Node Control/Rebirth';
/** State file (in state_dir) keeping the last bdSeq across restarts. */
const BDSEQ_FILE = 'sparkplug.json';

/**
 * OPC DA quality codes, the convention Sparkplug hosts (Ignition, Tahu) read
 * from a metric's `Quality` property: 192 good, 64 uncertain, 0 bad.
 */
const QUALITY_CODE: Record<Quality, number> = { good: 192, suspect: 64, bad: 0 };

export interface SparkplugUplinkOptions {
  /** MQTT client id (the gateway id). */
  gateway: string;
  cloud: CloudLink;
  uplink: UplinkConfig;
  sparkplug: { group_id: string; edge_node_id: string };
  /** Map(device -> quantities of its profile): the metrics of each DBIRTH. */
  devices: ReadonlyMap<string, readonly Quantity[]>;
  buffer: DurableBuffer;
  /** Where the last bdSeq is kept across restarts. */
  stateDir: string;
  logger: Logger;
}

/** Buffer records [from, to) published as DDATA; acknowledged once every DDATA of it was PUBACKed. */
interface DataBatch {
  from: number;
  to: number;
  records: Array<{ index: number; reading: Reading }>;
  /** DDATA messages of this batch not yet PUBACKed on the current connection. */
  pending: number;
}

/**
 * The Sparkplug B uplink (Eclipse Sparkplug 3.0): the gateway is an Edge Node
 * `spBv1.0/{group_id}/.../{edge_node_id}` and every configured device a
 * Sparkplug device, so an industrial MQTT host can consume it directly.
 *
 * Session (Sparkplug 3.0 §5 "Edge Node Session Establishment"): each connection attempt
 * uses a fresh clean-session client whose will is NDEATH carrying the next
 * bdSeq (0..255, kept in `state_dir/sparkplug.json` so a restart does not
 * reuse the previous session's value); once connected it subscribes to NCMD,
 * then publishes NBIRTH (seq 0, the same bdSeq, `Node Control/Rebirth` =
 * false) and one DBIRTH per device (its profile's quantities, `engUnit`
 * property, is_null until the first DDATA). Every later message takes the
 * next seq, wrapping after 255 (§6.4 Payload "seq").
 *
 * Data: readings leave the durable buffer in order as DDATA (metric name =
 * quantity, timestamp = reading ts, properties `Quality` and `zenne_seq`;
 * readings buffered before the connect are `is_historical` and paced at
 * `backfill_max_readings_per_s`, like in the Zenne uplink). The spec
 * recommends QoS 0 for DDATA; Zenne publishes it at QoS 1 because the buffer
 * releases a reading only when someone has taken responsibility for it, and
 * a Sparkplug host sends no application-level acknowledgement: the broker's
 * PUBACK is the only one there is. So "acknowledged" means "accepted by the
 * broker", not "stored by the host". Unacknowledged DDATA is sent again
 * after a reconnect (new seq, same `zenne_seq`: a host can drop duplicates).
 * A reading whose device or quantity is not born yet triggers a new DBIRTH
 * first (§5 "Device Session Establishment": a device MUST be born before its DDATA).
 *
 * NCMD `Node Control/Rebirth` = true republishes NBIRTH and every DBIRTH.
 * stop() publishes NDEATH with the session's bdSeq, then disconnects.
 */
export class SparkplugUplink {
  private readonly log: Logger;
  private readonly session: MqttSession;
  private readonly pump: BufferPump;
  private readonly backfill: BackfillPacer;
  private readonly counters = emptyCounters();
  private lastAckAt: Date | null = null;
  private bdSeq: number | undefined;
  private seq = 0;
  /** Map(device -> quantities its last DBIRTH declared) on this connection. */
  private readonly born = new Map<string, Set<Quantity>>();
  private readonly inFlight: DataBatch[] = [];
  private nextRead: number;
  /** Records from this index on were appended after the current connection came up. */
  private liveFrom = 0;
  private unsubscribeBuffer: (() => void) | undefined;
  private stopping = false;

  constructor(private readonly options: SparkplugUplinkOptions) {
    this.log = options.logger.child({ component: 'uplink', mode: 'sparkplug_b' });
    this.nextRead = options.buffer.firstUnacked();
    this.backfill = new BackfillPacer(options.uplink.backfill_max_readings_per_s, options.uplink.batch_max_readings, this.log, () => this.pump.run());
    this.pump = new BufferPump(() => this.fill(), this.log, (message) => (this.session.lastError = message));
    this.session = new MqttSession({
      gateway: options.gateway,
      cloud: options.cloud,
      reconnectMaxMs: options.uplink.reconnect_max_ms,
      logger: this.log,
      depth: () => options.buffer.depth(),
      hooks: {
        // §5 "Edge Node Session Establishment": a fresh clean session per attempt, each with the next bdSeq.
        prepare: () => this.advanceBdSeq(),
        // §5: the will is NDEATH with the bdSeq of this session, QoS 1, not retained.
        will: () => ({ topic: this.topic('NDEATH'), payload: this.deathPayload(), retain: false }),
        // §5: subscribe to NCMD before NBIRTH, so a rebirth request is never missed.
        subscriptions: () => [this.topic('NCMD')],
        connected: (client) => this.onConnected(client),
        message: (topic, payload) => {
          if (topic === this.topic('NCMD')) this.onCommand(topic, payload);
        },
        logFields: () => ({ bd_seq: this.bdSeq }),
      },
    });
  }

  start(): void {
    this.unsubscribeBuffer = this.options.buffer.onAppended(() => this.pump.run());
    this.session.start();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.unsubscribeBuffer?.();
    this.backfill.stop();
    // §5 "Edge Node Session Termination": an intentional disconnect publishes NDEATH first.
    await this.session.stop((client) => client.publishAsync(this.topic('NDEATH'), this.deathPayload(), { qos: 1 }));
  }

  stats(): UplinkStats {
    return this.session.stats({ lastAckAt: this.lastAckAt, in_flight: this.inFlight.length, counters: this.counters });
  }

  private topic(type: 'NBIRTH' | 'NDEATH' | 'NCMD'): string;
  private topic(type: 'DBIRTH' | 'DDATA', device: string): string;
  private topic(type: 'NBIRTH' | 'NDEATH' | 'NCMD' | 'DBIRTH' | 'DDATA', device?: string): string {
    const { group_id, edge_node_id } = this.options.sparkplug;
    return sparkplugTopic(group_id, type, edge_node_id, device);
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) % SEQ_MODULUS;
    return seq;
  }

  private bdSeqMetric(): Metric {
    return { name: 'bdSeq', timestamp: Date.now(), datatype: DataType.UInt64, longValue: this.bdSeq! };
  }

  /** §4.2 NDEATH payload: only the bdSeq metric, and no seq. */
  private deathPayload(): Buffer {
    return encodePayload({ timestamp: Date.now(), metrics: [this.bdSeqMetric()] });
  }

  /** The next bdSeq, saved before it goes into a will so a restart never repeats it. */
  private async advanceBdSeq(): Promise<void> {
    const file = join(this.options.stateDir, BDSEQ_FILE);
    if (this.bdSeq === undefined) {
      const saved = await readFile(file, 'utf8').then(
        (text) => Number((JSON.parse(text) as { bd_seq?: unknown }).bd_seq),
        () => NaN,
      );
      this.bdSeq = Number.isInteger(saved) && saved >= 0 && saved < SEQ_MODULUS ? (saved + 1) % SEQ_MODULUS : 0;
    } else {
      this.bdSeq = (this.bdSeq + 1) % SEQ_MODULUS;
    }
    await writeFileAtomic(file, JSON.stringify({ v: 1, bd_seq: this.bdSeq }) + '\n').catch((err: unknown) =>
      this.log.warn({ err: reason(err), file }, 'bdSeq not saved; a restart may repeat it'),
    );
  }

  /** A new session: births first, then unacknowledged DDATA again, in order. */
  private onConnected(client: MqttClient): void {
    this.counters.connects += 1;
    this.liveFrom = this.options.buffer.nextIndex;
    this.backfill.reset();
    this.publishBirths(client);
    for (const batch of this.inFlight) {
      this.counters.batches_resent += 1;
      this.send(client, batch);
    }
    this.pump.run();
  }

  /** NBIRTH (seq 0) then one DBIRTH per device (§5 "Edge Node Session Establishment", "Device Session Establishment"). */
  private publishBirths(client: MqttClient): void {
    this.seq = 0;
    this.born.clear();
    const metrics: Metric[] = [
      this.bdSeqMetric(),
      { name: REBIRTH_METRIC, timestamp: Date.now(), datatype: DataType.Boolean, booleanValue: false },
    ];
    this.publish(client, this.topic('NBIRTH'), { timestamp: Date.now(), metrics, seq: this.nextSeq() }, 0);
    for (const [device, quantities] of this.options.devices) this.birthDevice(client, device, quantities);
  }

  /** DBIRTH declaring `quantities` (and whatever the device was born with on this connection). */
  private birthDevice(client: MqttClient, device: string, quantities: Iterable<Quantity>): void {
    const declared = new Set([...(this.born.get(device) ?? []), ...quantities]);
    this.born.set(device, declared);
    const now = Date.now();
    const metrics: Metric[] = [...declared].map((quantity) => ({
      name: quantity,
      timestamp: now,
      datatype: DataType.Double,
      // §4.3 DBIRTH: every metric the device will report, with its current value or is_null.
      isNull: true,
      properties: { keys: ['engUnit'], values: [{ type: DataType.String, stringValue: QUANTITIES[quantity].unit }] },
    }));
    this.publish(client, this.topic('DBIRTH', device), { timestamp: now, metrics, seq: this.nextSeq() }, 0);
  }

  private publish(client: MqttClient, topic: string, payload: Parameters<typeof encodePayload>[0], qos: 0 | 1, done?: (err?: Error) => void): void {
    client.publish(topic, encodePayload(payload), { qos, retain: false }, (err) => {
      if (err) this.log.debug({ topic, err: reason(err) }, 'not delivered to the broker');
      done?.(err);
    });
  }

  private onCommand(topic: string, bytes: Buffer): void {
    let metrics: Metric[];
    try {
      metrics = decodePayload(bytes).metrics;
    } catch (err) {
      this.counters.acks_invalid += 1;
      const error = agentErrors.SPARKPLUG_NCMD_INVALID({ topic, reason: reason(err).slice(0, 300) });
      this.session.lastError = error.message;
      this.log.warn({ code: error.code, hint: error.hint }, error.message);
      return;
    }
    const client = this.session.client;
    if (!client) return;
    if (metrics.some((m) => m.name === REBIRTH_METRIC && m.booleanValue === true)) {
      this.log.info({ bd_seq: this.bdSeq }, 'rebirth requested by the host application');
      this.publishBirths(client);
    }
  }

  private async fill(): Promise<void> {
    const { uplink, buffer } = this.options;
    while (this.session.state === 'connected' && !this.stopping && this.inFlight.length < uplink.max_in_flight) {
      const backlog = this.nextRead < this.liveFrom;
      const read = await buffer.read(this.nextRead, {
        maxRecords: backlog ? this.backfill.batchSize : uplink.batch_max_readings,
        // The protobuf DDATA is smaller than the buffered JSON, so this also bounds the MQTT message.
        maxBytes: MAX_BATCH_BYTES,
      });
      const client = this.session.client;
      if (read.length === 0 || !client) return;
      const historical = read[0]!.index < this.liveFrom;
      // A batch is all backlog or all live, never both: only the backlog is paced.
      const records = historical ? read.filter((r) => r.index < this.liveFrom) : read;
      const to = records.at(-1)!.index + 1;
      if (historical && !this.backfill.take(records.length, to >= this.liveFrom, buffer.depth())) return;
      const batch: DataBatch = { from: records[0]!.index, to, records, pending: 0 };
      this.nextRead = batch.to;
      this.inFlight.push(batch);
      this.counters.batches_sent += 1;
      this.counters.readings_sent += records.length;
      if (historical) this.counters.readings_backfilled += records.length;
      this.send(client, batch);
    }
  }

  /** One DDATA per device of the batch, in buffer order, at QoS 1 (see the class comment). */
  private send(client: MqttClient, batch: DataBatch): void {
    // Map(device -> its readings in this batch); insertion order = order of first appearance.
    const byDevice = new Map<string, DataBatch['records']>();
    for (const record of batch.records) {
      const records = byDevice.get(record.reading.device);
      if (records) records.push(record);
      else byDevice.set(record.reading.device, [record]);
    }
    batch.pending = byDevice.size;
    for (const [device, records] of byDevice) {
      const known = this.born.get(device);
      const quantities = records.map((r) => r.reading.quantity);
      if (!known || quantities.some((q) => !known.has(q))) this.birthDevice(client, device, quantities);
      const metrics = records.map((r) => this.dataMetric(r.reading, r.index < this.liveFrom));
      this.publish(client, this.topic('DDATA', device), { timestamp: Date.now(), metrics, seq: this.nextSeq() }, 1, (err) => {
        if (err || !this.session.isCurrent(client)) return;
        this.onPuback(batch);
      });
    }
  }

  private dataMetric(reading: Reading, historical: boolean): Metric {
    const keys = ['Quality', 'zenne_seq'];
    const values: PropertyValue[] = [
      { type: DataType.Int32, intValue: QUALITY_CODE[reading.quality] },
      { type: DataType.UInt64, longValue: reading.seq },
    ];
    if (reading.reasons) {
      keys.push('zenne_reasons');
      values.push({ type: DataType.String, stringValue: reading.reasons.join(',') });
    }
    return {
      name: reading.quantity,
      timestamp: Date.parse(reading.ts),
      datatype: DataType.Double,
      doubleValue: reading.value,
      ...(historical ? { isHistorical: true } : {}),
      properties: { keys, values },
    };
  }

  private onPuback(batch: DataBatch): void {
    batch.pending -= 1;
    if (batch.pending > 0) return;
    const at = this.inFlight.indexOf(batch);
    if (at < 0) return;
    this.inFlight.splice(at, 1);
    this.lastAckAt = new Date();
    this.counters.batches_acked += 1;
    this.counters.readings_stored += batch.records.length;
    this.options.buffer
      .ack(batch.from, batch.to)
      .catch((err: unknown) => this.log.error({ err: reason(err), from: batch.from, to: batch.to }, 'buffer ack failed'))
      .finally(() => this.pump.run());
  }
}
