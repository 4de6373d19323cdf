import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@zenne/device-profiles';
import type { AlertEvent } from '../src/alerts/alert-schemas.ts';
import { readAdminFile } from '../src/api/provisioning/admin-file.ts';
import { connectGateway, startCloud, type Harness } from './helpers/harness.ts';
import { openSse } from './helpers/sse.ts';

describe('alerts HTTP API: rule CRUD, errors, OpenAPI, SSE snapshot', () => {
  let h: Harness;
  let token: string;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${h.cloud.httpUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>) };
  };
  const offlineRule = { id: 'gw-down', kind: 'gateway_offline', gateway: 'gw-bourse', severity: 'critical' };

  beforeAll(async () => {
    h = await startCloud({ sseHeartbeatMs: 60_000, alerts: { tickMs: 50 } });
    token = (await readAdminFile(h.dir)).token;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates, reads, replaces and deletes rules, with a code for every refusal', async () => {
    expect(await api('GET', '/alerts/rules')).toEqual({ status: 200, body: { rules: [] } });
    expect((await api('POST', '/alerts/rules', offlineRule)).status).toBe(201);
    expect(await api('POST', '/alerts/rules', offlineRule)).toMatchObject({ status: 409, body: { code: 'ZENNE_ERR_ALERT_RULE_EXISTS' } });
    expect(await api('GET', '/alerts/rules/gw-down')).toMatchObject({ status: 200, body: { ...offlineRule, for_s: 0, webhooks: [] } });
    expect(await api('PUT', '/alerts/rules/gw-down', { ...offlineRule, id: 'other' })).toMatchObject({ status: 400, body: { code: 'ZENNE_ERR_ALERT_RULE_ID_MISMATCH' } });
    expect(await api('PUT', '/alerts/rules/gw-down', { ...offlineRule, gateway: 'gw-nowhere' })).toMatchObject({ status: 422, body: { code: 'ZENNE_ERR_ALERT_SCOPE_UNKNOWN' } });
    expect(await api('PUT', '/alerts/rules/gw-down', { ...offlineRule, for_s: 5 })).toMatchObject({ status: 200, body: { for_s: 5 } });
    expect(await api('POST', '/alerts/rules', { id: 'x', kind: 'buffer_backlog' })).toMatchObject({ status: 400, body: { code: 'ZENNE_ERR_API_BAD_REQUEST', message: /^max_depth/ } });
    expect(await api('POST', '/alerts/rules', { id: 'x', kind: 'smoke' })).toMatchObject({ status: 400, body: { code: 'ZENNE_ERR_API_BAD_REQUEST' } });
    expect((await api('DELETE', '/alerts/rules/gw-down')).status).toBe(204);
    expect(await api('GET', '/alerts/rules/gw-down')).toMatchObject({ status: 404, body: { code: 'ZENNE_ERR_ALERT_RULE_NOT_FOUND' } });
    expect(await api('GET', '/alerts/no-such-alert')).toMatchObject({ status: 404, body: { code: 'ZENNE_ERR_ALERT_ALERT_NOT_FOUND' } });
    expect(await api('GET', '/alerts?state=closed')).toMatchObject({ status: 400, body: { code: 'ZENNE_ERR_API_BAD_REQUEST', message: /^state/ } });
    expect(await api('GET', '/alerts/events?from=yesterday')).toMatchObject({ status: 400, body: { code: 'ZENNE_ERR_API_BAD_REQUEST', message: /^from/ } });
  });

  it('documents every alerts route in the OpenAPI document', async () => {
    const doc = (await api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/alerts')).sort()).toEqual([
      '/api/v1/alerts', '/api/v1/alerts/events', '/api/v1/alerts/rules', '/api/v1/alerts/rules/{id}', '/api/v1/alerts/stream', '/api/v1/alerts/{id}', '/api/v1/alerts/{id}/acknowledge',
    ]);
  });

  it('opens a gateway-offline alert from the retained status; a new SSE client gets unresolved alerts first', async () => {
    expect((await api('POST', '/alerts/rules', offlineRule)).status).toBe(201);
    const gw = await connectGateway(h, 'gw-bourse');
    const status = { v: 1, gateway: 'gw-bourse', state: 'offline', ts: new Date().toISOString() };
    await gw.publishAsync(topics.status('gw-bourse'), JSON.stringify(status), { qos: 1, retain: true });

    const sse = await openSse(`${h.cloud.httpUrl}/api/v1/alerts/stream?gateway=gw-bourse`);
    const first = JSON.parse((await sse.next()).data!) as AlertEvent;
    expect(first).toMatchObject({ type: 'opened', alert: { rule: 'gw-down', gateway: 'gw-bourse', severity: 'critical', state: 'open' } });

    await gw.publishAsync(topics.status('gw-bourse'), JSON.stringify({ ...status, state: 'online' }), { qos: 1, retain: true });
    expect(JSON.parse((await sse.next()).data!)).toMatchObject({ type: 'resolved', alert: { id: first.alert.id } });
    sse.close();
  });
});
