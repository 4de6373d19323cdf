import mqtt, { type MqttClient } from 'mqtt';
import { readingSchema, topics, uplinkBatchSchema, type Ack, type Reading } from '@zenne/device-profiles';

/**
 * Plays the cloud's ingest role for the agent tests: subscribes to a gateway's
 * readings, validates batches and readings with the wire schemas, dedupes on
 * (device, seq) and answers with an Ack. The real cloud ingest is exercised by
 * the root end-to-end tests; this stand-in lets the agent be tested against a
 * real broker (mosquitto) with nothing else running.
 */
export interface IngestHarness {
  /** First arrival of each (device, seq), in arrival order. */
  readonly readings: Reading[];
  /** Every batch id received, repeats included, in arrival order. */
  readonly batches: string[];
  readonly invalid: string[];
  /** When false, batches are recorded but not acknowledged (until set back to true). */
  acking: boolean;
  /** Acknowledges every batch received so far that was not acknowledged yet. */
  ackPending(): void;
  close(): Promise<void>;
}

export async function startIngestHarness(url: string, gateway: string): Promise<IngestHarness> {
  const client: MqttClient = await mqtt.connectAsync(url, {
    clientId: `zenne-test-ingest-${gateway}`,
    clean: false,
    reconnectPeriod: 100,
  });
  await client.subscribeAsync(topics.readings(gateway), { qos: 1 });
  // Map("device seq" -> true) for dedupe
  const seen = new Set<string>();
  // Map(batch id -> ack to send) for batches not acknowledged yet
  const pending = new Map<string, Ack>();
  const harness: IngestHarness = {
    readings: [],
    batches: [],
    invalid: [],
    acking: true,
    ackPending() {
      for (const [id, ack] of pending) {
        client.publish(topics.ack(gateway), JSON.stringify(ack), { qos: 1 });
        pending.delete(id);
      }
    },
    async close() {
      await client.endAsync();
    },
  };
  client.on('message', (_topic, payload) => {
    const batch = uplinkBatchSchema.safeParse(JSON.parse(payload.toString('utf8')));
    if (!batch.success) {
      harness.invalid.push(batch.error.message);
      return;
    }
    harness.batches.push(batch.data.batch);
    let stored = 0;
    let duplicates = 0;
    for (const raw of batch.data.readings) {
      const reading = readingSchema.parse(raw);
      const key = `${reading.device} ${reading.seq}`;
      if (seen.has(key)) duplicates += 1;
      else {
        seen.add(key);
        stored += 1;
        harness.readings.push(reading);
      }
    }
    pending.set(batch.data.batch, { v: 1, batch: batch.data.batch, stored, duplicates, rejected: [] });
    if (harness.acking) harness.ackPending();
  });
  return harness;
}
