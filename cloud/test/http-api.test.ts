import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '@zenne/device-profiles';
import { createCloud, type Cloud } from '../src/cloud.ts';
import { pm25, writeFleet } from './helpers/fleet.ts';

describe('HTTP API (app.inject)', () => {
  let dir: string;
  let cloud: Cloud;
  const get = async (url: string) => {
    const res = await cloud.app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: String(res.headers['content-type']).includes('json') ? res.json() : res.body };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-cloud-http-'));
    cloud = await createCloud({ dataDir: dir, httpPort: 0, mqttPort: 0, seedFile: await writeFleet(dir), viewerDir: join(dir, 'missing') });
  });
  afterAll(async () => {
    await cloud.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists devices as GeoJSON with profile data', async () => {
    const { status, body } = await get('/api/v1/devices');
    expect(status).toBe(200);
    expect(body.type).toBe('FeatureCollection');
    expect(body.features).toHaveLength(3);
    const monnaie = body.features.find((f: { id: string }) => f.id === 'aq-monnaie-01');
    expect(monnaie).toEqual({
      type: 'Feature',
      id: 'aq-monnaie-01',
      geometry: { type: 'Point', coordinates: [4.352853, 50.849402, 3] },
      properties: {
        device: 'aq-monnaie-01', name: 'Place de la Monnaie 1', gateway: 'gw-monnaie', site: 'brussels-centre',
        profile: 'nova-sds011', manufacturer: 'Nova Fitness', model: 'SDS011', quantities: ['pm2_5', 'pm10'],
        street: 'Rue des Fripiers',
      },
    });
    expect((await get('/api/v1/devices/aq-bourse-01')).body.properties.quantities).toContain('pm1');
  });

  it('answers unknown devices and routes with 404 and a code', async () => {
    expect(await get('/api/v1/devices/aq-nowhere')).toEqual({
      status: 404, body: { code: 'ZENNE_ERR_API_DEVICE_NOT_FOUND', message: expect.stringContaining('aq-nowhere') },
    });
    expect((await get('/api/v1/nothing')).body.code).toBe('ZENNE_ERR_API_ROUTE_NOT_FOUND');
  });

  it('answers bad parameters with 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['/api/v1/readings/latest?quantity=pm3', 'quantity'],
      ['/api/v1/readings/latest?device=BAD%20ID', 'device'],
      ['/api/v1/readings/latest?colour=red', 'colour'],
      ['/api/v1/readings/history?quantity=pm2_5', 'device'],
      ['/api/v1/readings/history?device=aq-monnaie-01&quantity=pm2_5&bucket=0', 'bucket'],
      ['/api/v1/readings/history?device=aq-monnaie-01&quantity=pm2_5&from=yesterday', 'from'],
      ['/api/v1/readings/history?device=aq-monnaie-01&quantity=pm2_5&from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z', 'from'],
      ['/api/v1/readings/history?device=aq-monnaie-01&quantity=pm2_5&bucket=1&from=2026-01-01T00:00:00Z&to=2026-11-23T00:00:00Z', 'bucket'],
      ['/api/v1/devices/Not_Valid!', 'id'],
    ];
    for (const [url, parameter] of cases) {
      const { status, body } = await get(url);
      expect({ url, status, code: body.code }).toEqual({ url, status: 400, code: 'ZENNE_ERR_API_BAD_REQUEST' });
      expect(body.message.startsWith(`${parameter}`)).toBe(true);
    }
  });

  it('answers the latest readings, filtered', async () => {
    const rs: Reading[] = [
      pm25('aq-monnaie-01', 10, 0), pm25('aq-monnaie-01', 12, 60), pm25('aq-monnaie-02', 8, 30),
      pm25('aq-bourse-01', 5, 0, { quantity: 'pm10' }),
    ];
    await cloud.store.writeBatch(rs);
    expect((await get('/api/v1/readings/latest')).body.readings).toEqual([rs[3], rs[1], rs[2]]);
    expect((await get('/api/v1/readings/latest?device=aq-monnaie-01,aq-bourse-01&quantity=pm2_5')).body.readings).toEqual([rs[1]]);
  });

  it('aggregates history in buckets', async () => {
    const base = Date.UTC(2026, 10, 23, 10, 0, 0);
    const rs = [0, 10, 20, 70, 130, 140].map((s, i) => pm25('aq-monnaie-02', i * 2, 0, { ts: new Date(base + s * 1000).toISOString() }));
    await cloud.store.writeBatch(rs);
    const { body } = await get(`/api/v1/readings/history?device=aq-monnaie-02&quantity=pm2_5&from=2026-11-23T10:00:00Z&to=2026-11-23T10:03:00Z&bucket=60`);
    expect(body).toEqual({
      device: 'aq-monnaie-02', quantity: 'pm2_5', unit: 'ug/m3', bucket_s: 60,
      points: [
        { ts: '2026-11-23T10:00:00.000Z', avg: 2, min: 0, max: 4, count: 3 },
        { ts: '2026-11-23T10:01:00.000Z', avg: 6, min: 6, max: 6, count: 1 },
        { ts: '2026-11-23T10:02:00.000Z', avg: 9, min: 8, max: 10, count: 2 },
      ],
    });
  });

  it('lists the stored readings of a device, every quality, oldest first', async () => {
    const base = Date.UTC(2026, 10, 23, 11, 0, 0);
    const rs = [30, 0, 60].map((s, i) =>
      pm25('aq-bourse-01', 40 + i, 0, { ts: new Date(base + s * 1000).toISOString(), seq: base * 1000 + s }));
    rs[1] = { ...rs[1]!, quality: 'bad', reasons: ['out_of_valid_range'] };
    await cloud.store.writeBatch(rs);
    const url = '/api/v1/readings?device=aq-bourse-01&quantity=pm2_5&from=2026-11-23T11:00:00Z&to=2026-11-23T11:05:00Z';
    expect((await get(url)).body.readings).toEqual([rs[1], rs[0], rs[2]]);
    expect((await get(`${url}&limit=2`)).body.readings).toEqual([rs[1], rs[0]]);
    expect((await get('/api/v1/readings?device=aq-nowhere')).status).toBe(404);
    expect((await get('/api/v1/readings?device=aq-bourse-01&limit=0')).body.message).toMatch(/^limit/);
  });

  it('serves health and stats', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    const { body } = await get('/api/v1/stats');
    expect(body.registry).toEqual({ sites: 1, gateways: 2, devices: 3 });
    expect(Object.keys(body.ingest.rejections)).toContain('device_not_owned');
    expect(body.broker).toHaveProperty('auth_refused_by_reason');
  });

  it('publishes an OpenAPI 3 document listing every API route, and its docs page', async () => {
    const { status, body } = await get('/api/v1/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(documented).toEqual([
      'DELETE /api/v1/alerts/rules/{id}',
      'GET /api/v1/accounting',
      'GET /api/v1/alerts',
      'GET /api/v1/alerts/events',
      'GET /api/v1/alerts/rules',
      'GET /api/v1/alerts/rules/{id}',
      'GET /api/v1/alerts/stream',
      'GET /api/v1/alerts/{id}',
      'GET /api/v1/buildings',
      'GET /api/v1/buildings/{id}',
      'GET /api/v1/catalogue',
      'GET /api/v1/catalogue/datasets/{type}',
      'GET /api/v1/catalogue/datasets/{type}/entities.csv',
      'GET /api/v1/commands',
      'GET /api/v1/commands/{id}',
      'GET /api/v1/devices',
      'GET /api/v1/devices/{id}',
      'GET /api/v1/gateways',
      'GET /api/v1/gateways/{id}/accounting',
      'GET /api/v1/lamp-posts',
      'GET /api/v1/lamp-posts/{id}',
      'GET /api/v1/live',
      'GET /api/v1/openapi.json',
      'GET /api/v1/readings',
      'GET /api/v1/readings/history',
      'GET /api/v1/readings/latest',
      'GET /api/v1/sites',
      'GET /api/v1/sites/{id}',
      'GET /api/v1/stats',
      'GET /api/v1/street-segments',
      'GET /api/v1/street-segments/{id}',
      'GET /healthz',
      'GET /ngsi-ld/v1/context.jsonld',
      'GET /ngsi-ld/v1/entities',
      'GET /ngsi-ld/v1/entities/{id}',
      'GET /ngsi-ld/v1/temporal/entities/{id}',
      'POST /api/v1/alerts/rules',
      'POST /api/v1/alerts/{id}/acknowledge',
      'POST /api/v1/commands',
      'POST /api/v1/devices',
      'POST /api/v1/gateways',
      'POST /api/v1/gateways/{id}/revoke',
      'POST /api/v1/gateways/{id}/rotate',
      'POST /api/v1/provisioning/claim',
      'PUT /api/v1/alerts/rules/{id}',
      'PUT /api/v1/buildings',
      'PUT /api/v1/buildings/{id}/rooms',
      'PUT /api/v1/lamp-posts',
      'PUT /api/v1/sites',
      'PUT /api/v1/street-segments',
    ]);
    const history = body.paths['/api/v1/readings/history'].get;
    const params = history.parameters.map((p: { name: string; in: string; required?: boolean }) => `${p.in}:${p.name}${p.required ? '*' : ''}`);
    expect(params.sort()).toEqual(['query:bucket', 'query:device*', 'query:from', 'query:quantity*', 'query:scenario', 'query:to']);
    expect(history.responses['200'].content['application/json'].schema.properties.points.type).toBe('array');
    const docs = await cloud.app.inject({ method: 'GET', url: '/api/v1/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('explains how to build the viewer when it is missing', async () => {
    const { status, body } = await get('/');
    expect(status).toBe(200);
    expect(body).toContain('npm run build -w twin-viewer');
  });
});

describe('viewer', () => {
  it('serves the built viewer from --viewer-dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-cloud-viewer-'));
    const viewerDir = join(dir, 'dist');
    await mkdir(viewerDir);
    await writeFile(join(viewerDir, 'index.html'), '<!doctype html><title>twin</title>');
    const cloud = await createCloud({ dataDir: dir, mqttPort: 0, httpPort: 0, viewerDir });
    try {
      const res = await cloud.app.inject({ method: 'GET', url: '/' });
      expect(res.body).toContain('<title>twin</title>');
      expect((await cloud.app.inject({ method: 'GET', url: '/nope.js' })).json().code).toBe('ZENNE_ERR_API_ROUTE_NOT_FOUND');
    } finally {
      await cloud.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
