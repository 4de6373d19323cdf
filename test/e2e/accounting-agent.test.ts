/**
 * Loss accounting against the edge agent's own uplink (MqttUplink + DurableBuffer
 * from @zenne/edge-agent, in-process) rather than a hand-written gateway: its
 * batches, resends and retained status are the production ones.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import type { ReadingDraft } from '@zenne/device-profiles';
import { DurableBuffer, MqttUplink, type UplinkOptions } from '@zenne/edge-agent';
import type { AccountingReport } from '../../cloud/src/ingest/accounting-report.ts';
import { SECRETS } from '../../cloud/test/helpers/fleet.ts';
import { startCloud, type Harness } from '../../cloud/test/helpers/harness.ts';

const GW = 'gw-monnaie';
// One clock for both agent runs, so a wiped buffer gives the same seqs again.
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const UPLINK: UplinkOptions['uplink'] = {
  batch_max_readings: 500,
  batch_max_wait_ms: 0,
  max_in_flight: 4,
  reconnect_max_ms: 1000,
  ack_timeout_ms: 30_000,
  status_interval_ms: 1000,
  backfill_max_readings_per_s: 1000,
};

const draft = (device: string, value: number, extra: Partial<ReadingDraft> = {}): ReadingDraft => ({
  device, quantity: 'pm2_5', value, unit: 'ug/m3', ts: new Date(T0).toISOString(), quality: 'good', ...extra,
});

describe('loss accounting of a real agent uplink', () => {
  let h: Harness;
  const dirs: string[] = [];
  // Agent runs not stopped yet (a failed assertion leaves them to afterAll).
  const running = new Set<() => Promise<void>>();

  /** Runs one agent process-lifetime: a buffer in a fresh state dir holding `drafts`, sent until the cloud has answered all. */
  async function runAgent(drafts: ReadingDraft[]) {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-accounting-agent-'));
    dirs.push(dir);
    const buffer = await DurableBuffer.open(dir, { now: () => T0 });
    await buffer.append(drafts);
    const uplink = new MqttUplink({
      gateway: GW,
      cloud: { mqtt_url: h.cloud.mqttUrl, username: GW, password: SECRETS[GW]! },
      uplink: UPLINK,
      buffer,
      logger: pino({ level: 'silent' }),
    });
    const stop = async () => {
      running.delete(stop);
      await uplink.stop();
      await buffer.close();
    };
    running.add(stop);
    uplink.start();
    await vi.waitFor(() => expect(buffer.depth()).toBe(0), { timeout: 20_000, interval: 50 });
    return {
      counters: () => uplink.stats().counters,
      stop,
    };
  }

  const report = async (): Promise<AccountingReport> => (await h.cloud.app.inject({ method: 'GET', url: `/api/v1/gateways/${GW}/accounting` })).json();
  /** Waits for a status that reports every reading sent so far (statuses come every status_interval_ms). */
  const settled = (readingsSent: number) =>
    vi.waitFor(async () => {
      const r = await report();
      expect(r.balance).toMatchObject({ readings_sent: readingsSent, in_flight_or_lost: 0, accounted_since: 0 });
      return r;
    }, { timeout: 20_000, interval: 100 });

  beforeAll(async () => {
    h = await startCloud();
  });
  afterAll(async () => {
    for (const stop of [...running]) await stop();
    await h.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('matches the agent counters exactly, across an agent restart that resends from a wiped buffer', async () => {
    const good = [draft('aq-monnaie-01', 10), draft('aq-monnaie-02', 11), draft('aq-monnaie-01', 12)];
    const first = await runAgent([
      ...good,
      draft('aq-ghost-99', 1), // not registered
      draft('aq-monnaie-02', 2, { quality: 'suspect' }), // the buffer takes it; the cloud wants reasons for a suspect reading
      draft('aq-bourse-01', 3), // registered to gw-bourse
    ]);
    let r = await settled(6);
    const agent = first.counters();
    expect(agent).toMatchObject({ readings_sent: 6, readings_stored: 3, readings_duplicate: 0, readings_rejected: 3 });
    expect(r.outcome).toMatchObject({ stored: agent.readings_stored, duplicates: 0, rejected: agent.readings_rejected, refused: 0 });
    expect(r.outcome.rejected_by_reason).toEqual({ unknown_device: 1, invalid_reading: 1, device_not_owned: 1 });
    await first.stop();

    // The agent comes back with its state dir wiped: same seqs, so the cloud answers duplicates.
    const second = await runAgent(good.slice(0, 2));
    r = await settled(8);
    expect(second.counters()).toMatchObject({ readings_sent: 2, readings_duplicate: 2 });
    expect(r.reported_by_gateway.agent_boots).toBe(2);
    const { stored, duplicates, rejected, refused } = r.outcome;
    expect({ stored, duplicates, rejected, refused }).toEqual({ stored: 3, duplicates: 2, rejected: 3, refused: 0 });
    expect(stored + duplicates + rejected + refused + r.balance.lost_at_gateway + r.balance.in_flight_or_lost).toBe(r.balance.readings_sent);
    await second.stop();
  });
});
