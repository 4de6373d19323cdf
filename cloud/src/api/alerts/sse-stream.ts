import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';

/** A client this far behind (bytes queued) is cut off; its EventSource reconnects and starts over. */
const MAX_QUEUED_BYTES = 1024 * 1024;

/** OpenAPI description of a `text/event-stream` answer whose messages are `event: <name>`. */
export function sseResponse(description: string) {
  return { description, content: { 'text/event-stream': { schema: { type: 'string' } } } };
}

export interface SseStream {
  /** Writes one `event:`/`data:` message (data as JSON); a no-op once the stream ended. */
  send(event: string, data: unknown): void;
  /** Runs `cleanup` once when the client goes or the server closes. */
  onClose(cleanup: () => void): void;
}

/**
 * Server-Sent Events (WHATWG HTML §9.2) for one plugin: `open(reply)` takes
 * the response over, writes the headers and a `retry:` hint, and sends a
 * heartbeat comment every `heartbeatMs` so proxies keep an idle stream. The
 * plugin's open streams are ended when the server closes (they never end on
 * their own).
 */
export function sseStreams(app: FastifyInstance, heartbeatMs: number): { open(reply: FastifyReply, banner: string): SseStream } {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  return {
    open(reply, banner) {
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      open.add(res);
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
      res.once('close', () => {
        clearInterval(heartbeat);
        open.delete(res);
      });
      res.write(`: ${banner}\nretry: 3000\n\n`);
      return {
        send(event, data) {
          if (res.writableEnded || res.destroyed) return;
          res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
          if (res.writableLength > MAX_QUEUED_BYTES) res.end();
        },
        onClose(cleanup) {
          res.once('close', cleanup);
        },
      };
    },
  };
}
