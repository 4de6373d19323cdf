import type { FastifyInstance } from 'fastify';
import { API_PREFIX, type ApiContext } from '../api-context.ts';

/** GET /api/v1/stats: ingest, broker and registry counters (rejections by reason, per gateway). */
export default async function statsApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get(`${API_PREFIX}/stats`, {
    schema: { summary: 'Ingest and broker counters, rejections by reason, overall and per gateway', tags: ['operations'] },
  }, async () => ctx.stats());
}
