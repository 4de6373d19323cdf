import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { quantitySchema, type Reading } from '@zenne/device-profiles';
import { API_PREFIX, deviceListParam, errorBodySchema, scenarioParam, type ApiContext } from '../api-context.ts';

const liveQuery = z.strictObject({
  device: deviceListParam.optional(),
  quantity: quantitySchema.optional(),
  scenario: scenarioParam.optional(),
});
type LiveQuery = z.output<typeof liveQuery>;

/** A client this far behind (bytes queued) is cut off; its EventSource reconnects and gets the latest values again. */
const MAX_QUEUED_BYTES = 1024 * 1024;

function matches(q: LiveQuery, r: Reading): boolean {
  return (r.scenario ?? undefined) === q.scenario
    && (q.quantity === undefined || r.quantity === q.quantity)
    && (q.device === undefined || q.device.includes(r.device));
}

const keyOf = (r: Reading) => `${r.device}\u0000${r.scenario ?? ''}\u0000${r.seq}`;

/**
 * GET /api/v1/live: Server-Sent Events (WHATWG HTML §9.2). Each stored
 * reading is one `event: reading` with the Reading as JSON `data:`; the
 * latest values matching the filter come first. Comment lines keep proxies
 * from closing an idle stream.
 */
export default async function liveApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const open = new Set<ServerResponse>();
  // Streams never end on their own; end them so the HTTP server can close.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  app.get<{ Querystring: LiveQuery }>(`${API_PREFIX}/live`, {
    schema: {
      summary: 'Live readings as Server-Sent Events (event: reading), latest values first',
      tags: ['readings'],
      querystring: liveQuery,
      response: {
        200: {
          description: 'an endless stream of `event: reading` / `data: <Reading JSON>` messages and `: heartbeat` comments',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        400: errorBodySchema,
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    const res = reply.raw;
    reply.hijack();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    open.add(res);

    const send = (r: Reading) => {
      if (res.writableEnded || res.destroyed) return;
      res.write(`event: reading\ndata: ${JSON.stringify(r)}\n\n`);
      if (res.writableLength > MAX_QUEUED_BYTES) res.end();
    };
    // Subscribe before reading the latest values so nothing stored in between is lost;
    // what arrives meanwhile waits, and repeats of the snapshot are skipped.
    let backlog: Reading[] | undefined = [];
    const onReading = (r: Reading) => {
      if (!matches(q, r)) return;
      if (backlog) backlog.push(r);
      else send(r);
    };
    ctx.live.on('reading', onReading);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), ctx.sseHeartbeatMs);
    res.once('close', () => {
      clearInterval(heartbeat);
      ctx.live.off('reading', onReading);
      open.delete(res);
    });

    res.write(': zenne live readings\nretry: 3000\n\n');
    let latest: Reading[];
    try {
      latest = await ctx.store.latest({ devices: q.device, quantity: q.quantity, scenario: q.scenario });
    } catch (err) {
      request.log.error({ err }, 'live: reading the latest values failed');
      res.end();
      return;
    }
    const sent = new Set(latest.map(keyOf));
    for (const r of latest) send(r);
    const waiting = backlog;
    backlog = undefined;
    for (const r of waiting) if (!sent.has(keyOf(r))) send(r);
  });
}
