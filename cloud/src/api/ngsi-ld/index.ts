import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isZenneError } from '@zenne/device-profiles';
import { apiErrors, openDataErrors } from '../../errors.ts';
import { keyValues, normalized, temporalNormalized, temporalValues } from '../../opendata/entity.ts';
import { parseGeoQuery } from '../../opendata/geo-query.ts';
import { OPEN_DATA_MODELS } from '../../opendata/models/index.ts';
import type { ApiContext } from '../api-context.ts';
import { allowAnyOrigin, CONTEXT_PATH, CORE_CONTEXT, LD_JSON, sendLd } from './content.ts';
import { entitiesQuery, entityQuery, MAX_INSTANCES, representationOf, temporalQuery, timeWindow } from './query.ts';

const PREFIX = '/ngsi-ld/v1';
const PROBLEM = 'https://uri.etsi.org/ngsi-ld/errors/';

/** NGSI-LD problem type and HTTP status per error code (ETSI GS CIM 009 §5.5.2). */
const PROBLEMS: Record<string, { status: number; type: string; title: string }> = {
  [openDataErrors.ENTITY_NOT_FOUND.code]: { status: 404, type: 'ResourceNotFound', title: 'Entity not found' },
  [openDataErrors.BAD_QUERY.code]: { status: 400, type: 'BadRequestData', title: 'Bad request data' },
  [apiErrors.BAD_REQUEST.code]: { status: 400, type: 'BadRequestData', title: 'Bad request data' },
  [openDataErrors.NOT_ACCEPTABLE.code]: { status: 406, type: 'NotAcceptable', title: 'Not acceptable' },
};

const contextsByType = new Map(OPEN_DATA_MODELS.map((m) => [m.type, [m.context, CORE_CONTEXT]]));
const contextOf = (e: Record<string, unknown>) => contextsByType.get(e.type as string) ?? [CORE_CONTEXT];

const entityList = z.array(z.record(z.string(), z.unknown()));
const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string(), code: z.string(), message: z.string() });
const idParams = z.object({ id: z.string().min(1).max(256) });

/**
 * The public, read-only NGSI-LD API (ETSI GS CIM 009 subset): entities by
 * type, id and geo-query, one entity, and its temporal evolution. Errors are
 * RFC 7807 problems with the NGSI-LD problem type, plus `code` and `message`.
 */
export default async function ngsiLdApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const publisher = ctx.openData;
  allowAnyOrigin(app);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = isZenneError(error) ? PROBLEMS[error.code] : undefined;
    const clientError = !known && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500;
    const e = isZenneError(error) && known ? error : clientError ? openDataErrors.BAD_QUERY({ parameter: 'request', reason: error.message }) : apiErrors.INTERNAL({ reason: error.message });
    const p = PROBLEMS[e.code] ?? { status: 500, type: 'InternalError', title: 'Internal error' };
    if (p.status === 500) request.log.error({ err: error, url: request.url }, 'request failed');
    return reply.status(p.status).type('application/json').send({ type: `${PROBLEM}${p.type}`, title: p.title, status: p.status, detail: e.message, code: e.code, message: e.message });
  });

  app.get(CONTEXT_PATH, {
    schema: { summary: 'The @context of every entity type served (Smart Data Models and the NGSI-LD core context)', tags: ['open data'] },
  }, async (_request, reply) => reply.type(LD_JSON).send({ '@context': [...new Set(OPEN_DATA_MODELS.map((m) => m.context)), CORE_CONTEXT] }));

  app.get<{ Querystring: z.output<typeof entitiesQuery> }>(`${PREFIX}/entities`, {
    schema: {
      summary: 'Query entities by type, id and geo-query (NGSI-LD)',
      description: 'Public, no key. People counts are aggregated per 15 minutes or coarser, small counts suppressed.',
      tags: ['open data'],
      querystring: entitiesQuery,
      produces: ['application/json', LD_JSON],
      response: { 200: entityList, 400: problem, 406: problem },
    },
  }, async (request, reply) => {
    const q = request.query;
    const form = representationOf(q);
    if (form === 'temporalValues') throw openDataErrors.BAD_QUERY({ parameter: 'options', reason: 'temporalValues applies to /temporal/entities only' });
    // A type may come expanded (https://smartdatamodels.org/dataModel.Environment/AirQualityObserved): its last segment is the short name.
    const types = q.type?.map((t) => t.slice(Math.max(t.lastIndexOf('/'), t.lastIndexOf('#')) + 1));
    const entities = await publisher.entities({ types, ids: q.id, geo: parseGeoQuery(q) });
    if (q.count === 'true') reply.header('NGSILD-Results-Count', String(entities.length));
    const page = entities.slice(q.offset, q.offset + q.limit);
    const render = form === 'simplified' ? keyValues : normalized;
    return sendLd(request, reply, page.map((e) => render(e, q.attrs)), contextOf);
  });

  app.get<{ Params: z.infer<typeof idParams>; Querystring: z.output<typeof entityQuery> }>(`${PREFIX}/entities/:id`, {
    schema: {
      summary: 'One entity by id (NGSI-LD)',
      tags: ['open data'],
      params: idParams,
      querystring: entityQuery,
      produces: ['application/json', LD_JSON],
      response: { 200: z.record(z.string(), z.unknown()), 404: problem, 406: problem },
    },
  }, async (request, reply) => {
    const form = representationOf(request.query);
    if (form === 'temporalValues') throw openDataErrors.BAD_QUERY({ parameter: 'options', reason: 'temporalValues applies to /temporal/entities only' });
    const entity = await publisher.entity(request.params.id);
    return sendLd(request, reply, (form === 'simplified' ? keyValues : normalized)(entity, request.query.attrs), contextOf);
  });

  app.get<{ Params: z.infer<typeof idParams>; Querystring: z.output<typeof temporalQuery> }>(`${PREFIX}/temporal/entities/:id`, {
    schema: {
      summary: 'The temporal evolution of one entity (NGSI-LD)',
      description: `timerel=between&timeAt=…&endTimeAt=… (or before/after); at most ${MAX_INSTANCES} instances per attribute, the oldest first.`,
      tags: ['open data'],
      params: idParams,
      querystring: temporalQuery,
      produces: ['application/json', LD_JSON],
      response: { 200: z.record(z.string(), z.unknown()), 400: problem, 404: problem, 406: problem },
    },
  }, async (request, reply) => {
    const window = { ...timeWindow(request.query, publisher.now()), limit: MAX_INSTANCES };
    const entity = await publisher.temporal(request.params.id, window);
    const render = representationOf(request.query) === 'normalized' ? temporalNormalized : temporalValues;
    return sendLd(request, reply, render(entity, request.query.attrs), contextOf);
  });
}
