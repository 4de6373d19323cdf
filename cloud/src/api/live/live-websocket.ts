import type { FastifyInstance } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import type { Reading } from '@zenne/device-profiles';
import { apiErrors } from '../../errors.ts';
import { liveFilterQuery } from '../../feeds/live-filter.ts';
import { MAX_QUEUED_BYTES, subscribeLive } from '../../feeds/live-subscription.ts';
import { refuseUpgrade, routeUpgrade } from '../../feeds/upgrade-router.ts';
import type { ApiContext } from '../api-context.ts';

// Close codes, RFC 6455 §7.4.1 and the IANA registry: 1001 going away, 1011 server error, 1013 try again later.
const GOING_AWAY = 1001;
const SERVER_ERROR = 1011;
const TRY_AGAIN_LATER = 1013;

/**
 * `GET <path>` upgraded to a WebSocket (RFC 6455): the SSE stream's filters
 * in the query string; each text message is one Reading as JSON, the latest
 * values matching the filter first, then every newly stored one. A bad query
 * is answered 400 `{ code, message }` before the upgrade. Pings every
 * `sseHeartbeatMs` keep proxies from closing an idle connection; a client
 * that falls 1 MiB behind is closed with 1013 and should reconnect.
 * Lifecycle: the fastify instance's close ends every connection (1001).
 */
export function liveWebSocket(app: FastifyInstance, ctx: ApiContext, path: string): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  app.addHook('preClose', async () => {
    for (const ws of wss.clients) ws.close(GOING_AWAY, 'server stopping');
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  routeUpgrade(app.server, path, (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const query = liveFilterQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) {
      const reason = query.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ');
      return refuseUpgrade(socket, 400, apiErrors.BAD_REQUEST({ parameter: 'querystring', reason }));
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const send = (r: Reading) => {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(JSON.stringify(r));
        if (ws.bufferedAmount > MAX_QUEUED_BYTES) ws.close(TRY_AGAIN_LATER, 'client too slow');
      };
      const subscription = subscribeLive(ctx, query.data, send);
      const ping = setInterval(() => ws.ping(), ctx.sseHeartbeatMs);
      ws.once('close', () => {
        clearInterval(ping);
        subscription.close();
      });
      // Clients have nothing to say on this stream; errors (a bad frame) end that connection only.
      ws.on('error', (err) => app.log.debug({ err: err.message }, 'live websocket error'));
      subscription.snapshot.catch((err: unknown) => {
        app.log.error({ err }, 'live: reading the latest values failed');
        ws.close(SERVER_ERROR, 'latest values unavailable');
      });
    });
  });
}
