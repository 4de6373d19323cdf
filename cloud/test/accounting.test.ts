import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MqttClient } from 'mqtt';
import { topics, type GatewayStatus } from '@zenne/device-profiles';
import { createCloud, type Cloud } from '../src/cloud.ts';
import type { AccountingReport } from '../src/ingest/accounting-report.ts';
import { batchOf, pm25, writeFleet } from './helpers/fleet.ts';
import { ackListener, connectGateway, type Harness } from './helpers/harness.ts';

const GW = 'gw-monnaie';

describe('loss accounting per gateway (issue 4, acceptance 3)', () => {
  let dir: string;
  let h: Harness;
  let gw: MqttClient;
  let acks: Awaited<ReturnType<typeof ackListener>>;
  // The simulated agent's own counters since it started, as in its statuses.
  let sent = 0;
  let dropped = 0;
  let lost: Record<string, number> = {};

  const open = async (): Promise<Cloud> => {
    const cloud = await createCloud({ dataDir: dir, httpPort: 0, mqttPort: 0, seedFile: await writeFleet(dir), viewerDir: join(dir, 'no-viewer') });
    await cloud.start();
    return cloud;
  };
  const connect = async () => {
    gw = await connectGateway(h, GW);
    acks = await ackListener(gw, GW);
  };
  /** Publishes a batch as a first send (counted in the gateway's readings_sent) and waits for its ack. */
  const send = async (batch: string, readings: unknown[], gateway = GW) => {
    sent += readings.length;
    return resend(batch, readings, gateway);
  };
  /** Publishes a batch again without counting it, as an agent does for a batch whose ack it did not get. */
  const resend = async (batch: string, readings: unknown[], gateway = GW) => {
    await gw.publishAsync(topics.readings(GW), JSON.stringify(batchOf(gateway, batch, readings)), { qos: 1 });
    return acks.next(batch);
  };
  const status = (uptime_s: number): GatewayStatus => ({
    v: 1, gateway: GW, state: 'online', ts: new Date().toISOString(), uptime_s, readings_sent: sent, buffer_depth: 0, buffer_dropped_readings: dropped, buffer_lost_readings: lost,
  });
  const report = async (gateway = GW): Promise<AccountingReport> => {
    const res = await h.cloud.app.inject({ method: 'GET', url: `/api/v1/gateways/${gateway}/accounting` });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  /** Publishes the retained status and waits until the cloud has taken it in. */
  const publishStatus = async (s: GatewayStatus) => {
    await gw.publishAsync(topics.status(GW), JSON.stringify(s), { qos: 1, retain: true });
    await vi.waitFor(async () => expect((await report()).reported_by_gateway.status_ts).toBe(s.ts), { timeout: 10_000, interval: 20 });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-accounting-test-'));
    h = { cloud: await open(), dir, clients: [], close: async () => undefined };
    await connect();
  });
  afterAll(async () => {
    await Promise.all(h.clients.map((c) => c.endAsync(true)));
    await h.cloud.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('balances sent against stored, duplicates, rejected by reason, refused and dropped at the gateway', async () => {
    await publishStatus(status(1));
    const first = [pm25('aq-monnaie-01', 11), pm25('aq-monnaie-02', 12), pm25('aq-monnaie-01', 13, 1)];
    expect(await send('boot1-1', first)).toMatchObject({ stored: 3, duplicates: 0 });
    const mixed = [
      pm25('aq-monnaie-02', 14, 1),
      pm25('aq-ghost-99', 4), // unknown device
      { ...pm25('aq-monnaie-01', 1, 2), value: 'high' }, // invalid reading
      pm25('aq-bourse-01', 3), // registered to gw-bourse
    ];
    expect((await send('boot1-2', mixed)).rejected).toHaveLength(3);
    // The same readings under a new batch id (e.g. a restarted agent resending): duplicates.
    expect(await send('boot1-3', first)).toMatchObject({ stored: 0, duplicates: 3 });
    // The same batch id again (its ack was lost): a resend, not counted a second time.
    expect(await resend('boot1-2', mixed)).toMatchObject({ stored: 0, duplicates: 1 });
    // A batch refused whole: it names another gateway.
    expect((await send('boot1-4', [pm25('aq-monnaie-01', 20, 3), pm25('aq-monnaie-02', 21, 3)], 'gw-bourse')).error?.code).toBe('ZENNE_ERR_INGEST_GATEWAY_MISMATCH');
    dropped = 5;
    lost = { disk_full: 2 };
    await publishStatus(status(5));

    const r = await report();
    expect(r.reported_by_gateway).toMatchObject({ agent_boots: 1, readings_sent: 12, buffer_dropped_readings: 5, buffer_lost_readings: 2, buffer_lost_by_reason: { disk_full: 2 } });
    expect(r.received_by_cloud).toEqual({ batches: 4, readings: 12, readings_resent: 4, batches_unacknowledged: {} });
    expect(r.outcome).toEqual({
      stored: 4,
      duplicates: 3,
      rejected: 3,
      rejected_by_reason: { unknown_device: 1, invalid_reading: 1, device_not_owned: 1 },
      refused: 2,
      refused_batches_by_reason: { gateway_mismatch: 1 },
      refused_batches_uncounted: 0,
    });
    expect(r.balance).toMatchObject({ readings_sent: 12, accounted: 12, in_flight_or_lost: 0, accounted_since: 0, lost_at_gateway: 7 });
    const { stored, duplicates, rejected, refused } = r.outcome;
    expect(stored + duplicates + rejected + refused + r.balance.in_flight_or_lost).toBe(r.reported_by_gateway.readings_sent);
  });

  it('shows readings the gateway sent before its status and the cloud has not answered as in flight', async () => {
    const late = [pm25('aq-monnaie-01', 30, 4), pm25('aq-monnaie-02', 31, 4)];
    sent += late.length;
    await publishStatus(status(6));
    expect((await report()).balance).toMatchObject({ readings_sent: 14, accounted: 12, in_flight_or_lost: 2 });
    expect(await resend('boot1-5', late)).toMatchObject({ stored: 2 });
    expect((await report()).balance).toMatchObject({ in_flight_or_lost: 2, accounted_since: 2 });
    await publishStatus(status(7));
    expect((await report()).balance).toMatchObject({ readings_sent: 14, accounted: 14, in_flight_or_lost: 0, accounted_since: 0 });
  });

  it('keeps the totals across a cloud restart and sums the counters of a restarted agent', async () => {
    const before = await report();
    await Promise.all(h.clients.splice(0).map((c) => c.endAsync(true)));
    await h.cloud.stop();
    h.cloud = await open();
    expect(await report()).toEqual(before);

    await connect();
    // A new agent process: its counters start again from zero.
    sent = 0;
    dropped = 0;
    lost = {};
    await publishStatus(status(1));
    expect(await send('boot2-1', [pm25('aq-monnaie-01', 40, 5), pm25('aq-ghost-99', 41, 5)])).toMatchObject({ stored: 1 });
    dropped = 1;
    await publishStatus(status(2));
    const r = await report();
    expect(r.reported_by_gateway).toMatchObject({ agent_boots: 2, readings_sent: 16, buffer_dropped_readings: 6, buffer_lost_readings: 2 });
    expect(r.outcome).toMatchObject({ stored: 7, duplicates: 3, rejected: 4, refused: 2 });
    expect(r.balance).toMatchObject({ readings_sent: 16, accounted: 16, in_flight_or_lost: 0, lost_at_gateway: 8 });
  });

  it('lists every gateway and answers 404 for an unknown one', async () => {
    const res = await h.cloud.app.inject({ method: 'GET', url: '/api/v1/accounting' });
    const list: { gateways: AccountingReport[] } = res.json();
    expect(list.gateways.map((g) => g.gateway)).toEqual(['gw-bourse', GW]);
    expect(list.gateways[0]!.balance).toMatchObject({ readings_sent: 0, accounted: 0, in_flight_or_lost: 0 });
    const missing = await h.cloud.app.inject({ method: 'GET', url: '/api/v1/gateways/gw-nowhere/accounting' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('ZENNE_ERR_REGISTRY_NOT_FOUND');
  });
});
