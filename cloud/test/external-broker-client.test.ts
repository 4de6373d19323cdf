import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { topics } from '@zenne/device-profiles';
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto.ts';
import { externalBroker } from '../src/broker/external/external-broker.ts';
import { topicMatches } from '../src/broker/external/topic-filter.ts';
import type { CloudBroker } from '../src/broker/broker.ts';

describe('topicMatches (MQTT 3.1.1 §4.7)', () => {
  it.each([
    ['zenne/v1/gw/+/readings', 'zenne/v1/gw/gw-a/readings', true],
    ['zenne/v1/gw/+/readings', 'zenne/v1/gw/gw-a/status', false],
    ['zenne/v1/gw/+/commands', 'zenne/v1/gw/gw-a/commands/result', false],
    ['zenne/v1/gw/+/commands/result', 'zenne/v1/gw/gw-a/commands/result', true],
    ['zenne/v1/#', 'zenne/v1', true],
    ['zenne/v1/#', 'zenne/v1/gw/gw-a/ack', true],
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe('external broker client', () => {
  let mosquitto: Mosquitto | undefined;
  let broker: CloudBroker | undefined;

  afterEach(async () => {
    await broker?.close();
    await mosquitto?.close();
    broker = mosquitto = undefined;
  });

  function recordingLogger() {
    const records: Record<string, unknown>[] = [];
    return { records, logger: pino({ level: 'info' }, { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) }) };
  }

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it('logs an outage once and its end once, and gets its shared subscription back', async () => {
    mosquitto = await startMosquitto();
    const { records, logger } = recordingLogger();
    broker = externalBroker({ url: mosquitto.url, logger, clientId: 'ingest-test', shareGroup: 'zenne-ingest', reconnectMs: 50 });
    const received: string[] = [];
    await broker.subscribe(topics.readings('+'), (topic) => received.push(topic));
    await broker.start();

    await mosquitto.stop();
    await until(() => records.some((r) => r.code === 'ZENNE_ERR_BROKER_EXTERNAL_UNREACHABLE'));
    await expect(broker.publish(topics.ack('gw-a'), '{}', 1)).rejects.toThrow(/not connected/);
    await mosquitto.start();
    await until(() => records.some((r) => r.msg === 'external broker recovered'));
    expect(records.filter((r) => r.code === 'ZENNE_ERR_BROKER_EXTERNAL_UNREACHABLE')).toHaveLength(1);
    expect(broker.stats()).toMatchObject({ connections: 2, connected: 1 });

    const gateway = await mqtt.connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    try {
      // The resubscription follows the CONNACK; publish until it is in place.
      await until(() => {
        void gateway.publishAsync(topics.readings('gw-a'), '{}', { qos: 1 });
        return received.length > 0;
      });
      expect(received[0]).toBe(topics.readings('gw-a'));
    } finally {
      await gateway.endAsync();
    }
  });
});
