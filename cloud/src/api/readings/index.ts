import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deviceIdSchema, QUANTITIES, quantitySchema, readingSchema } from '@zenne/device-profiles';
import { apiErrors } from '../../errors.ts';
import { API_PREFIX, deviceListParam, errorBodySchema, scenarioParam, type ApiContext } from '../api-context.ts';

const latestQuery = z.strictObject({
  device: deviceListParam.optional(),
  quantity: quantitySchema.optional(),
  scenario: scenarioParam.optional(),
});

/** Most buckets one history answer may hold; a wider window needs a wider bucket. */
const MAX_HISTORY_POINTS = 10_000;
const DAY_MS = 86_400_000;

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s)).describe('ISO-8601 instant, e.g. 2026-11-23T08:00:00Z');

const historyQuery = z
  .strictObject({
    device: deviceIdSchema,
    quantity: quantitySchema,
    from: instant.optional().describe('inclusive start; default: 24 h before `to`'),
    to: instant.optional().describe('exclusive end; default: now'),
    bucket: z.coerce.number().int().min(1).max(31 * 86_400).default(300).describe('bucket width in seconds'),
    scenario: scenarioParam.optional(),
  })
  .transform((q, ctx) => {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - DAY_MS);
    if (from >= to) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: '`from` must be before `to`' });
      return z.NEVER;
    }
    if ((to.getTime() - from.getTime()) / (q.bucket * 1000) > MAX_HISTORY_POINTS) {
      ctx.addIssue({ code: 'custom', path: ['bucket'], message: `the window holds more than ${MAX_HISTORY_POINTS} buckets; widen the bucket` });
      return z.NEVER;
    }
    return { ...q, from, to };
  });

/** Most readings one list answer may hold. */
export const MAX_LIST_READINGS = 10_000;

const listQuery = z
  .strictObject({
    device: deviceIdSchema,
    quantity: quantitySchema.optional(),
    from: instant.optional().describe('inclusive start; default: 24 h before `to`'),
    to: instant.optional().describe('exclusive end; default: now'),
    limit: z.coerce.number().int().min(1).max(MAX_LIST_READINGS).default(1000).describe('most readings returned, oldest first'),
    scenario: scenarioParam.optional(),
  })
  .transform((q, ctx) => {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - DAY_MS);
    if (from >= to) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: '`from` must be before `to`' });
      return z.NEVER;
    }
    return { ...q, from, to };
  });

const historyAnswer = z.object({
  device: z.string(),
  quantity: quantitySchema,
  unit: z.string(),
  bucket_s: z.number(),
  points: z.array(z.object({ ts: z.string(), avg: z.number(), min: z.number(), max: z.number(), count: z.number().int() })),
});

/** GET /api/v1/readings, /api/v1/readings/latest and /api/v1/readings/history. */
export default async function readingsApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Querystring: z.output<typeof latestQuery> }>(`${API_PREFIX}/readings/latest`, {
    schema: {
      summary: 'The latest reading per (device, quantity)',
      tags: ['readings'],
      querystring: latestQuery,
      response: { 200: z.object({ readings: z.array(readingSchema) }), 400: errorBodySchema },
    },
  }, async (request) => {
    const { device, quantity, scenario } = request.query;
    return { readings: await ctx.store.latest({ devices: device, quantity, scenario }) };
  });

  app.get<{ Querystring: z.output<typeof listQuery> }>(`${API_PREFIX}/readings`, {
    schema: {
      summary: 'The stored readings of one device, oldest first, every quality (use `from` of the next page to paginate)',
      tags: ['readings'],
      querystring: listQuery,
      response: { 200: z.object({ readings: z.array(readingSchema) }), 400: errorBodySchema, 404: errorBodySchema },
    },
  }, async (request) => {
    const q = request.query;
    if (!ctx.registry.getDevice(q.device)) throw apiErrors.DEVICE_NOT_FOUND({ device: q.device });
    return {
      readings: await ctx.store.list({
        device: q.device, quantity: q.quantity, from: q.from, to: q.to, limit: q.limit, scenario: q.scenario,
      }),
    };
  });

  app.get<{ Querystring: z.output<typeof historyQuery> }>(`${API_PREFIX}/readings/history`, {
    schema: {
      summary: 'Aggregates (avg, min, max, count) per time bucket; `bad` readings are left out',
      tags: ['readings'],
      querystring: historyQuery,
      response: { 200: historyAnswer, 400: errorBodySchema, 404: errorBodySchema },
    },
  }, async (request) => {
    const q = request.query;
    if (!ctx.registry.getDevice(q.device)) throw apiErrors.DEVICE_NOT_FOUND({ device: q.device });
    const points = await ctx.store.history({
      device: q.device, quantity: q.quantity, from: q.from, to: q.to, bucket_s: q.bucket, scenario: q.scenario,
    });
    return { device: q.device, quantity: q.quantity, unit: QUANTITIES[q.quantity].unit, bucket_s: q.bucket, points };
  });
}
