import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { Logger } from '../shared/logger.ts';
import { routeUpgrade } from './upgrade-router.ts';

/** Where browsers reach MQTT over WebSocket on the cloud's HTTP server. */
export const MQTT_WS_PATH = '/mqtt';

// MQTT 3.1.1 §6: the client offers the "mqtt" subprotocol and the server must select it; "mqttv3.1" is MQTT 3.1's name.
const SUBPROTOCOLS = ['mqtt', 'mqttv3.1'];

/**
 * Serves MQTT over WebSocket (MQTT 3.1.1 §6, binary frames) on `path` of the
 * HTTP server: each connection is handed to `accept` as a byte stream, so it
 * meets the same authentication, ACL and packet size limit as TCP clients.
 * Lifecycle: listening from the call on; `close()` ends every connection and
 * must run before the HTTP server closes (it waits for upgraded sockets).
 */
export function mqttOverWebSocket(
  server: Server,
  accept: (stream: Duplex, remote: string | undefined) => void,
  logger: Logger,
  path = MQTT_WS_PATH,
): { close(): void } {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => SUBPROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  routeUpgrade(server, path, (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', (err) => logger.debug({ err: err.message }, 'MQTT over WebSocket stream error'));
      accept(stream, request.socket.remoteAddress);
    });
  });
  return {
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
