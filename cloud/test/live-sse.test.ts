import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MqttClient } from 'mqtt';
import { topics, type Reading } from '@zenne/device-profiles';
import { batchOf, pm25 } from './helpers/fleet.ts';
import { ackListener, connectGateway, startCloud, type Harness } from './helpers/harness.ts';
import { openSse } from './helpers/sse.ts';

describe('GET /api/v1/live (SSE over a real HTTP connection)', () => {
  let h: Harness;
  let gw: MqttClient;
  let acks: Awaited<ReturnType<typeof ackListener>>;
  const sendAndAck = async (batch: string, readings: Reading[]) => {
    await gw.publishAsync(topics.readings('gw-monnaie'), JSON.stringify(batchOf('gw-monnaie', batch, readings)), { qos: 1 });
    return acks.next(batch);
  };

  beforeAll(async () => {
    h = await startCloud({ sseHeartbeatMs: 50 });
    gw = await connectGateway(h, 'gw-monnaie');
    acks = await ackListener(gw, 'gw-monnaie');
  });
  afterAll(async () => {
    await h.close();
  });

  it('sends the latest values first, then live readings, filtered, and cleans up on close', async () => {
    const old = pm25('aq-monnaie-01', 10, 0);
    const latest1 = pm25('aq-monnaie-01', 11, 10);
    const latest2 = pm25('aq-monnaie-02', 20, 5);
    await sendAndAck('before', [old, latest1, latest2, pm25('aq-monnaie-01', 99, 10, { quantity: 'pm10' })]);

    // Other consumers (the public MQTT feed) follow the bus too.
    const idle = h.cloud.live.listenerCount('reading');
    const sse = await openSse(`${h.cloud.httpUrl}/api/v1/live?quantity=pm2_5&device=aq-monnaie-01,aq-monnaie-02`);
    expect(sse.status).toBe(200);
    const first = [await sse.next(), await sse.next()];
    expect(first.map((e) => e.event)).toEqual(['reading', 'reading']);
    expect(first.map((e) => JSON.parse(e.data!))).toEqual([latest1, latest2]);

    const live = pm25('aq-monnaie-02', 21, 20);
    await sendAndAck('after', [pm25('aq-monnaie-02', 5, 20, { quantity: 'pm10' }), live]);
    expect(JSON.parse((await sse.next()).data!)).toEqual(live);
    expect((await sse.next((e) => e.comment === 'heartbeat')).comment).toBe('heartbeat');

    expect(h.cloud.live.listenerCount('reading')).toBe(idle + 1);
    sse.close();
    await vi.waitFor(() => expect(h.cloud.live.listenerCount('reading')).toBe(idle));
  });

  it('rejects a bad filter with 400 before streaming', async () => {
    const res = await fetch(`${h.cloud.httpUrl}/api/v1/live?quantity=smell`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('ZENNE_ERR_API_BAD_REQUEST');
  });

  it('ends open streams when the cloud stops', async () => {
    const sse = await openSse(`${h.cloud.httpUrl}/api/v1/live`);
    await sse.next((e) => e.comment === 'heartbeat');
    await h.cloud.stop();
    await sse.ended;
    expect(h.cloud.live.listenerCount('reading')).toBe(0);
  });
});
