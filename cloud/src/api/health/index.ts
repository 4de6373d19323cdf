import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/** GET /healthz: answers while the process serves HTTP. */
export default async function healthApi(app: FastifyInstance): Promise<void> {
  app.get('/healthz', {
    schema: { summary: 'Liveness', tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));
}
