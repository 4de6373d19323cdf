import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { isZenneError } from '@zenne/device-profiles';
import { apiErrors } from '../errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { ApiContext } from './api-context.ts';
import alertsApi from './alerts/index.ts';
import commandsApi from './commands/index.ts';
import catalogueApi from './catalogue/index.ts';
import ngsiLdApi from './ngsi-ld/index.ts';
import assetsApi from './assets/index.ts';
import devicesApi from './devices/index.ts';
import gatewaysApi from './gateways/index.ts';
import healthApi from './health/index.ts';
import liveApi from './live/index.ts';
import openApi from './openapi/index.ts';
import provisioningApi from './provisioning/index.ts';
import readingsApi from './readings/index.ts';
import statsApi from './stats/index.ts';
import accountingApi from './accounting/index.ts';
import viewer from './viewer/index.ts';
import { useZodValidation } from './zod-routes.ts';

/** The HTTP plugins, one per resource, in registration order (openapi first: it collects the others' routes). */
const API_PLUGINS = [openApi, healthApi, assetsApi, devicesApi, gatewaysApi, readingsApi, liveApi, statsApi, accountingApi, provisioningApi, commandsApi, alertsApi, ngsiLdApi, catalogueApi, viewer] as const;

const STATUS_BY_CODE: Record<string, number> = {
  [apiErrors.BAD_REQUEST.code]: 400,
  [apiErrors.DEVICE_NOT_FOUND.code]: 404,
};

/**
 * Builds the fastify app (not listening). Every error answer is
 * `{ code, message }` with a ZENNE_ERR_API_* code.
 */
export async function buildHttpApp(ctx: ApiContext, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });
  useZodValidation(app);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isZenneError(error)) {
      return reply.status(STATUS_BY_CODE[error.code] ?? 500).send({ code: error.code, message: error.message });
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      const e = apiErrors.BAD_REQUEST({ parameter: error.validationContext ?? 'request', reason: error.message });
      return reply.status(error.statusCode).send({ code: e.code, message: e.message });
    }
    request.log.error({ err: error, url: request.url }, 'request failed');
    const e = apiErrors.INTERNAL({ reason: error.message });
    return reply.status(500).send({ code: e.code, message: e.message });
  });

  app.setNotFoundHandler((request, reply) => {
    const e = apiErrors.ROUTE_NOT_FOUND({ method: request.method, url: request.url });
    return reply.status(404).send({ code: e.code, message: e.message });
  });

  for (const plugin of API_PLUGINS) await app.register(plugin, ctx);
  return app;
}
