import mqtt, { type MqttClient } from 'mqtt';
import { ackSchema, topics, type Ack, type Reading } from '@zenne/device-profiles';

export interface SendOptions {
  /** Most batches awaiting their ack at once. */
  maxInFlight: number;
  /** A batch with no ack after this long is published again (and again), as an agent would after reconnecting. */
  resendAfterMs: number;
  /** Called after each first publication, with how many batches were published so far. */
  onPublished?: (published: number) => void;
}

export interface ResendingGateway {
  /** Batches published again because their ack did not come in time. */
  readonly resends: number;
  /** Publishes `batches` in order (ids `<gateway>-b<i>`) and resolves with one ack per batch once every batch is acknowledged. */
  send(batches: Reading[][], options: SendOptions): Promise<Ack[]>;
  close(): Promise<void>;
}

interface Pending {
  timer: NodeJS.Timeout;
  acked: (ack: Ack) => void;
}

/**
 * A gateway made of mqtt.js alone: publishes UplinkBatch messages (QoS 1,
 * MQTT 5) on its readings topic, waits for each Ack, and resends a batch
 * whose ack does not come, so that what a lost ingest worker held is
 * delivered again.
 */
export async function connectResendingGateway(url: string, gateway: string, password: string): Promise<ResendingGateway> {
  const client: MqttClient = await mqtt.connectAsync(url, { username: gateway, password, protocolVersion: 5, clean: true, reconnectPeriod: 500 });
  const pending = new Map<string, Pending>();
  let resends = 0;
  client.on('message', (_topic, payload) => {
    const ack = ackSchema.parse(JSON.parse(payload.toString('utf8')));
    const p = pending.get(ack.batch);
    if (!p) return; // an ack of a resend whose first ack already came
    pending.delete(ack.batch);
    clearTimeout(p.timer);
    p.acked(ack);
  });
  await client.subscribeAsync(topics.ack(gateway), { qos: 1 });
  const publish = (payload: string) => client.publishAsync(topics.readings(gateway), payload, { qos: 1 }).catch(() => undefined);

  return {
    get resends() {
      return resends;
    },
    async send(batches, { maxInFlight, resendAfterMs, onPublished }) {
      const acks: Promise<Ack>[] = [];
      let freed: () => void = () => undefined;
      for (const [i, readings] of batches.entries()) {
        while (pending.size >= maxInFlight) await new Promise<void>((resolve) => (freed = resolve));
        const batch = `${gateway}-b${i}`;
        const payload = JSON.stringify({ v: 1, gateway, batch, sent: new Date().toISOString(), readings });
        acks.push(
          new Promise<Ack>((resolve) => {
            const resend = (): NodeJS.Timeout =>
              setTimeout(() => {
                resends++;
                void publish(payload);
                pending.get(batch)!.timer = resend();
              }, resendAfterMs);
            pending.set(batch, {
              timer: resend(),
              acked: (ack) => {
                resolve(ack);
                freed();
              },
            });
          }),
        );
        await publish(payload);
        onPublished?.(i + 1);
      }
      return Promise.all(acks);
    },
    async close() {
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
      await client.endAsync();
    },
  };
}
