import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { openDataErrors } from '../../errors.ts';
import { byModel, catalogue, DCAT_CONTEXT, dataset } from '../../opendata/catalogue.ts';
import { keyValues } from '../../opendata/entity.ts';
import { OPEN_DATA_MODELS } from '../../opendata/models/index.ts';
import { formatCsv } from '../devices/rfc4180.ts';
import { API_PREFIX, type ApiContext } from '../api-context.ts';
import { allowAnyOrigin, baseUrl, LD_JSON } from '../ngsi-ld/content.ts';

const typeParams = z.object({ type: z.enum(OPEN_DATA_MODELS.map((m) => m.type) as [string, ...string[]]).describe('entity type, e.g. AirQualityObserved') });
const jsonLd = z.record(z.string(), z.unknown());
const errorBody = z.object({ code: z.string(), message: z.string() });

/** A key-values entity as CSV cells: objects as JSON, the point as longitude/latitude columns. */
function csvCells(entity: Record<string, unknown>, columns: readonly string[]): string[] {
  const point = (entity.location as { coordinates?: number[] } | undefined)?.coordinates;
  return columns.map((c) => {
    if (c === 'longitude') return String(point?.[0] ?? '');
    if (c === 'latitude') return String(point?.[1] ?? '');
    const v = entity[c];
    return v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

/**
 * The public DCAT-AP catalogue of the open data (JSON-LD): GET
 * /api/v1/catalogue, each dataset at /api/v1/catalogue/datasets/{type},
 * and its current entities as CSV.
 */
export default async function catalogueApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const publisher = ctx.openData;
  allowAnyOrigin(app);

  app.get(`${API_PREFIX}/catalogue`, {
    schema: {
      summary: 'DCAT-AP catalogue of the published open datasets (JSON-LD)',
      description: 'Public, no key. One dataset per NGSI-LD entity type, licence CC BY 4.0 unless configured.',
      tags: ['open data'],
      produces: [LD_JSON],
      response: { 200: jsonLd },
    },
  }, async (request, reply) => reply.type(LD_JSON).send(await catalogue(publisher, baseUrl(request))));

  app.get<{ Params: z.infer<typeof typeParams> }>(`${API_PREFIX}/catalogue/datasets/:type`, {
    schema: { summary: 'One DCAT-AP dataset (JSON-LD)', tags: ['open data'], params: typeParams, produces: [LD_JSON], response: { 200: jsonLd, 404: errorBody } },
  }, async (request, reply) => {
    const [group] = byModel(publisher.publications({ types: [request.params.type] }));
    if (!group) {
      const e = openDataErrors.DATASET_NOT_FOUND({ type: request.params.type });
      return reply.status(404).send({ code: e.code, message: e.message });
    }
    return reply.type(LD_JSON).send({ '@context': DCAT_CONTEXT, ...(await dataset(publisher, baseUrl(request), group[0], group[1])) });
  });

  app.get<{ Params: z.infer<typeof typeParams> }>(`${API_PREFIX}/catalogue/datasets/:type/entities.csv`, {
    schema: { summary: 'The current entities of one type as CSV (key-values, RFC 4180)', tags: ['open data'], params: typeParams, produces: ['text/csv'] },
  }, async (request, reply) => {
    const entities = (await publisher.entities({ types: [request.params.type] })).map((e) => keyValues(e));
    const attributes = [...new Set(entities.flatMap((e) => Object.keys(e)))].filter((k) => !['id', 'type', 'location'].includes(k)).sort();
    const columns = ['id', 'type', 'longitude', 'latitude', ...attributes];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${request.params.type}.csv"`)
      .send(formatCsv(columns, entities.map((e) => csvCells(e, columns))));
  });
}
