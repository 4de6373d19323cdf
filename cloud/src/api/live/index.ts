import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Reading } from '@zenne/device-profiles';
import { liveFilterQuery, type LiveFilter } from '../../feeds/live-filter.ts';
import { MAX_QUEUED_BYTES, subscribeLive } from '../../feeds/live-subscription.ts';
import { API_PREFIX, errorBodySchema, type ApiContext } from '../api-context.ts';
import { liveWebSocket } from './live-websocket.ts';

/**
 * GET /api/v1/live: Server-Sent Events (WHATWG HTML §9.2). Each stored
 * reading is one `event: reading` with the Reading as JSON `data:`; the
 * latest values matching the filter come first. Comment lines keep proxies
 * from closing an idle stream. GET /api/v1/live/ws is the same stream over
 * a WebSocket (live-websocket.ts).
 */
export default async function liveApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const open = new Set<ServerResponse>();
  // Streams never end on their own; end them so the HTTP server can close.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  liveWebSocket(app, ctx, `${API_PREFIX}/live/ws`);

  app.get<{ Querystring: LiveFilter }>(`${API_PREFIX}/live`, {
    schema: {
      summary: 'Live readings as Server-Sent Events (event: reading), latest values first',
      tags: ['readings'],
      querystring: liveFilterQuery,
      response: {
        200: {
          description: 'an endless stream of `event: reading` / `data: <Reading JSON>` messages and `: heartbeat` comments',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        400: errorBodySchema,
      },
    },
  }, async (request, reply) => {
    const res = reply.raw;
    reply.hijack();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    open.add(res);
    res.write(': zenne live readings\nretry: 3000\n\n');

    const send = (r: Reading) => {
      if (res.writableEnded || res.destroyed) return;
      res.write(`event: reading\ndata: ${JSON.stringify(r)}\n\n`);
      if (res.writableLength > MAX_QUEUED_BYTES) res.end();
    };
    const subscription = subscribeLive(ctx, request.query, send);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), ctx.sseHeartbeatMs);
    res.once('close', () => {
      clearInterval(heartbeat);
      subscription.close();
      open.delete(res);
    });
    subscription.snapshot.catch((err: unknown) => {
      request.log.error({ err }, 'live: reading the latest values failed');
      res.end();
    });
  });
}
