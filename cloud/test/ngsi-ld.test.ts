import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@zenne/device-profiles';
import { OPEN_DATA_MODELS } from '../src/opendata/models/index.ts';
import {
  OPEN_DATA_FLEET_YAML,
  OPEN_DATA_GATEWAY,
  openDataReadings,
  PEOPLE_COUNTER,
  T0,
} from '../src/opendata/testing/open-data-fleet.ts';
import { smartDataModelValidators } from '../src/opendata/testing/smart-data-models.ts';
import { batchOf } from './helpers/fleet.ts';
import { ackListener, connectGateway, startCloud, type Harness } from './helpers/harness.ts';

type Json = Record<string, unknown>;

let h: Harness;
let seedDir: string;
const validate = smartDataModelValidators();

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await h.cloud.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, headers: res.headers, body: res.body, json: () => JSON.parse(res.body) as unknown };
}

async function entities(query: string): Promise<Json[]> {
  const res = await get(`/ngsi-ld/v1/entities?${query}`);
  expect(res.status, res.body).toBe(200);
  return res.json() as Json[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;

beforeAll(async () => {
  seedDir = await mkdtemp(join(tmpdir(), 'zenne-ngsi-seed-'));
  const seedFile = join(seedDir, 'fleet.yaml');
  await writeFile(seedFile, OPEN_DATA_FLEET_YAML);
  h = await startCloud({ seedFile });
  const client = await connectGateway(h, OPEN_DATA_GATEWAY.id, OPEN_DATA_GATEWAY.secret);
  const acks = await ackListener(client, OPEN_DATA_GATEWAY.id);
  const readings = openDataReadings();
  await client.publishAsync(topics.readings(OPEN_DATA_GATEWAY.id), JSON.stringify(batchOf(OPEN_DATA_GATEWAY.id, 'opendata-1', readings)), { qos: 1 });
  const ack = await acks.next('opendata-1');
  expect(ack.rejected).toEqual([]);
  expect(ack.stored).toBe(readings.length);
});

afterAll(async () => {
  await h?.close();
  await rm(seedDir, { recursive: true, force: true });
});

describe('NGSI-LD entities', () => {
  it('publishes one entity per device, each validating against its Smart Data Model schema in key-values form', async () => {
    const all = await entities('options=keyValues&limit=100');
    expect(all.map((e) => e.type).sort()).toEqual(
      ['ACMeasurement', 'AirQualityObserved', 'AirQualityObserved', 'CrowdFlowObserved', 'IndoorEnvironmentObserved', 'Streetlight', 'ThreePhaseAcMeasurement'],
    );
    for (const e of all) expect(validate(e), `${String(e.id)}: ${JSON.stringify(e)}`).toEqual([]);
    expect(new Set(all.map((e) => e.type))).toEqual(new Set(OPEN_DATA_MODELS.map((m) => m.type)));
  });

  it('maps readings onto the models: latest values, units and derived attributes', async () => {
    const [aq] = await entities('type=AirQualityObserved&id=urn:ngsi-ld:AirQualityObserved:aq-monnaie-01&options=keyValues');
    expect(aq).toMatchObject({ pm25: 19, pm10: 27, typeofLocation: 'outdoor', dateObserved: iso(T0 + 9 * MINUTE), address: { streetAddress: 'Rue des Fripiers' }, areaServed: 'Brussels centre' });
    expect(aq!.location).toEqual({ type: 'Point', coordinates: [4.352853, 50.849402] });

    const [lamp] = await entities('type=Streetlight&options=keyValues');
    expect(lamp).toMatchObject({ status: 'columnIssue', powerState: 'on', illuminanceLevel: 0.7, powerConsumption: 45.5, lifetimePowerConsumption: 123.456 });

    const [room] = await entities(`type=${encodeURIComponent('https://smartdatamodels.org/dataModel.Environment/IndoorEnvironmentObserved')}&options=keyValues`);
    expect(room).toMatchObject({ temperature: 21.5, relativeHumidity: 0.45 });

    const [threePhase] = await entities('type=ThreePhaseAcMeasurement&options=keyValues');
    expect(threePhase).toMatchObject({ totalActivePower: 5400, totalPowerFactor: 0.95, frequency: 50.01, totalActiveEnergyImport: 1234.567, totalActiveEnergyExport: 0 });

    const [single] = await entities('type=ACMeasurement&options=keyValues');
    expect(single).toMatchObject({ phaseType: 'singlePhase', phaseVoltage: { L1: 230.1 }, current: { L1: 2.1 }, totalActivePower: 480, totalActiveEnergyImport: 9.876 });
  });

  it('answers normalized by default, with the @context in a Link header for application/json', async () => {
    const res = await get('/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:aq-monnaie-01');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers.link).toMatch(/<http:\/\/[^>]+\/ngsi-ld\/v1\/context\.jsonld>; rel="http:\/\/www\.w3\.org\/ns\/json-ld#context"; type="application\/ld\+json"/);
    const body = res.json() as Json;
    expect(body['@context']).toBeUndefined();
    expect(body.pm25).toEqual({ type: 'Property', value: 19, observedAt: iso(T0 + 9 * MINUTE), unitCode: 'GQ' });
    expect(body.location).toEqual({ type: 'GeoProperty', value: { type: 'Point', coordinates: [4.352853, 50.849402] } });

    const context = await get(new URL(/<([^>]+)>/.exec(res.headers.link as string)![1]!).pathname);
    expect((context.json() as Json)['@context']).toContain('https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld');
  });

  it('puts the @context in the body for application/ld+json', async () => {
    const res = await get('/ngsi-ld/v1/entities?type=Streetlight', { accept: 'application/ld+json' });
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(res.headers.link).toBeUndefined();
    const [lamp] = res.json() as Json[];
    expect(lamp!['@context']).toEqual([
      'https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld',
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld',
    ]);
  });

  it('keeps only the attributes asked for, pages and counts', async () => {
    const [aq] = await entities('id=urn:ngsi-ld:AirQualityObserved:aq-monnaie-01&attrs=pm25&options=keyValues');
    expect(aq).toEqual({ id: 'urn:ngsi-ld:AirQualityObserved:aq-monnaie-01', type: 'AirQualityObserved', pm25: 19 });
    const res = await get('/ngsi-ld/v1/entities?limit=2&offset=1&count=true');
    expect(res.headers['ngsild-results-count']).toBe('7');
    expect((res.json() as Json[]).length).toBe(2);
  });

  it('answers geo-queries: near with maxDistance, within a polygon', async () => {
    const near = await entities('type=AirQualityObserved&georel=near;maxDistance==500&geometry=Point&coordinates=[4.3525,50.8466]');
    expect(near.map((e) => e.id)).toEqual(['urn:ngsi-ld:AirQualityObserved:aq-monnaie-01']);
    const far = await entities('type=AirQualityObserved&georel=near;minDistance==2000&geometry=Point&coordinates=[4.3525,50.8466]');
    expect(far.map((e) => e.id)).toEqual(['urn:ngsi-ld:AirQualityObserved:aq-flagey-01']);
    // A box around Place de la Monnaie: the sensor, the lamp, both meters; not the Hôtel de Ville nor the Bourse.
    const box = JSON.stringify([[[4.3520, 50.8485], [4.3540, 50.8485], [4.3540, 50.8500], [4.3520, 50.8500], [4.3520, 50.8485]]]);
    const within = await entities(`georel=within&geometry=Polygon&coordinates=${encodeURIComponent(box)}`);
    expect(within.map((e) => e.type).sort()).toEqual(['ACMeasurement', 'AirQualityObserved', 'Streetlight', 'ThreePhaseAcMeasurement']);
  });

  it('answers errors as NGSI-LD problems with a code', async () => {
    const missing = await get('/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:nope');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ type: 'https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound', code: 'ZENNE_ERR_OPENDATA_ENTITY_NOT_FOUND' });

    const badGeo = await get('/ngsi-ld/v1/entities?georel=near;maxDistance==10&geometry=Polygon&coordinates=[1,2]');
    expect(badGeo.status).toBe(400);
    expect(badGeo.json()).toMatchObject({ type: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData', code: 'ZENNE_ERR_OPENDATA_BAD_QUERY' });

    const unknownParam = await get('/ngsi-ld/v1/entities?q=pm25>10');
    expect(unknownParam.status).toBe(400);
    expect((unknownParam.json() as Json).detail).toMatch(/q/);

    const noEnd = await get('/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AirQualityObserved:aq-monnaie-01?timerel=between&timeAt=2026-11-23T08:00:00Z');
    expect(noEnd.status).toBe(400);
    expect((noEnd.json() as Json).detail).toMatch(/endTimeAt/);

    const xml = await get('/ngsi-ld/v1/entities', { accept: 'application/xml' });
    expect(xml.status).toBe(406);
    expect(xml.json()).toMatchObject({ code: 'ZENNE_ERR_OPENDATA_NOT_ACCEPTABLE' });
  });
});

describe('NGSI-LD temporal evolution', () => {
  it('gives every good or suspect instance of an attribute between timeAt and endTimeAt', async () => {
    const url = `/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AirQualityObserved:aq-monnaie-01?timerel=between&timeAt=${iso(T0 + 2 * MINUTE)}&endTimeAt=${iso(T0 + 5 * MINUTE)}`;
    const res = await get(url);
    expect(res.status, res.body).toBe(200);
    const body = res.json() as Json;
    expect(body.pm25).toEqual([12, 13, 14].map((value, i) => ({ type: 'Property', value, observedAt: iso(T0 + (2 + i) * MINUTE), unitCode: 'GQ' })));

    const simplified = (await get(`${url}&options=temporalValues&attrs=pm10`)).json() as Json;
    expect(simplified).toEqual({
      id: 'urn:ngsi-ld:AirQualityObserved:aq-monnaie-01',
      type: 'AirQualityObserved',
      pm10: { type: 'Property', values: [20, 21, 22].map((v, i) => [v, iso(T0 + (2 + i) * MINUTE)]) },
    });
  });

  it('maps derived attributes over time too', async () => {
    const res = await get(`/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:Streetlight:lamp-fripiers-01?timerel=after&timeAt=${iso(T0)}&options=temporalValues&attrs=status`);
    expect((res.json() as Json).status).toEqual({ type: 'Property', values: [['ok', iso(T0)], ['columnIssue', iso(T0 + MINUTE)]] });
  });
});

describe('people counting privacy', () => {
  const THRESHOLD = 5;
  const COUNT_KEYS = ['peopleCount', 'peopleCountTowards', 'peopleCountAway'];

  /** Every count value anywhere in a response, whatever its representation. */
  function countsIn(value: unknown, key = ''): number[] {
    // Arrays: instances (normalized temporal) or [value, observedAt] pairs (temporalValues).
    if (Array.isArray(value)) return value.flatMap((v) => countsIn(v, key));
    if (value && typeof value === 'object') {
      return Object.entries(value as Json).flatMap(([k, v]) => (k === 'values' || k === 'value' ? countsIn(v, key) : countsIn(v, COUNT_KEYS.includes(k) ? k : '')));
    }
    return COUNT_KEYS.includes(key) && typeof value === 'number' ? [value] : [];
  }

  async function crowdId(): Promise<string> {
    const [crowd] = await entities('type=CrowdFlowObserved');
    return crowd!.id as string;
  }

  it('publishes an opaque, stable id and never the device id or name', async () => {
    const id = await crowdId();
    expect(id).toMatch(/^urn:ngsi-ld:CrowdFlowObserved:[0-9a-f]{20}$/);
    expect(await crowdId()).toBe(id);
    const bodies = [
      (await get('/ngsi-ld/v1/entities?limit=100')).body,
      (await get('/ngsi-ld/v1/entities?options=keyValues&limit=100')).body,
      (await get(`/ngsi-ld/v1/entities/${id}`)).body,
      (await get(`/ngsi-ld/v1/temporal/entities/${id}?timerel=after&timeAt=${iso(T0)}`)).body,
      (await get('/api/v1/catalogue')).body,
      (await get('/api/v1/catalogue/datasets/CrowdFlowObserved/entities.csv')).body,
    ];
    for (const body of bodies) {
      expect(body).not.toContain(PEOPLE_COUNTER.id);
      expect(body).not.toContain(PEOPLE_COUNTER.name);
    }
    expect((await get(`/ngsi-ld/v1/entities/urn:ngsi-ld:CrowdFlowObserved:${PEOPLE_COUNTER.id}`)).status).toBe(404);
  });

  it('aggregates into complete 15-minute buckets and suppresses counts below the threshold', async () => {
    const id = await crowdId();
    const temporal = (await get(`/ngsi-ld/v1/temporal/entities/${id}?timerel=between&timeAt=${iso(T0)}&endTimeAt=${iso(T0 + 60 * MINUTE)}&options=temporalValues`)).json() as Json;
    expect(temporal.peopleCount).toEqual({ type: 'Property', values: [[32, iso(T0)], [12, iso(T0 + 30 * MINUTE)]] });
    expect(temporal.peopleCountTowards).toEqual({ type: 'Property', values: [[20, iso(T0)]] });
    expect(temporal.peopleCountAway).toEqual({ type: 'Property', values: [[12, iso(T0)]] });

    // A window starting inside a bucket still sees the whole bucket: no partial sums to subtract.
    const shifted = (await get(`/ngsi-ld/v1/temporal/entities/${id}?timerel=between&timeAt=${iso(T0 + 5 * MINUTE)}&endTimeAt=${iso(T0 + 10 * MINUTE)}&options=temporalValues`)).json() as Json;
    expect(shifted.peopleCount).toEqual({ type: 'Property', values: [[32, iso(T0)]] });

    const [current] = await entities('type=CrowdFlowObserved&options=keyValues');
    expect(current).toMatchObject({ peopleCount: 12, dateObserved: `${iso(T0 + 30 * MINUTE)}/${iso(T0 + 45 * MINUTE)}` });
    expect(current).not.toHaveProperty('peopleCountAway');
  });

  it('never shows a count below the threshold in any NGSI-LD response', async () => {
    const id = await crowdId();
    const windows = [[0, 15], [15, 30], [10, 20], [16, 29], [0, 60], [30, 45]].map(([a, b]) => `timerel=between&timeAt=${iso(T0 + a! * MINUTE)}&endTimeAt=${iso(T0 + b! * MINUTE)}`);
    const urls = [
      '/ngsi-ld/v1/entities?limit=100',
      '/ngsi-ld/v1/entities?options=keyValues&limit=100',
      '/ngsi-ld/v1/entities?type=CrowdFlowObserved&options=keyValues',
      `/ngsi-ld/v1/entities/${id}`,
      `/ngsi-ld/v1/temporal/entities/${id}?timerel=after&timeAt=${iso(T0 - 60 * MINUTE)}`,
      `/ngsi-ld/v1/temporal/entities/${id}?timerel=before&timeAt=${iso(T0 + 120 * MINUTE)}&options=temporalValues`,
      ...windows.flatMap((w) => [`/ngsi-ld/v1/temporal/entities/${id}?${w}`, `/ngsi-ld/v1/temporal/entities/${id}?${w}&options=temporalValues`]),
    ];
    let seen = 0;
    for (const url of urls) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      const counts = countsIn(res.json());
      seen += counts.length;
      expect(counts.filter((c) => c < THRESHOLD), url).toEqual([]);
    }
    expect(seen).toBeGreaterThan(0);
  });
});
