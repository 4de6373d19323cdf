import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAdminFile } from '../src/api/provisioning/admin-file.ts';
import { startCloud, type Harness } from './helpers/harness.ts';

/** 500 devices along Boulevard Anspach (a grid around 4.349 E, 50.848 N); rows 17, 250 and 433 are bad. */
function fleetCsv(): { csv: string; bad: Array<{ row: number; field: string }> } {
  const lines = ['id,name,gateway,profile,site,street,lon,lat,height,tag.inventory'];
  for (let i = 1; i <= 500; i++) {
    const n = String(i).padStart(3, '0');
    let gateway = i % 2 ? 'gw-monnaie' : 'gw-bourse';
    let profile = 'nova-sds011';
    let lat = (50.845 + (i % 25) * 0.0003).toFixed(6);
    if (i === 17) lat = '95';
    if (i === 250) gateway = 'gw-nowhere';
    if (i === 433) profile = 'acme-9000';
    const lon = (4.345 + Math.floor(i / 25) * 0.0004).toFixed(6);
    lines.push(`aq-bulk-${n},"Sensor ${n}, Anspach",${gateway},${profile},brussels-centre,Boulevard Anspach,${lon},${lat},3,INV-${n}`);
  }
  return {
    csv: `${lines.join('\r\n')}\r\n`,
    bad: [{ row: 17, field: 'lat' }, { row: 250, field: 'gateway' }, { row: 433, field: 'profile' }],
  };
}

describe('bulk import and export of devices (app.inject)', () => {
  let h: Harness;
  let token: string;
  const upload = (payload: string, type: string, query = '', auth = true) =>
    h.cloud.app.inject({
      method: 'POST',
      url: `/api/v1/devices${query}`,
      headers: { 'content-type': type, ...(auth ? { authorization: `Bearer ${token}` } : {}) },
      payload,
    });

  beforeAll(async () => {
    h = await startCloud();
    token = (await readAdminFile(h.dir)).token;
  });
  afterAll(async () => {
    await h.close();
  });

  it('imports 500 devices with 3 bad rows: 497 created, 3 errors naming row and field', async () => {
    const { csv, bad } = fleetCsv();
    const res = await upload(csv, 'text/csv');
    expect(res.statusCode).toBe(200);
    const result = res.json();
    expect(result).toMatchObject({ created: 497, updated: 0, unchanged: 0, rejected: 3 });
    expect(result.errors.map((e: { row: number; field: string }) => ({ row: e.row, field: e.field }))).toEqual(bad);
    expect(result.errors[0]).toMatchObject({ id: 'aq-bulk-017', where: 'line 18', code: 'ZENNE_ERR_REGISTRY_ROW_INVALID' });
    expect(result.errors[1].message).toMatch(/line 251, field gateway: unknown gateway "gw-nowhere"/);
    expect(result.errors[2].message).toMatch(/field profile: unknown profile "acme-9000"; known: .*nova-sds011/);
    expect(h.cloud.registry.counts().devices).toBe(3 + 497);
    expect(h.cloud.registry.getDevice('aq-bulk-001')).toEqual({
      id: 'aq-bulk-001', name: 'Sensor 001, Anspach', gateway: 'gw-monnaie', profile: 'nova-sds011', site: 'brussels-centre',
      street: 'Boulevard Anspach', location: { lon: 4.345, lat: 50.8453, height: 3 }, tags: { inventory: 'INV-001' },
    });
  });

  it('is an idempotent upsert by id: the same file again changes nothing, an edited row is updated', async () => {
    const { csv } = fleetCsv();
    expect((await upload(csv, 'text/csv')).json()).toMatchObject({ created: 0, updated: 0, unchanged: 497, rejected: 3 });
    const edited = csv.replace('aq-bulk-002,"Sensor 002, Anspach"', 'aq-bulk-002,"Sensor 002, moved"');
    expect((await upload(edited, 'text/csv')).json()).toMatchObject({ created: 0, updated: 1, unchanged: 496, rejected: 3 });
    expect(h.cloud.registry.getDevice('aq-bulk-002')!.name).toBe('Sensor 002, moved');
  });

  it('exports CSV and GeoJSON that upload again unchanged', async () => {
    const csv = await h.cloud.app.inject({ method: 'GET', url: '/api/v1/devices?format=csv' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('id,name,gateway,profile,site,street,lon,lat,height,building,room,lamp_post,tag.inventory');
    expect((await upload(csv.body, 'text/csv')).json()).toEqual({ created: 0, updated: 0, unchanged: 500, rejected: 0, errors: [] });

    const geojson = await h.cloud.app.inject({ method: 'GET', url: '/api/v1/devices' });
    expect((await upload(geojson.body, 'application/geo+json')).json()).toEqual({ created: 0, updated: 0, unchanged: 500, rejected: 0, errors: [] });
  });

  it('names GeoJSON rows by feature index and fields by GeoJSON member', async () => {
    const feature = (id: string, coordinates: number[], properties: Record<string, unknown> = {}) => ({
      type: 'Feature', id, geometry: { type: 'Point', coordinates },
      properties: { name: id, gateway: 'gw-bourse', profile: 'plantower-pms5003', site: 'brussels-centre', ...properties },
    });
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        feature('aq-geo-1', [4.35, 50.85]),
        feature('aq-geo-2', [4.35, 91]),
        feature('aq-geo-3', [4.35, 50.85], { gateway: 'gw-x', colour: 'red' }),
        { type: 'Feature', id: 'aq-geo-4', geometry: { type: 'LineString', coordinates: [] }, properties: {} },
      ],
    });
    const result = (await upload(body, 'application/geo+json')).json();
    expect(result).toMatchObject({ created: 1, rejected: 3 });
    expect(result.errors.map((e: { where: string; field: string }) => `${e.where} ${e.field}`)).toEqual([
      'features[1] geometry.coordinates[1]',
      'features[2] properties.colour',
      'features[3] geometry',
    ]);
    expect(h.cloud.registry.getDevice('aq-geo-1')!.location).toEqual({ lon: 4.35, lat: 50.85, height: 0 });
  });

  it('checks without writing on dry_run', async () => {
    const csv = 'id,name,gateway,profile,site,lon,lat\naq-dry-1,Dry,gw-monnaie,nova-sds011,brussels-centre,4.35,50.85\n';
    expect((await upload(csv, 'text/csv', '?dry_run=true')).json()).toMatchObject({ created: 1, rejected: 0 });
    expect(h.cloud.registry.getDevice('aq-dry-1')).toBeUndefined();
  });

  it('refuses a file it cannot read as a whole, and writes nothing', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['id,name,gateway,profile,site,lon,lat,colour\n', 'text/csv', /unknown column\(s\) colour/],
      ['id,name,gateway,profile,site,lon\n', 'text/csv', /missing column\(s\) lat/],
      ['id,name\n"unclosed,x\n', 'text/csv', /quote opened on line 2 is never closed/],
      ['{"type":"Feature"}', 'application/geo+json', /expected a FeatureCollection/],
    ];
    for (const [payload, type, message] of cases) {
      const res = await upload(payload, type);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ZENNE_ERR_REGISTRY_UPLOAD_UNREADABLE', message });
    }
    expect(h.cloud.registry.counts().devices).toBe(501);
  });

  it('refuses uploads without the admin token; reading stays public', async () => {
    const res = await upload('id,name,gateway,profile,site,lon,lat\n', 'text/csv', '', false);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('ZENNE_ERR_PROVISIONING_ADMIN_DENIED');
    expect((await h.cloud.app.inject({ method: 'GET', url: '/api/v1/devices?format=csv' })).statusCode).toBe(200);
  });
});
