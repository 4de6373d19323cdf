import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { deviceIdSchema, gatewayIdSchema, idSchema } from '@zenne/device-profiles';
import {
  acknowledgementSchema,
  alertEventSchema,
  alertRuleSchema,
  alertSchema,
  alertStateSchema,
  type Acknowledgement,
  type AlertRule,
} from '../../alerts/alert-schemas.ts';
import { alertErrors, provisioningErrors } from '../../errors.ts';
import { checkAdmin } from '../admin-auth.ts';
import { useErrorStatuses } from '../error-statuses.ts';
import { API_PREFIX, errorBodySchema, type ApiContext } from '../api-context.ts';
import alertStreamApi from './alert-stream.ts';

const STATUS_BY_CODE: Record<string, number> = {
  [alertErrors.RULE_NOT_FOUND.code]: 404,
  [alertErrors.ALERT_NOT_FOUND.code]: 404,
  [alertErrors.RULE_EXISTS.code]: 409,
  [alertErrors.ALREADY_RESOLVED.code]: 409,
  [alertErrors.RULE_ID_MISMATCH.code]: 400,
  [alertErrors.SCOPE_UNKNOWN.code]: 422,
  [alertErrors.WRITE_FAILED.code]: 503,
  [provisioningErrors.ADMIN_DENIED.code]: 403,
};

const limitParam = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
/** Any ISO-8601 UTC time, normalised to the stored form (milliseconds, Z) so text comparison is time order. */
const timeParam = z.iso.datetime().transform((t) => new Date(t).toISOString());

const listQuery = z.strictObject({
  state: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0))
    .pipe(z.array(alertStateSchema).min(1))
    .optional()
    .describe('comma-separated states: open, acknowledged, resolved'),
  device: deviceIdSchema.optional(),
  gateway: gatewayIdSchema.optional(),
  rule: idSchema.optional(),
  limit: limitParam(1000, 100),
});
const eventsQuery = z.strictObject({
  alert: z.string().max(64).optional(),
  device: deviceIdSchema.optional(),
  gateway: gatewayIdSchema.optional(),
  rule: idSchema.optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: limitParam(10_000, 1000),
});
const idParams = z.strictObject({ id: z.string().min(1).max(64) });
type IdParams = z.infer<typeof idParams>;

/**
 * Alerts: rules (CRUD), alerts (list, one with its history, acknowledge),
 * the event history across alerts, and the SSE stream. Reading is open like
 * the rest of the API; writing (rules, acknowledgements) needs the admin
 * guard until API keys with roles exist.
 */
export default async function alertsApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { alerts, provisioning } = ctx;
  const admin = async (request: FastifyRequest) => checkAdmin(request, provisioning.adminToken);

  useErrorStatuses(app, STATUS_BY_CODE);

  app.get(`${API_PREFIX}/alerts/rules`, {
    schema: { summary: 'Alert rules', tags: ['alerts'], response: { 200: z.object({ rules: z.array(alertRuleSchema) }) } },
  }, async () => ({ rules: alerts.listRules() }));

  app.get<{ Params: IdParams }>(`${API_PREFIX}/alerts/rules/:id`, {
    schema: { summary: 'One alert rule', tags: ['alerts'], params: idParams, response: { 200: alertRuleSchema, 404: errorBodySchema } },
  }, async (request) => alerts.getRule(request.params.id));

  app.post<{ Body: AlertRule }>(`${API_PREFIX}/alerts/rules`, {
    onRequest: admin,
    schema: {
      summary: 'Create an alert rule (threshold, rate_of_change, stale_device, gateway_offline, buffer_backlog)',
      tags: ['alerts'],
      body: alertRuleSchema,
      response: { 201: alertRuleSchema, 400: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema, 422: errorBodySchema },
    },
  }, async (request, reply) => reply.status(201).send(await alerts.createRule(request.body)));

  app.put<{ Params: IdParams; Body: AlertRule }>(`${API_PREFIX}/alerts/rules/:id`, {
    onRequest: admin,
    schema: {
      summary: 'Replace an alert rule; its unresolved alerts are resolved ("rule changed") and it judges afresh',
      tags: ['alerts'],
      params: idParams,
      body: alertRuleSchema,
      response: { 200: alertRuleSchema, 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 422: errorBodySchema },
    },
  }, async (request) => alerts.replaceRule(request.params.id, request.body));

  app.delete<{ Params: IdParams }>(`${API_PREFIX}/alerts/rules/:id`, {
    onRequest: admin,
    schema: {
      summary: 'Delete an alert rule; its unresolved alerts are resolved ("rule deleted"), the history stays',
      tags: ['alerts'],
      params: idParams,
      response: { 204: z.null(), 403: errorBodySchema, 404: errorBodySchema },
    },
  }, async (request, reply) => {
    await alerts.deleteRule(request.params.id);
    return reply.status(204).send();
  });

  app.get<{ Querystring: z.infer<typeof listQuery> }>(`${API_PREFIX}/alerts`, {
    schema: {
      summary: 'Alerts, newest first, filtered by state, device, gateway or rule',
      tags: ['alerts'],
      querystring: listQuery,
      response: { 200: z.object({ alerts: z.array(alertSchema) }), 400: errorBodySchema },
    },
  }, async (request) => ({ alerts: await alerts.listAlerts(request.query) }));

  app.get<{ Querystring: z.infer<typeof eventsQuery> }>(`${API_PREFIX}/alerts/events`, {
    schema: {
      summary: 'Alert history: every transition (opened, acknowledged, resolved), oldest first',
      tags: ['alerts'],
      querystring: eventsQuery,
      response: { 200: z.object({ events: z.array(alertEventSchema) }), 400: errorBodySchema },
    },
  }, async (request) => ({ events: await alerts.events(request.query) }));

  app.get<{ Params: IdParams }>(`${API_PREFIX}/alerts/:id`, {
    schema: {
      summary: 'One alert and its history',
      tags: ['alerts'],
      params: idParams,
      response: { 200: z.object({ alert: alertSchema, events: z.array(alertEventSchema) }), 404: errorBodySchema },
    },
  }, async (request) => alerts.getAlert(request.params.id));

  app.post<{ Params: IdParams; Body: Acknowledgement }>(`${API_PREFIX}/alerts/:id/acknowledge`, {
    onRequest: admin,
    schema: {
      summary: 'Acknowledge an open alert (who, and a note); it still resolves by itself when its condition clears',
      tags: ['alerts'],
      params: idParams,
      body: acknowledgementSchema,
      response: { 200: alertSchema, 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema },
    },
  }, async (request) => alerts.acknowledge(request.params.id, request.body));

  await app.register(alertStreamApi, ctx);
}
