import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deviceIdSchema, gatewayIdSchema, idSchema } from '@zenne/device-profiles';
import type { Alert, AlertEvent } from '../../alerts/alert-schemas.ts';
import { API_PREFIX, errorBodySchema, type ApiContext } from '../api-context.ts';
import { sseResponse, sseStreams } from './sse-stream.ts';

const streamQuery = z.strictObject({
  device: deviceIdSchema.optional(),
  gateway: gatewayIdSchema.optional(),
  rule: idSchema.optional(),
});
type StreamQuery = z.infer<typeof streamQuery>;

const matches = (q: StreamQuery, a: Alert): boolean =>
  (q.device === undefined || a.device === q.device) && (q.gateway === undefined || a.gateway === q.gateway) && (q.rule === undefined || a.rule === q.rule);

/** The last transition of an unresolved alert, so a client that folds events by alert id starts in the right state. */
const lastEventOf = (a: Alert): AlertEvent =>
  a.state === 'acknowledged' ? { type: 'acknowledged', at: a.acknowledged_at!, alert: a } : { type: 'opened', at: a.opened_at, alert: a };

/**
 * GET /api/v1/alerts/stream: one `event: alert` per transition with the
 * AlertEvent as JSON `data:`; the alerts not yet resolved come first, as
 * their last transition.
 */
export default async function alertStreamApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const streams = sseStreams(app, ctx.sseHeartbeatMs);

  app.get<{ Querystring: StreamQuery }>(`${API_PREFIX}/alerts/stream`, {
    schema: {
      summary: 'Alert events as Server-Sent Events (event: alert), unresolved alerts first',
      tags: ['alerts'],
      querystring: streamQuery,
      response: {
        200: sseResponse('an endless stream of `event: alert` / `data: <AlertEvent JSON>` messages and `: heartbeat` comments'),
        400: errorBodySchema,
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    const stream = streams.open(reply, 'zenne alerts');
    const send = (event: AlertEvent) => {
      if (matches(q, event.alert)) stream.send('alert', event);
    };
    // The snapshot and the subscription happen in the same tick, so no transition falls in between or comes twice.
    for (const alert of ctx.alerts.unresolvedAlerts()) send(lastEventOf(alert));
    ctx.alerts.on('alert', send);
    stream.onClose(() => ctx.alerts.off('alert', send));
  });
}
