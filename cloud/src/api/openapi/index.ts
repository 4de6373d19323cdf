import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { API_PREFIX } from '../api-context.ts';
import { zodToOpenApi } from '../zod-routes.ts';

/**
 * The OpenAPI 3 document of every route, at /api/v1/openapi.json, and its
 * interactive page at /api/v1/docs. Registered before the other plugins: it
 * collects routes as they are added.
 */
async function openApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Zenne cloud API',
        version: '1.0.0',
        description: 'Devices, readings (latest, history, live SSE) and counters of a Zenne cloud. Contracts: docs/architecture.md.',
      },
      tags: [
        { name: 'devices', description: 'Registered devices as GeoJSON' },
        { name: 'readings', description: 'Stored readings' },
        { name: 'operations', description: 'Health and counters' },
      ],
    },
    transform: zodToOpenApi,
  });
  await app.register(swaggerUi, { routePrefix: `${API_PREFIX}/docs` });
  app.get(`${API_PREFIX}/openapi.json`, {
    schema: { summary: 'This OpenAPI 3 document', tags: ['operations'] },
  }, async () => app.swagger());
}

// Registered at the root (fastify "skip-override", what fastify-plugin sets) so it sees sibling routes.
Object.assign(openApi, { [Symbol.for('skip-override')]: true });
export default openApi;
