import type { Publication, OpenDataPublisher } from './publisher.ts';
import type { EntityModel } from './models/index.ts';

/** ETSI GS CIM 009 V1.8.1, the NGSI-LD API specification the routes follow. */
const NGSI_LD_SPEC = 'https://www.etsi.org/deliver/etsi_gs/CIM/001_099/009/01.08.01_60/gs_CIM009v010801p.pdf';

const EU = 'http://publications.europa.eu/resource/authority';
const IANA = 'https://www.iana.org/assignments/media-types';

export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  locn: 'http://www.w3.org/ns/locn#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

const iri = (id: string) => ({ '@id': id });
const en = (text: string) => ({ '@value': text, '@language': 'en' });
const dateTime = (iso: string) => ({ '@value': iso, '@type': 'xsd:dateTime' });

/** Where each route of a dataset lives, from the base URL of the request. */
function datasetUrl(baseUrl: string, type: string): string {
  return `${baseUrl}/api/v1/catalogue/datasets/${type}`;
}

/**
 * The first and last observation of the devices, real data only. Rounded out
 * to `granularityMs` when given: for aggregated data the exact time of a
 * counter's last reading could tell when someone last passed.
 */
async function temporalCoverage(
  publisher: OpenDataPublisher,
  publications: readonly Publication[],
  granularityMs?: number,
): Promise<{ start: string; end: string } | undefined> {
  const store = publisher.store;
  const latest = await store.latest({ devices: publications.map((p) => p.device.id) });
  if (latest.length === 0) return undefined;
  const end = latest.reduce((max, r) => (r.ts > max ? r.ts : max), '');
  const firsts = await Promise.all(
    publications.map((p) => store.list({ device: p.device.id, from: new Date(0), to: new Date(Date.parse(end) + 1), limit: 1 })),
  );
  const start = firsts.flat().reduce((min, r) => (r.ts < min ? r.ts : min), end);
  if (!granularityMs) return { start, end };
  const round = (iso: string, to: typeof Math.floor) => new Date(to(Date.parse(iso) / granularityMs) * granularityMs).toISOString();
  return { start: round(start, Math.floor), end: round(end, Math.ceil) };
}

/** The bounding box of the devices as a WKT polygon (GeoDCAT-AP `dcat:bbox`). */
function boundingBox(publications: readonly Publication[]): string {
  const lons = publications.map((p) => p.device.location.lon);
  const lats = publications.map((p) => p.device.location.lat);
  const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  return `POLYGON((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s}))`;
}

function distributions(baseUrl: string, model: EntityModel, licence: string): unknown[] {
  const service = iri(`${baseUrl}/ngsi-ld/v1/`);
  const common = { '@type': 'dcat:Distribution', 'dct:license': iri(licence) };
  const ngsi = {
    ...common,
    'dct:format': iri(`${EU}/file-type/JSON_LD`),
    'dcat:mediaType': iri(`${IANA}/application/ld+json`),
    'dct:conformsTo': [iri(NGSI_LD_SPEC), iri(model.schema)],
    'dcat:accessService': service,
  };
  const out: unknown[] = [
    {
      ...ngsi,
      'dct:title': en(`${model.type} entities (NGSI-LD)`),
      'dct:description': en('The current state of every entity; add options=keyValues for the simplified form, georel/geometry/coordinates to query by place.'),
      'dcat:accessURL': iri(`${baseUrl}/ngsi-ld/v1/entities?type=${model.type}`),
    },
    {
      ...ngsi,
      'dct:title': en(`${model.type} temporal evolution (NGSI-LD)`),
      'dct:description': en('GET /ngsi-ld/v1/temporal/entities/{id}?timerel=between&timeAt=…&endTimeAt=… for the past values of one entity.'),
      'dcat:accessURL': iri(`${baseUrl}/ngsi-ld/v1/temporal/entities/`),
    },
    {
      ...common,
      'dct:title': en(`${model.type} entities (CSV)`),
      'dct:description': en('The current entities in key-values form, one row each (RFC 4180).'),
      'dct:format': iri(`${EU}/file-type/CSV`),
      'dcat:mediaType': iri(`${IANA}/text/csv`),
      'dcat:accessURL': iri(`${datasetUrl(baseUrl, model.type)}/entities.csv`),
      'dcat:downloadURL': iri(`${datasetUrl(baseUrl, model.type)}/entities.csv`),
    },
  ];
  if (model.rawReadingsPublic) {
    out.push({
      ...common,
      'dct:title': en('Readings history (JSON)'),
      'dct:description': en('GET /api/v1/readings/history?device=…&quantity=…&from=…&to=…&bucket=… for aggregated past readings of one device (device ids: the entity id after its type).'),
      'dct:format': iri(`${EU}/file-type/JSON`),
      'dcat:mediaType': iri(`${IANA}/application/json`),
      'dcat:accessURL': iri(`${baseUrl}/api/v1/readings/history`),
      'dcat:accessService': iri(`${baseUrl}/api/v1/openapi.json`),
    });
  }
  return out;
}

/** One DCAT-AP dataset per published entity type that has devices. */
export async function dataset(publisher: OpenDataPublisher, baseUrl: string, model: EntityModel, publications: readonly Publication[]): Promise<Record<string, unknown>> {
  const { licence, publisher: agent } = publisher.config;
  const coverage = await temporalCoverage(publisher, publications, model.rawReadingsPublic ? undefined : publisher.config.people_counting.bucket_s * 1000);
  return {
    '@id': datasetUrl(baseUrl, model.type),
    '@type': 'dcat:Dataset',
    'dct:identifier': model.type,
    'dct:title': en(model.dataset.title),
    'dct:description': en(model.dataset.description),
    'dcat:keyword': model.dataset.keywords.map(en),
    'dcat:theme': iri(`${EU}/data-theme/${model.dataset.theme}`),
    'dct:publisher': publisherAgent(agent),
    'dct:license': iri(licence),
    // Updated as readings arrive (EU frequency vocabulary: continuous).
    'dct:accrualPeriodicity': iri(`${EU}/frequency/CONT`),
    'dct:conformsTo': iri(model.schema),
    'dct:spatial': { '@type': 'dct:Location', 'dcat:bbox': { '@value': boundingBox(publications), '@type': 'gsp:wktLiteral' } },
    ...(coverage && {
      'dct:temporal': { '@type': 'dct:PeriodOfTime', 'dcat:startDate': dateTime(coverage.start), 'dcat:endDate': dateTime(coverage.end) },
    }),
    'dcat:distribution': distributions(baseUrl, model, licence),
  };
}

function publisherAgent(agent: { name: string; url?: string }) {
  return { '@type': 'foaf:Agent', 'foaf:name': agent.name, ...(agent.url && { 'foaf:homepage': iri(agent.url) }) };
}

/** Publications grouped by model, in OPEN_DATA_MODELS order. */
export function byModel(publications: readonly Publication[]): Map<EntityModel, Publication[]> {
  const groups = new Map<EntityModel, Publication[]>();
  for (const p of publications) groups.set(p.model, [...(groups.get(p.model) ?? []), p]);
  return groups;
}

/** The DCAT-AP catalogue (JSON-LD) of every published dataset. */
export async function catalogue(publisher: OpenDataPublisher, baseUrl: string): Promise<Record<string, unknown>> {
  const { licence, publisher: agent, catalogue: meta } = publisher.config;
  const datasets = await Promise.all([...byModel(publisher.publications())].map(([model, pubs]) => dataset(publisher, baseUrl, model, pubs)));
  return {
    '@context': DCAT_CONTEXT,
    '@id': `${baseUrl}/api/v1/catalogue`,
    '@type': 'dcat:Catalog',
    'dct:title': en(meta.title),
    'dct:description': en(meta.description),
    'dct:publisher': publisherAgent(agent),
    'dct:license': iri(licence),
    'dct:language': iri(`${EU}/language/ENG`),
    'foaf:homepage': iri(`${baseUrl}/`),
    'dcat:service': {
      '@id': `${baseUrl}/ngsi-ld/v1/`,
      '@type': 'dcat:DataService',
      'dct:title': en('NGSI-LD API'),
      'dct:conformsTo': iri(NGSI_LD_SPEC),
      'dcat:endpointURL': iri(`${baseUrl}/ngsi-ld/v1/`),
      'dcat:endpointDescription': iri(`${baseUrl}/api/v1/openapi.json`),
      'dct:license': iri(licence),
      'dcat:servesDataset': datasets.map((d) => iri(d['@id'] as string)),
    },
    'dcat:dataset': datasets,
  };
}
