import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { gatewayIdSchema, isZenneError, type ZenneError } from '@zenne/device-profiles';
import { provisioningErrors } from '../../errors.ts';
import { checkAdmin } from '../admin-auth.ts';
import { API_PREFIX, errorBodySchema, type ApiContext } from '../api-context.ts';

const STATUS_BY_CODE: Record<string, number> = {
  [provisioningErrors.CLAIM_MALFORMED.code]: 400,
  [provisioningErrors.CLAIM_UNKNOWN.code]: 404,
  [provisioningErrors.CLAIM_USED.code]: 409,
  [provisioningErrors.CLAIM_EXPIRED.code]: 410,
  [provisioningErrors.GATEWAY_UNKNOWN.code]: 404,
  [provisioningErrors.ADMIN_DENIED.code]: 403,
};

const claimRequestSchema = z.strictObject({ code: z.string().max(64).describe('the claim code, e.g. K7QM-2XPD-9HTA-WE4C') });
const credentialsSchema = z.object({
  gateway: z.string(),
  mqtt_url: z.string(),
  username: z.string(),
  password: z.string(),
  ca_pem: z.string().optional().describe('the development CA of the TLS listener, to trust as cloud.ca_file'),
  devices: z.array(z.object({ device: z.string(), profile: z.string(), name: z.string(), site: z.string(), street: z.string().optional() })),
});
/** `zenne-cloud claim --ttl` bounds: at least a minute, at most 30 days. */
const issueRequestSchema = z.strictObject({ gateway: gatewayIdSchema, ttl_s: z.number().int().min(60).max(30 * 86_400) });
const issuedSchema = z.object({ code: z.string(), gateway: z.string(), expires_at: z.string() });

function sendRefusal(reply: FastifyReply, err: ZenneError) {
  return reply.status(STATUS_BY_CODE[err.code] ?? 400).send({ code: err.code, message: err.message });
}

/**
 * POST /api/v1/provisioning/claim (technicians: redeem a claim code) and
 * POST /api/v1/admin/claims (the `zenne-cloud claim` command: issue one).
 */
export default async function provisioningApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { provisioning } = ctx;
  const logger = app.log;

  app.post<{ Body: z.infer<typeof claimRequestSchema> }>(`${API_PREFIX}/provisioning/claim`, {
    schema: {
      summary: 'Redeem a one-time claim code: the gateway gets a fresh MQTT password and its device list',
      tags: ['provisioning'],
      body: claimRequestSchema,
      response: { 200: credentialsSchema, 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 410: errorBodySchema },
    },
  }, async (request, reply) => {
    try {
      const credentials = await provisioning.redeem(request.body.code, request.hostname);
      logger.info({ gateway: credentials.gateway, remote: request.ip }, 'claim code redeemed; gateway secret replaced');
      return credentials;
    } catch (err) {
      if (!isZenneError(err) || !(err.code in STATUS_BY_CODE)) throw err;
      logger.warn({ code: err.code, remote: request.ip }, 'claim code refused');
      return sendRefusal(reply, err);
    }
  });

  app.post<{ Body: z.infer<typeof issueRequestSchema> }>(`${API_PREFIX}/admin/claims`, {
    schema: {
      summary: 'Issue a claim code for a registered gateway (loopback + admin token only)',
      // For `zenne-cloud claim` only; not part of the public API document.
      hide: true,
      tags: ['provisioning'],
      body: issueRequestSchema,
      response: { 200: issuedSchema, 403: errorBodySchema, 404: errorBodySchema },
    },
  }, async (request, reply) => {
    try {
      checkAdmin(request, provisioning.adminToken);
      const claim = await provisioning.issueClaim(request.body.gateway, request.body.ttl_s * 1000);
      logger.info({ gateway: claim.gateway, expires_at: claim.expires_at }, 'claim code issued');
      return claim;
    } catch (err) {
      if (!isZenneError(err) || !(err.code in STATUS_BY_CODE)) throw err;
      return sendRefusal(reply, err);
    }
  });
}
