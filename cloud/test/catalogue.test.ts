import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@zenne/device-profiles';
import { CC_BY_4_0, openDataConfigSchema } from '../src/opendata/index.ts';
import { parseCsv } from '../src/api/devices/rfc4180.ts';
import { OPEN_DATA_FLEET_YAML, OPEN_DATA_GATEWAY, openDataReadings, T0 } from '../src/opendata/testing/open-data-fleet.ts';
import { batchOf } from './helpers/fleet.ts';
import { ackListener, connectGateway, startCloud, type Harness } from './helpers/harness.ts';

type Json = Record<string, any>;

const CC0 = 'https://creativecommons.org/publicdomain/zero/1.0/';
const PUBLISHER = { name: 'Ville de Bruxelles', url: 'https://www.bruxelles.be/' };

let h: Harness;
let seedDir: string;

async function get(url: string) {
  const res = await h.cloud.app.inject({ method: 'GET', url });
  return { status: res.statusCode, headers: res.headers, body: res.body, json: () => JSON.parse(res.body) as Json };
}

beforeAll(async () => {
  seedDir = await mkdtemp(join(tmpdir(), 'zenne-catalogue-seed-'));
  const seedFile = join(seedDir, 'fleet.yaml');
  await writeFile(seedFile, OPEN_DATA_FLEET_YAML);
  h = await startCloud({ seedFile, openData: { licence: CC0, publisher: PUBLISHER } });
  const client = await connectGateway(h, OPEN_DATA_GATEWAY.id, OPEN_DATA_GATEWAY.secret);
  const acks = await ackListener(client, OPEN_DATA_GATEWAY.id);
  await client.publishAsync(topics.readings(OPEN_DATA_GATEWAY.id), JSON.stringify(batchOf(OPEN_DATA_GATEWAY.id, 'catalogue-1', openDataReadings())), { qos: 1 });
  expect((await acks.next('catalogue-1')).rejected).toEqual([]);
});

afterAll(async () => {
  await h?.close();
  await rm(seedDir, { recursive: true, force: true });
});

describe('DCAT-AP catalogue', () => {
  it('licenses the open data under CC BY 4.0 unless configured', () => {
    expect(openDataConfigSchema.parse({}).licence).toBe(CC_BY_4_0);
    expect(CC_BY_4_0).toBe('http://creativecommons.org/licenses/by/4.0/');
    expect(openDataConfigSchema.parse({}).people_counting).toEqual({ bucket_s: 900, min_count: 5 });
    expect(() => openDataConfigSchema.parse({ people_counting: { bucket_s: 300 } })).toThrow(/15-minute/);
  });

  it('lists one dataset per published entity type, as JSON-LD in the DCAT-AP vocabulary', async () => {
    const res = await get('/api/v1/catalogue');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    const cat = res.json();
    expect(cat['@context']).toMatchObject({ dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/' });
    expect(cat['@type']).toBe('dcat:Catalog');
    expect(cat['dct:license']).toEqual({ '@id': CC0 });
    expect(cat['dct:publisher']).toEqual({ '@type': 'foaf:Agent', 'foaf:name': PUBLISHER.name, 'foaf:homepage': { '@id': PUBLISHER.url } });
    const datasets = cat['dcat:dataset'] as Json[];
    expect(datasets.map((d) => d['dct:identifier']).sort()).toEqual(
      ['ACMeasurement', 'AirQualityObserved', 'CrowdFlowObserved', 'IndoorEnvironmentObserved', 'Streetlight', 'ThreePhaseAcMeasurement'],
    );
    expect(cat['dcat:service']['dcat:servesDataset']).toHaveLength(datasets.length);
    for (const d of datasets) {
      expect(d['@type']).toBe('dcat:Dataset');
      expect(d['dct:title']['@value']).toBeTruthy();
      expect(d['dct:description']['@value']).toBeTruthy();
      expect(d['dct:license']).toEqual({ '@id': CC0 });
      expect(d['dct:publisher']['foaf:name']).toBe(PUBLISHER.name);
      expect(d['dcat:theme']['@id']).toMatch(/^http:\/\/publications\.europa\.eu\/resource\/authority\/data-theme\/(ENVI|ENER|TRAN)$/);
      expect(d['dct:spatial']['dcat:bbox']['@value']).toMatch(/^POLYGON\(\(/);
      for (const dist of d['dcat:distribution'] as Json[]) {
        expect(dist['@type']).toBe('dcat:Distribution');
        expect(dist['dcat:accessURL']['@id']).toMatch(/^http:\/\//);
        expect(dist['dct:license']).toEqual({ '@id': CC0 });
      }
    }
  });

  it('gives spatial and temporal coverage and the NGSI-LD, CSV and history distributions', async () => {
    const aq = (await get('/api/v1/catalogue/datasets/AirQualityObserved')).json();
    expect(aq['@context']).toBeDefined();
    expect(aq['dct:temporal']).toEqual({
      '@type': 'dct:PeriodOfTime',
      'dcat:startDate': { '@value': new Date(T0).toISOString(), '@type': 'xsd:dateTime' },
      'dcat:endDate': { '@value': new Date(T0 + 9 * 60_000).toISOString(), '@type': 'xsd:dateTime' },
    });
    // Place de la Monnaie and Place Flagey span the box.
    expect(aq['dct:spatial']['dcat:bbox']['@value']).toBe('POLYGON((4.352853 50.8275,4.372 50.8275,4.372 50.849402,4.352853 50.849402,4.352853 50.8275))');
    const urls = (aq['dcat:distribution'] as Json[]).map((d) => new URL(d['dcat:accessURL']['@id']).pathname + new URL(d['dcat:accessURL']['@id']).search);
    expect(urls).toEqual([
      '/ngsi-ld/v1/entities?type=AirQualityObserved',
      '/ngsi-ld/v1/temporal/entities/',
      '/api/v1/catalogue/datasets/AirQualityObserved/entities.csv',
      '/api/v1/readings/history',
    ]);
    // Every advertised entity distribution answers.
    for (const url of urls.slice(0, 1).concat(urls[2]!)) expect((await get(url)).status, url).toBe(200);
  });

  it('offers people counting only aggregated: no raw readings distribution', async () => {
    const crowd = (await get('/api/v1/catalogue/datasets/CrowdFlowObserved')).json();
    const urls = (crowd['dcat:distribution'] as Json[]).map((d) => d['dcat:accessURL']['@id'] as string);
    expect(urls.some((u) => u.includes('/api/v1/readings'))).toBe(false);
    // Coverage in whole buckets: the first flow reading is at 08:01, the last at 08:32.
    expect(crowd['dct:temporal']['dcat:startDate']['@value']).toBe(new Date(T0).toISOString());
    expect(crowd['dct:temporal']['dcat:endDate']['@value']).toBe(new Date(T0 + 45 * 60_000).toISOString());
  });

  it('exports the current entities of a dataset as CSV', async () => {
    const res = await get('/api/v1/catalogue/datasets/Streetlight/entities.csv');
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(res.body).map((r) => r.cells);
    expect(rows).toHaveLength(1);
    expect(Object.fromEntries(header!.map((column, i) => [column, rows[0]![i]]))).toMatchObject({ id: 'urn:ngsi-ld:Streetlight:lamp-fripiers-01', type: 'Streetlight', longitude: '4.3526', latitude: '50.849', status: 'columnIssue', powerState: 'on' });
  });

  it('refuses a type that is not a published model, naming the parameter', async () => {
    const res = await get('/api/v1/catalogue/datasets/Nope');
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: 'ZENNE_ERR_API_BAD_REQUEST', message: expect.stringMatching(/^type/) });
  });
});
