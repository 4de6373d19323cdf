import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { apiErrors } from '../errors.ts';

/** Takes over an HTTP upgrade request (RFC 9110 §7.8) whose path it was registered for. */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

const routers = new WeakMap<Server, Map<string, UpgradeHandler>>();

/**
 * Registers `handler` for upgrade requests on `path` of `server`. One
 * 'upgrade' listener per server dispatches by path (query ignored); an upgrade
 * to any other path is answered 404 and closed, since Node leaves unclaimed
 * upgrade sockets open. Registering a path twice is a programming error.
 */
export function routeUpgrade(server: Server, path: string, handler: UpgradeHandler): void {
  let routes = routers.get(server);
  if (!routes) {
    const table = new Map<string, UpgradeHandler>();
    routes = table;
    routers.set(server, table);
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
      const route = table.get(pathname);
      if (route) return route(request, socket, head);
      refuseUpgrade(socket, 404, apiErrors.ROUTE_NOT_FOUND({ method: 'GET (upgrade)', url: request.url ?? '/' }));
    });
  }
  if (routes.has(path)) throw new Error(`upgrade path ${path} registered twice`);
  routes.set(path, handler);
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 503: 'Service Unavailable' };

/** Answers an upgrade request with a plain HTTP error (JSON `{ code, message }` like every API error) and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: 400 | 404 | 503, error: Error & { code: string }): void {
  const json = JSON.stringify({ code: error.code, message: error.message });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(json)}\r\nconnection: close\r\n\r\n${json}`,
  );
}
