import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { gatewayIdSchema, idSchema } from '@zenne/device-profiles';
import { createGateway, revokeGateway, rotateGatewaySecret } from '../../registry/gateway-credentials.ts';
import { API_PREFIX, errorBodySchema, type ApiContext } from '../api-context.ts';
import { ADMIN_SECURITY_NOTE, adminOnly, useRegistryErrorStatuses } from '../assets/registry-writes.ts';

const gatewaySchema = z.object({
  id: z.string(),
  site: z.string(),
  revoked_at: z.string().optional(),
  devices: z.number().describe('devices registered to this gateway'),
});
const credentialsSchema = z.object({
  gateway: z.string(),
  username: z.string(),
  password: z.string().describe('shown once; the registry keeps only its scrypt hash'),
});
const createSchema = z.strictObject({ id: gatewayIdSchema, site: idSchema });
const idParams = z.strictObject({ id: gatewayIdSchema });
const refusals = { 403: errorBodySchema, 404: errorBodySchema };

/**
 * Gateways and their MQTT credentials, admin only: list, create, rotate the
 * secret, revoke. Rotation and revocation take effect at once (see
 * gateway-credentials.ts).
 */
export default async function gatewaysApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  useRegistryErrorStatuses(app);
  const { registry } = ctx;
  app.addHook('preHandler', adminOnly(ctx));

  app.get(`${API_PREFIX}/gateways`, {
    schema: { summary: 'The registered gateways and their state', description: ADMIN_SECURITY_NOTE, tags: ['gateways'], response: { 200: z.array(gatewaySchema), 403: errorBodySchema } },
  }, async () => {
    const devices = registry.listDevices();
    return registry.list('gateways').map(({ secret_hash: _hash, seeded_hash: _seeded, ...g }) => ({ ...g, devices: devices.filter((d) => d.gateway === g.id).length }));
  });

  app.post<{ Body: z.infer<typeof createSchema> }>(`${API_PREFIX}/gateways`, {
    schema: {
      summary: 'Register a gateway; answers its MQTT password once',
      description: ADMIN_SECURITY_NOTE,
      tags: ['gateways'],
      body: createSchema,
      response: { 200: credentialsSchema, ...refusals, 409: errorBodySchema },
    },
  }, async (request) => {
    const credentials = await createGateway(registry, request.body.id, request.body.site);
    request.log.info({ gateway: credentials.gateway, remote: request.ip }, 'gateway created');
    return credentials;
  });

  app.post<{ Params: z.infer<typeof idParams> }>(`${API_PREFIX}/gateways/:id/rotate`, {
    schema: {
      summary: 'Give the gateway a new secret: the old one is refused and its sessions are closed at once; lifts a revocation',
      description: ADMIN_SECURITY_NOTE,
      tags: ['gateways'],
      params: idParams,
      response: { 200: credentialsSchema, ...refusals },
    },
  }, async (request) => {
    const credentials = await rotateGatewaySecret(registry, request.params.id);
    request.log.info({ gateway: credentials.gateway, remote: request.ip }, 'gateway secret rotated');
    return credentials;
  });

  app.post<{ Params: z.infer<typeof idParams> }>(`${API_PREFIX}/gateways/:id/revoke`, {
    schema: {
      summary: 'Revoke the gateway: its logins are refused and its sessions closed at once, until a rotation',
      description: ADMIN_SECURITY_NOTE,
      tags: ['gateways'],
      params: idParams,
      response: { 200: z.object({ gateway: z.string(), revoked_at: z.string() }), ...refusals },
    },
  }, async (request) => {
    const { id, revoked_at } = await revokeGateway(registry, request.params.id);
    request.log.warn({ gateway: id, revoked_at, remote: request.ip }, 'gateway revoked');
    return { gateway: id, revoked_at };
  });
}
