import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GatewayStatus, Reading } from '@zenne/device-profiles';
import { alertRuleSchema, type AlertEvent, type AlertRuleInput } from '../src/alerts/alert-schemas.ts';
import { AlertService, type GatewayStatusFeed } from '../src/alerts/alert-service.ts';
import { AlertStore, alertsFile } from '../src/alerts/alert-store.ts';
import { LiveBus } from '../src/ingest/live-bus.ts';
import { duckdbRegistry } from '../src/registry/duckdb/duckdb-registry.ts';
import type { Registry } from '../src/registry/registry.ts';
import { silentLogger } from '../src/shared/logger.ts';
import { pm25 } from './helpers/fleet.ts';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const location = { lon: 4.3527, lat: 50.8497, height: 3 };

/** A status feed fed by the test, shaped like GatewayStatusBoard. */
function statusFeed() {
  const listeners = new Set<(s: GatewayStatus) => void>();
  const gateways: Record<string, GatewayStatus> = {};
  return {
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats: () => ({ gateways }),
    push(status: Omit<GatewayStatus, 'v' | 'ts'> & { ts?: string }) {
      const full = { v: 1, ts: at(0), ...status } as GatewayStatus;
      gateways[full.gateway] = full;
      for (const l of listeners) l(full);
    },
  } satisfies GatewayStatusFeed & { push: unknown };
}

describe('alert engine: rule kinds, hysteresis, persistence', () => {
  let dir: string;
  let registry: Registry;
  let live: LiveBus;
  let feed: ReturnType<typeof statusFeed>;
  const clock = { now: T0 };
  let service: AlertService;
  let events: AlertEvent[];
  /** What the reading store answers for the newest reading per device. */
  let stored: Reading[];

  const open = async () => {
    service = await AlertService.open({
      store: await AlertStore.open(alertsFile(dir)), registry, live, readings: { latest: async () => stored }, gatewayStatus: feed, logger: silentLogger(), tickMs: 10, now: () => clock.now,
    });
    events = [];
    service.on('alert', (e) => events.push(e));
    await service.start();
  };
  const rule = (input: AlertRuleInput) => service.createRule(alertRuleSchema.parse(input));
  const emit = (...readings: Reading[]) => readings.forEach((r) => live.emit('reading', r));
  const settled = (n: number) => vi.waitFor(() => expect(events).toHaveLength(n));
  const summary = () => events.map((e) => `${e.type} ${e.alert.device ?? e.alert.gateway} @${(Date.parse(e.at) - T0) / 1000}`);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-alerts-'));
    clock.now = T0;
    stored = [];
    registry = await duckdbRegistry({ file: ':memory:' });
    await registry.apply({
      sites: [{ id: 'brussels-centre', name: 'Brussels centre' }],
      buildings: [{ id: 'halles', site: 'brussels-centre', name: 'Halles Saint-Géry', rooms: [] }],
      gateways: [
        { id: 'gw-a', site: 'brussels-centre', secret_hash: 'x' },
        { id: 'gw-b', site: 'brussels-centre', secret_hash: 'x' },
      ],
      devices: [
        { id: 'aq-1', gateway: 'gw-a', profile: 'nova-sds011', name: 'in the hall', site: 'brussels-centre', location, building: 'halles' },
        { id: 'aq-2', gateway: 'gw-a', profile: 'nova-sds011', name: 'tagged', site: 'brussels-centre', location, tags: { building: 'halles' } },
        { id: 'aq-3', gateway: 'gw-b', profile: 'nova-sds011', name: 'outside', site: 'brussels-centre', location },
      ],
    });
    live = new LiveBus();
    feed = statusFeed();
    await open();
  });
  afterEach(async () => {
    await service.stop();
    await registry.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('threshold: ignores scenario readings and late (older) readings; resolves at the clear level', async () => {
    await rule({ id: 'pm', kind: 'threshold', scope: { kind: 'all' }, quantity: 'pm2_5', raise_at: 50, clear_at: 30 });
    emit(pm25('aq-1', 99, 0, { scenario: 'what-if' }), pm25('aq-1', 60, 100), pm25('aq-1', 10, 50), pm25('aq-1', 40, 110), pm25('aq-1', 20, 120));
    await settled(2);
    expect(summary()).toEqual(['opened aq-1 @100', 'resolved aq-1 @120']);
    expect(events[0]!.alert).toMatchObject({ value: 60, quantity: 'pm2_5', rule_kind: 'threshold' });
  });

  it('threshold "below" and a building scope (registry field or tag)', async () => {
    await rule({ id: 'cold', kind: 'threshold', scope: { kind: 'building', building: 'halles' }, quantity: 'pm2_5', direction: 'below', raise_at: 5, clear_at: 8 });
    emit(pm25('aq-1', 4, 0), pm25('aq-2', 3, 1), pm25('aq-3', 1, 2), pm25('aq-1', 7, 3), pm25('aq-1', 9, 4));
    await settled(3);
    expect(summary()).toEqual(['opened aq-1 @0', 'opened aq-2 @1', 'resolved aq-1 @4']);
  });

  it('rate of change over a window of observation time, with its own clear level', async () => {
    await rule({ id: 'jump', kind: 'rate_of_change', scope: { kind: 'device', device: 'aq-3' }, quantity: 'pm2_5', direction: 'rise', delta: 20, clear_delta: 5, window_s: 60 });
    emit(pm25('aq-3', 10, 0), pm25('aq-3', 15, 20), pm25('aq-3', 35, 40), pm25('aq-3', 36, 70), pm25('aq-3', 20, 100), pm25('aq-3', 21, 170));
    await settled(2);
    // @70: +21 over the window (15 → 36) holds it; @100: -15 is no rise, resolves.
    expect(summary()).toEqual(['opened aq-3 @40', 'resolved aq-3 @100']);
  });

  it('stale device: the stored newest reading counts, then live ones; judged on the wall clock', async () => {
    stored = [pm25('aq-1', 10, -50), pm25('aq-3', 10, -1000)];
    await rule({ id: 'silent', kind: 'stale_device', scope: { kind: 'building', building: 'halles' }, after_s: 60 });
    clock.now = T0 + 10_000;
    await settled(1);
    expect(events[0]).toMatchObject({ type: 'opened', alert: { device: 'aq-1', rule_kind: 'stale_device', value: 60 } });
    emit(pm25('aq-1', 10, 30));
    await settled(2);
    clock.now = T0 + 70_000;
    await settled(3);
    emit(pm25('aq-2', 10, 65));
    await settled(4);
    clock.now = T0 + 100_000;
    await settled(5);
    // aq-2 was never heard of: it counts from the rule's creation (T0).
    expect(summary()).toEqual(['opened aq-1 @10', 'resolved aq-1 @10', 'opened aq-2 @70', 'resolved aq-2 @70', 'opened aq-1 @100']);
  });

  it('gateway offline after its minimum duration; buffer backlog with hysteresis', async () => {
    await rule({ id: 'gw-down', kind: 'gateway_offline', for_s: 30 });
    await rule({ id: 'backlog', kind: 'buffer_backlog', gateway: 'gw-b', max_depth: 1000, clear_depth: 100 });
    feed.push({ gateway: 'gw-a', state: 'offline' });
    clock.now = T0 + 31_000;
    await settled(1);
    expect(events[0]).toMatchObject({ type: 'opened', at: at(31), alert: { gateway: 'gw-a', rule: 'gw-down' } });
    feed.push({ gateway: 'gw-a', state: 'online' });
    await settled(2);
    expect(events[1]).toMatchObject({ type: 'resolved', alert: { gateway: 'gw-a' } });

    feed.push({ gateway: 'gw-b', state: 'online', ts: at(40), buffer_depth: 1500, buffer_oldest_age_s: 600 });
    feed.push({ gateway: 'gw-b', state: 'online', ts: at(50), buffer_depth: 500 });
    feed.push({ gateway: 'gw-b', state: 'online', ts: at(60), buffer_depth: 50 });
    await settled(4);
    expect(summary().slice(2)).toEqual(['opened gw-b @40', 'resolved gw-b @60']);
  });

  it('keeps rules and unresolved alerts across a restart; deleting a rule resolves its alerts', async () => {
    await rule({ id: 'pm', kind: 'threshold', scope: { kind: 'device', device: 'aq-1' }, quantity: 'pm2_5', raise_at: 50 });
    await rule({ id: 'pm-3', kind: 'threshold', scope: { kind: 'device', device: 'aq-3' }, quantity: 'pm2_5', raise_at: 50 });
    emit(pm25('aq-1', 70, 0), pm25('aq-3', 70, 0));
    await settled(2);
    const id = events[0]!.alert.id;
    await service.acknowledge(id, { by: 'ops' });
    await service.stop();

    await open();
    expect(service.listRules().map((r) => r.id)).toEqual(['pm', 'pm-3']);
    expect(service.stats()).toMatchObject({ rules: 2, open: 1, acknowledged: 1 });
    emit(pm25('aq-1', 20, 10));
    await settled(1);
    expect(events[0]).toMatchObject({ type: 'resolved', alert: { id, acknowledged_by: 'ops' } });
    await service.deleteRule('pm-3');
    await settled(2);
    expect(events[1]).toMatchObject({ type: 'resolved', alert: { device: 'aq-3', resolution: 'rule deleted' } });
    expect((await service.getAlert(id)).events.map((e) => e.type)).toEqual(['opened', 'acknowledged', 'resolved']);
  });
});
