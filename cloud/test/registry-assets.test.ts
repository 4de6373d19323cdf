import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAdminFile } from '../src/api/provisioning/admin-file.ts';
import { startCloud, type Harness } from './helpers/harness.ts';

/** The BIM sample models of the shared data set (see ../shared/data/SOURCES.md). */
const BIM = fileURLToPath(new URL('../../../shared/data/bim/', import.meta.url));

describe('registry asset API (app.inject)', () => {
  let h: Harness;
  let token: string;
  const send = (method: 'PUT' | 'POST', url: string, payload: string | object, type = 'application/json') =>
    h.cloud.app.inject({ method, url, payload, headers: { 'content-type': type, authorization: `Bearer ${token}` } });
  const get = async (url: string) => (await h.cloud.app.inject({ method: 'GET', url })).json();

  beforeAll(async () => {
    h = await startCloud();
    token = (await readAdminFile(h.dir)).token;
  });
  afterAll(async () => {
    await h.close();
  });

  it('upserts buildings, street segments and lamp posts in bulk with per-row errors', async () => {
    const buildings = await send('PUT', '/api/v1/buildings', [
      { id: 'fzk-haus', site: 'brussels-centre', name: 'FZK-Haus (KIT sample)' },
      { id: 'nowhere-house', site: 'atlantis', name: 'Lost' },
    ]);
    expect(buildings.json()).toMatchObject({ created: 1, rejected: 1, errors: [{ row: 2, where: '[1]', id: 'nowhere-house', field: 'site' }] });
    const segments = await send('PUT', '/api/v1/street-segments', [
      { id: 'anspach-1', site: 'brussels-centre', name: 'Boulevard Anspach', coordinates: [[4.34885, 50.84684], [4.34937, 50.84985]] },
      { id: 'anspach-2', site: 'brussels-centre', name: 'Boulevard Anspach', coordinates: [[4.34937, 50.84985]] },
    ]);
    expect(segments.json()).toMatchObject({ created: 1, rejected: 1, errors: [{ row: 2, field: 'coordinates' }] });
    const posts = await send('PUT', '/api/v1/lamp-posts', [
      { id: 'lp-anspach-01', site: 'brussels-centre', street_segment: 'anspach-1', location: { lon: 4.3490, lat: 50.8480 } },
      { id: 'lp-anspach-02', site: 'brussels-centre', street_segment: 'anspach-9', location: { lon: 4.3491, lat: 50.8484 } },
    ]);
    expect(posts.json()).toMatchObject({ created: 1, rejected: 1, errors: [{ id: 'lp-anspach-02', field: 'street_segment' }] });
    expect(await get('/api/v1/lamp-posts/lp-anspach-01')).toEqual({
      id: 'lp-anspach-01', site: 'brussels-centre', street_segment: 'anspach-1', location: { lon: 4.349, lat: 50.848, height: 0 },
    });
    expect((await get('/api/v1/sites')).map((s: { id: string }) => s.id)).toEqual(['brussels-centre']);
    expect(await get('/api/v1/buildings/nowhere-house')).toMatchObject({ code: 'ZENNE_ERR_REGISTRY_NOT_FOUND' });
  });

  it("takes a building's rooms from its IFC model, keyed by IfcSpace GlobalId, and places devices in them", async () => {
    const ifc = await readFile(join(BIM, 'AC20-FZK-Haus.ifc'), 'utf8');
    const res = await send('PUT', '/api/v1/buildings/fzk-haus/rooms?file=AC20-FZK-Haus.ifc', ifc, 'application/x-step');
    expect(res.statusCode).toBe(200);
    const building = res.json();
    expect(building.ifc_model).toBe('AC20-FZK-Haus.ifc');
    expect(building.rooms).toHaveLength(7);
    expect(building.rooms).toContainEqual({ id: '17JZcMFrf5tOftUTidA0d3', name: '6', long_name: 'Küche' });

    const csv = [
      'id,name,gateway,profile,site,lon,lat,building,room',
      'aq-fzk-kitchen,Küche,gw-monnaie,nova-sds011,brussels-centre,4.35,50.85,fzk-haus,17JZcMFrf5tOftUTidA0d3',
      'aq-fzk-cellar,Keller,gw-monnaie,nova-sds011,brussels-centre,4.35,50.85,fzk-haus,0000000000000000000000',
      'aq-fzk-roomless,Dach,gw-monnaie,nova-sds011,brussels-centre,4.35,50.85,,17JZcMFrf5tOftUTidA0d3',
    ].join('\n');
    const upload = (await send('POST', '/api/v1/devices', csv, 'text/csv')).json();
    expect(upload).toMatchObject({ created: 1, rejected: 2 });
    expect(upload.errors.map((e: { where: string; field: string }) => `${e.where} ${e.field}`)).toEqual(['line 3 room', 'line 4 room']);

    const noRooms = await send('PUT', '/api/v1/buildings/fzk-haus/rooms', await readFile(join(BIM, 'IfcOpenHouse_IFC4.ifc'), 'utf8'), 'application/x-step');
    expect([noRooms.statusCode, noRooms.json().code]).toEqual([400, 'ZENNE_ERR_REGISTRY_IFC_INVALID']);
    expect((await get('/api/v1/buildings/fzk-haus')).rooms).toHaveLength(7);

    // Another model without the kitchen would strand the device placed in it.
    const duplex = await send('PUT', '/api/v1/buildings/fzk-haus/rooms', await readFile(join(BIM, 'duplex.ifc'), 'utf8'), 'application/x-step');
    expect(duplex.statusCode).toBe(400);
    expect(duplex.json().message).toMatch(/lacks the rooms of 1 device\(s\): aq-fzk-kitchen \(room 17JZcMFrf5tOftUTidA0d3\)/);
    expect((await get('/api/v1/buildings/fzk-haus')).ifc_model).toBe('AC20-FZK-Haus.ifc');
  });

  it('refuses writes without the admin token', async () => {
    const res = await h.cloud.app.inject({ method: 'PUT', url: '/api/v1/sites', payload: [{ id: 'evil', name: 'Evil' }] });
    expect([res.statusCode, res.json().code]).toEqual([403, 'ZENNE_ERR_PROVISIONING_ADMIN_DENIED']);
    expect(h.cloud.registry.getSite('evil')).toBeUndefined();
  });

  it('documents every registry route in the OpenAPI document', async () => {
    const doc = await get('/api/v1/openapi.json');
    const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    for (const path of ['/api/v1/sites', '/api/v1/buildings', '/api/v1/street-segments', '/api/v1/lamp-posts']) {
      expect(routes).toEqual(expect.arrayContaining([`GET ${path}`, `PUT ${path}`, `GET ${path}/{id}`]));
    }
    expect(routes).toEqual(expect.arrayContaining([
      'PUT /api/v1/buildings/{id}/rooms', 'POST /api/v1/devices', 'GET /api/v1/gateways', 'POST /api/v1/gateways',
      'POST /api/v1/gateways/{id}/rotate', 'POST /api/v1/gateways/{id}/revoke',
    ]));
  });
});
