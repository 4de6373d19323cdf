import { randomUUID } from 'node:crypto';
import { ackSchema, topics, type Ack, type Reading } from '@zenne/device-profiles';
import mqtt, { type MqttClient } from 'mqtt';

/**
 * Publishes readings as a gateway would (docs/architecture.md: `UplinkBatch` on
 * `zenne/v1/gw/{gw}/readings`, QoS 1) and waits for the cloud's `Ack` of each batch.
 */
export class TestGateway {
  private readonly waiting = new Map<string, (ack: Ack) => void>();

  private constructor(
    private readonly client: MqttClient,
    readonly id: string,
  ) {
    client.on('message', (_topic, payload) => {
      const ack = ackSchema.safeParse(JSON.parse(payload.toString('utf8')));
      if (!ack.success) return;
      this.waiting.get(ack.data.batch)?.(ack.data);
      this.waiting.delete(ack.data.batch);
    });
  }

  static async connect(url: string, id: string, password: string): Promise<TestGateway> {
    const client = await mqtt.connectAsync(url, { username: id, password, clientId: `${id}-viewer-e2e`, reconnectPeriod: 0 });
    await client.subscribeAsync(topics.ack(id), { qos: 1 });
    return new TestGateway(client, id);
  }

  /** Sends the readings in batches of at most `batchSize`; resolves with every ack. */
  async publish(readings: readonly Reading[], batchSize = 500): Promise<Ack[]> {
    const acks: Ack[] = [];
    for (let i = 0; i < readings.length; i += batchSize) {
      const batch = randomUUID();
      const acked = new Promise<Ack>((resolve) => this.waiting.set(batch, resolve));
      const payload = {
        v: 1,
        gateway: this.id,
        batch,
        sent: new Date().toISOString(),
        readings: readings.slice(i, i + batchSize),
      };
      await this.client.publishAsync(topics.readings(this.id), JSON.stringify(payload), { qos: 1 });
      acks.push(await acked);
    }
    return acks;
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

/** Hands out per-device sequence numbers the way the edge does (docs/architecture.md). */
export class SequenceNumbers {
  private readonly next = new Map<string, number>();

  take(device: string): number {
    const seq = this.next.get(device) ?? Date.now() * 1000;
    this.next.set(device, seq + 1);
    return seq;
  }
}
