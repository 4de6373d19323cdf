import { connectAsync, type MqttClient } from 'mqtt';
import {
  ackSchema,
  createNormaliser,
  getProfile,
  MAX_BATCH_READINGS,
  topics,
  type Ack,
  type Reading,
  type UplinkBatch,
} from '@zenne/device-profiles';
import { getVirtualDeviceKind } from '../devices/registry.ts';
import { simErrors } from '../errors.ts';
import type { Fleet, FleetGateway } from '../fleet/fleet-schema.ts';
import type { ReplaySource } from '../replay/replay-source.ts';

export interface SeedHistoryOptions {
  mqttUrl: string;
  fleet: Fleet;
  /** Map(gateway id -> MQTT password) */
  secrets: ReadonlyMap<string, string>;
  /** Map(device id -> its replay source), the same the live virtual sensors use. */
  sources: ReadonlyMap<string, ReplaySource>;
  fromMs: number;
  toMs: number;
  /** Time between seeded samples. */
  stepMs: number;
  onProgress?: (progress: { gateway: string; done: number; total: number }) => void;
  ackTimeoutMs?: number;
  /** Checked before every batch; an abort rejects with its reason. */
  signal?: AbortSignal;
}

const DEFAULT_ACK_TIMEOUT_MS = 60_000;

/**
 * Stores replayed history in the cloud the way a gateway backfills: each
 * gateway publishes its devices' readings on its own readings topic with
 * `historical: true`, in batches of at most MAX_BATCH_READINGS, and waits for
 * each batch's ack before sending the next.
 *
 * Readings go through the device profile's normaliser, so units and quality
 * are what the live agent would produce. Samples sit on a grid of absolute
 * multiples of `stepMs`, and the sequence number is `ts_ms * 1000 + channel
 * index` (a µs-like clock): a seeding that is interrupted and run again sends
 * the same (device, seq) pairs, which the cloud drops as duplicates. These
 * seqs stay below the live agent's, which start at `Date.now() * 1000` when
 * the agent first sees a device (docs/architecture.md), because every seeded
 * ts lies before the agents start and the channel index is < 1000.
 *
 * Throws `ZENNE_ERR_SIM_HISTORY_SEED_REFUSED` when the cloud rejects a batch
 * or a reading, `ZENNE_ERR_SIM_HISTORY_SEED_TIMEOUT` when an ack does not come,
 * `ZENNE_ERR_SIM_MQTT_CONNECT_FAILED` when a gateway cannot connect.
 */
export async function seedHistory(options: SeedHistoryOptions): Promise<{ readings: number; duplicates: number }> {
  const grid: number[] = [];
  for (let t = Math.ceil(options.fromMs / options.stepMs) * options.stepMs; t < options.toMs; t += options.stepMs) grid.push(t);
  let readings = 0;
  let duplicates = 0;
  for (const gateway of options.fleet.gateways) {
    const result = await seedGateway(options, gateway, grid);
    readings += result.stored;
    duplicates += result.duplicates;
  }
  return { readings, duplicates };
}

async function seedGateway(options: SeedHistoryOptions, gateway: FleetGateway, grid: readonly number[]) {
  const devices = gateway.devices.map((d) => {
    const profile = getProfile(getVirtualDeviceKind(d.kind).profile);
    return {
      fleet: d,
      kind: getVirtualDeviceKind(d.kind),
      source: options.sources.get(d.id)!,
      normaliser: createNormaliser(profile, { device: d.id }),
      channelIndex: new Map(profile.channels.map((c, i) => [c.quantity, i])),
    };
  });
  const total = grid.length * devices.reduce((n, d) => n + d.channelIndex.size, 0);
  const client = await connect(options, gateway.id);
  const acks = new AckWaiter(client, gateway.id, options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS);
  try {
    await client.subscribeAsync(topics.ack(gateway.id), { qos: 1 });
    let batch: Reading[] = [];
    let batchNo = 0;
    let done = 0;
    let stored = 0;
    let duplicates = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      options.signal?.throwIfAborted();
      const id = `history-${grid[0]}-${batchNo++}`;
      const ack = await acks.publish(batchOf(gateway.id, id, batch));
      const rejection = ack.error ?? ack.rejected[0];
      if (rejection) throw simErrors.HISTORY_SEED_REFUSED({ batch: id, gateway: gateway.id, reason: `${rejection.code}: ${rejection.reason}` });
      stored += ack.stored;
      duplicates += ack.duplicates;
      done += batch.length;
      batch = [];
      options.onProgress?.({ gateway: gateway.id, done, total });
    };
    for (const t of grid) {
      for (const device of devices) {
        const { readings } = device.normaliser.normalise({ fields: device.kind.fieldsAt(device.source, t), ts: new Date(t) });
        for (const draft of readings) {
          batch.push({ ...draft, seq: t * 1000 + device.channelIndex.get(draft.quantity)! });
          if (batch.length === MAX_BATCH_READINGS) await flush();
        }
      }
    }
    await flush();
    return { stored, duplicates };
  } finally {
    acks.close();
    await client.endAsync();
  }
}

function batchOf(gateway: string, batch: string, readings: Reading[]): UplinkBatch {
  return { v: 1, gateway, batch, sent: new Date().toISOString(), historical: true, readings };
}

async function connect(options: SeedHistoryOptions, gateway: string): Promise<MqttClient> {
  try {
    return await connectAsync(options.mqttUrl, {
      username: gateway,
      password: options.secrets.get(gateway)!,
      clientId: `${gateway}-history-seed`,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
  } catch (cause) {
    throw simErrors.MQTT_CONNECT_FAILED({ url: options.mqttUrl, gateway, reason: (cause as Error).message }, { cause });
  }
}

/** Publishes one batch at a time and resolves with the ack that names it. */
class AckWaiter {
  #pending: { batch: string; resolve: (ack: Ack) => void } | undefined;
  readonly #onMessage = (topic: string, payload: Buffer) => {
    if (topic !== topics.ack(this.gateway)) return;
    const parsed = ackSchema.safeParse(safeJson(payload));
    if (parsed.success && parsed.data.batch === this.#pending?.batch) this.#pending.resolve(parsed.data);
  };

  constructor(
    private readonly client: MqttClient,
    private readonly gateway: string,
    private readonly timeoutMs: number,
  ) {
    client.on('message', this.#onMessage);
  }

  async publish(batch: UplinkBatch): Promise<Ack> {
    let timer: NodeJS.Timeout | undefined;
    const acked = new Promise<Ack>((resolve, reject) => {
      this.#pending = { batch: batch.batch, resolve };
      timer = setTimeout(
        () => reject(simErrors.HISTORY_SEED_TIMEOUT({ batch: batch.batch, gateway: this.gateway, seconds: this.timeoutMs / 1000 })),
        this.timeoutMs,
      );
    });
    try {
      await this.client.publishAsync(topics.readings(this.gateway), JSON.stringify(batch), { qos: 1 });
      return await acked;
    } finally {
      clearTimeout(timer);
      this.#pending = undefined;
    }
  }

  close(): void {
    this.client.off('message', this.#onMessage);
  }
}

function safeJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}
