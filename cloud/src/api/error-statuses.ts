import type { FastifyInstance } from 'fastify';
import { isZenneError } from '@zenne/device-profiles';

/**
 * For one plugin (fastify encapsulates the handler): answers the errors whose
 * code is in `statusByCode` with that HTTP status and `{ code, message }`;
 * any other error goes on to the app's error handler.
 */
export function useErrorStatuses(app: FastifyInstance, statusByCode: Readonly<Record<string, number>>): void {
  app.setErrorHandler((error, _request, reply) => {
    const status = isZenneError(error) ? statusByCode[error.code] : undefined;
    if (status === undefined || !isZenneError(error)) throw error;
    return reply.status(status).send({ code: error.code, message: error.message });
  });
}
