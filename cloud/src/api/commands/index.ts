import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deviceIdSchema } from '@zenne/device-profiles';
import { commandRecordSchema, commandSubmissionSchema, type CommandSubmission } from '../../commands/command-schemas.ts';
import { commandErrors, provisioningErrors } from '../../errors.ts';
import { checkAdmin } from '../admin-auth.ts';
import { useErrorStatuses } from '../error-statuses.ts';
import { API_PREFIX, errorBodySchema, type ApiContext } from '../api-context.ts';

const STATUS_BY_CODE: Record<string, number> = {
  [commandErrors.NO_DEVICES.code]: 422,
  [commandErrors.UNKNOWN_DEVICE.code]: 404,
  [commandErrors.NOT_FOUND.code]: 404,
  [provisioningErrors.ADMIN_DENIED.code]: 403,
};

const listQuerySchema = z.strictObject({
  device: deviceIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

/**
 * Downstream commands (dim, switch, schedule): POST /api/v1/commands sends
 * one, GET /api/v1/commands[/{id}] follows them per device. Operators only:
 * until API keys with roles exist, the admin guard (loopback + admin token)
 * protects every route here.
 */
export default async function commandsApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { commands, provisioning } = ctx;

  // Encapsulated: the hook and error handler apply to this plugin's routes only.
  app.addHook('onRequest', async (request) => checkAdmin(request, provisioning.adminToken));

  useErrorStatuses(app, STATUS_BY_CODE);

  app.post<{ Body: CommandSubmission }>(`${API_PREFIX}/commands`, {
    schema: {
      summary: 'Send a command (dim, switch, schedule) to devices by id or by tags; answers at once, follow it with GET /commands/{id}',
      tags: ['commands'],
      body: commandSubmissionSchema,
      response: { 202: commandRecordSchema, 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 422: errorBodySchema },
    },
  }, async (request, reply) => reply.status(202).send(await commands.submit(request.body)));

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/commands/:id`, {
    schema: {
      summary: 'A command and where it stands on each device',
      tags: ['commands'],
      params: z.strictObject({ id: z.string().max(64) }),
      response: { 200: commandRecordSchema, 403: errorBodySchema, 404: errorBodySchema },
    },
  }, async (request) => commands.get(request.params.id));

  app.get<{ Querystring: z.infer<typeof listQuerySchema> }>(`${API_PREFIX}/commands`, {
    schema: {
      summary: 'Recent commands, newest first (optionally those touching one device)',
      tags: ['commands'],
      querystring: listQuerySchema,
      response: { 200: z.object({ commands: z.array(commandRecordSchema) }), 403: errorBodySchema },
    },
  }, async (request) => ({ commands: commands.list(request.query) }));
}
