import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MqttClient } from 'mqtt';
import { topics, type Reading } from '@zenne/device-profiles';
import type { Alert, AlertEvent } from '../src/alerts/alert-schemas.ts';
import { readAdminFile } from '../src/api/provisioning/admin-file.ts';
import { batchOf, pm25 } from './helpers/fleet.ts';
import { ackListener, connectGateway, startCloud, type Harness } from './helpers/harness.ts';
import { openSse } from './helpers/sse.ts';

interface Received {
  status: number;
  delivery: string;
  event: AlertEvent;
}

/** A real webhook receiver on a free port; `answer` decides each response (it may wait). */
async function startReceiver(answer: (n: number) => Promise<number> | number) {
  const received: Received[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const status = await answer(received.length);
    received.push({ status, delivery: String(req.headers['x-zenne-delivery']), event: JSON.parse(body) as AlertEvent });
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    delivered: () => received.filter((r) => r.status === 200).map((r) => r.event),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('alert lifecycle end to end (acceptance 6): MQTT readings → threshold with hysteresis → API, SSE, webhooks', () => {
  let h: Harness;
  let gw: MqttClient;
  let acks: Awaited<ReturnType<typeof ackListener>>;
  let token: string;
  let flaky: Awaited<ReturnType<typeof startReceiver>>;
  let healthy: Awaited<ReturnType<typeof startReceiver>>;
  let healthyGotFirst: () => void;
  const healthyFirst = new Promise<void>((resolve) => (healthyGotFirst = resolve));

  const sendAndAck = async (batch: string, readings: Reading[]) => {
    await gw.publishAsync(topics.readings('gw-monnaie'), JSON.stringify(batchOf('gw-monnaie', batch, readings)), { qos: 1 });
    return acks.next(batch);
  };
  const api = (path: string, init: RequestInit = {}) => fetch(`${h.cloud.httpUrl}/api/v1${path}`, init);
  const write = (method: string, path: string, body: unknown, auth = true) =>
    api(path, { method, headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

  beforeAll(async () => {
    // The flaky receiver answers its first delivery only once the healthy one has had it (so one failing receiver
    // visibly blocks nobody else), and with HTTP 500; afterwards it answers 200.
    flaky = await startReceiver(async (n) => {
      if (n > 0) return 200;
      await healthyFirst;
      return 500;
    });
    healthy = await startReceiver(() => {
      healthyGotFirst();
      return 200;
    });
    h = await startCloud({ alerts: { tickMs: 50, webhooks: { backoffMs: 20 } } });
    gw = await connectGateway(h, 'gw-monnaie');
    acks = await ackListener(gw, 'gw-monnaie');
    token = (await readAdminFile(h.dir)).token;
  });
  afterAll(async () => {
    await h?.close();
    await flaky?.close();
    await healthy?.close();
  });

  const rule = () => ({
    id: 'pm25-monnaie-01',
    name: 'PM2.5 high at Place de la Monnaie 1',
    kind: 'threshold',
    scope: { kind: 'device', device: 'aq-monnaie-01' },
    quantity: 'pm2_5',
    direction: 'above',
    raise_at: 50,
    clear_at: 35,
    for_s: 60,
    webhooks: [flaky.url, healthy.url],
  });

  it('refuses rule writes without the admin token, and unknown scopes', async () => {
    const denied = await write('POST', '/alerts/rules', rule(), false);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { code: string }).code).toBe('ZENNE_ERR_PROVISIONING_ADMIN_DENIED');
    const unknown = await write('POST', '/alerts/rules', { ...rule(), scope: { kind: 'device', device: 'aq-nowhere' } });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { code: string }).code).toBe('ZENNE_ERR_ALERT_SCOPE_UNKNOWN');
    const bad = await write('POST', '/alerts/rules', { ...rule(), clear_at: 70 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/^clear_at/);
  });

  it('opens after the minimum duration, is acknowledged, resolves only below the clear level; webhooks retry', async () => {
    const created = await write('POST', '/alerts/rules', rule());
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'pm25-monnaie-01', severity: 'warning', for_s: 60 });

    const sse = await openSse(`${h.cloud.httpUrl}/api/v1/alerts/stream?device=aq-monnaie-01`);
    expect(sse.status).toBe(200);

    // A `bad` reading at t=0 must not start the clock: had it counted, t=65 (65 s ≥ 60 s) would open the alert.
    // From the good reading at t=10, the 60 s are met at t=75 (observation time, not arrival time).
    const rising = [
      pm25('aq-monnaie-01', 500, 0, { quality: 'bad', reasons: ['sensor_fault'] }),
      pm25('aq-monnaie-01', 55, 10),
      pm25('aq-monnaie-01', 60, 40),
      pm25('aq-monnaie-02', 90, 40),
      pm25('aq-monnaie-01', 58, 65),
      pm25('aq-monnaie-01', 57, 75),
    ];
    expect((await sendAndAck('rise', rising)).stored).toBe(6);
    const opened = JSON.parse((await sse.next()).data!) as AlertEvent;
    expect(opened).toMatchObject({ type: 'opened', at: rising[5]!.ts, alert: { rule: 'pm25-monnaie-01', device: 'aq-monnaie-01', state: 'open', value: 57 } });
    const id = opened.alert.id;

    const open = (await (await api('/alerts?state=open,acknowledged')).json()) as { alerts: Alert[] };
    expect(open.alerts.map((a) => a.id)).toEqual([id]);

    const ack = await write('POST', `/alerts/${id}/acknowledge`, { by: 'marie.dubois', note: 'filter clogged? going on site' });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ id, state: 'acknowledged', acknowledged_by: 'marie.dubois', note: 'filter clogged? going on site' });
    expect(JSON.parse((await sse.next()).data!)).toMatchObject({ type: 'acknowledged', alert: { id, state: 'acknowledged' } });

    // Below the raise level but not below the clear level: still acknowledged. The resolution's time and value
    // below prove that neither of these readings resolved it.
    const falling = [pm25('aq-monnaie-01', 45, 90), pm25('aq-monnaie-01', 35, 100)];
    await sendAndAck('between', falling);
    const clearing = pm25('aq-monnaie-01', 30, 110);
    await sendAndAck('clear', [clearing]);
    const resolved = JSON.parse((await sse.next()).data!) as AlertEvent;
    expect(resolved).toMatchObject({ type: 'resolved', at: clearing.ts, alert: { id, state: 'resolved', resolved_value: 30, acknowledged_by: 'marie.dubois' } });
    sse.close();

    const history = (await (await api(`/alerts/${id}`)).json()) as { alert: Alert; events: AlertEvent[] };
    expect(history.alert.state).toBe('resolved');
    expect(history.events.map((e) => e.type)).toEqual(['opened', 'acknowledged', 'resolved']);
    const resolvedList = (await (await api('/alerts?state=resolved&device=aq-monnaie-01&rule=pm25-monnaie-01')).json()) as { alerts: Alert[] };
    expect(resolvedList.alerts.map((a) => a.id)).toEqual([id]);
    expect(((await (await api('/alerts?state=open')).json()) as { alerts: Alert[] }).alerts).toEqual([]);
    const events = (await (await api(`/alerts/events?rule=pm25-monnaie-01&from=${rising[0]!.ts}`)).json()) as { events: AlertEvent[] };
    expect(events.events.map((e) => e.type)).toEqual(['opened', 'acknowledged', 'resolved']);

    // Webhooks: the healthy receiver got everything; the flaky one failed the first delivery (HTTP 500) and got it on retry, same delivery id.
    for (const receiver of [flaky, healthy]) {
      await vi.waitFor(() => expect(receiver.delivered().map((e) => e.type)).toEqual(['opened', 'acknowledged', 'resolved']), { timeout: 10_000 });
    }
    expect(flaky.received[0]).toMatchObject({ status: 500, event: { type: 'opened', alert: { id } } });
    expect(flaky.received[1]!.delivery).toBe(flaky.received[0]!.delivery);
    const stats = (await (await api('/stats')).json()) as { alerts: { webhooks: Record<string, Record<string, number>>; opened: number; resolved: number } };
    expect(stats.alerts.webhooks[flaky.url]).toMatchObject({ attempts: 4, delivered: 3, failed_attempts: 1, given_up: 0, queued: 0, last_status: 200 });
    expect(stats.alerts.webhooks[healthy.url]).toMatchObject({ attempts: 3, delivered: 3, failed_attempts: 0 });
    expect(stats.alerts).toMatchObject({ opened: 1, resolved: 1 });

    const again = await write('POST', `/alerts/${id}/acknowledge`, { by: 'marie.dubois' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe('ZENNE_ERR_ALERT_ALREADY_RESOLVED');
  });
});
