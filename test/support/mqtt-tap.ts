import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/** One PUBLISH a client sent through the tap, as it arrived (before the broker saw it). */
export interface TappedPublish {
  /** performance.now() when its last byte arrived. */
  at: number;
  topic: string;
  payload: Buffer;
}

export interface MqttTap {
  /** `mqtt://127.0.0.1:<port>`: give this to the client instead of the broker's URL. */
  url: string;
  /** Every client → broker PUBLISH so far, in arrival order. */
  publishes: TappedPublish[];
  /** Stops listening and cuts every relayed connection. Idempotent. */
  close(): Promise<void>;
}

const PUBLISH = 3;

/**
 * A TCP relay between MQTT clients and a broker at `upstream` that records the
 * PUBLISH packets clients send, with their arrival time: what the broker
 * receives and when, without a subscription the broker's ACL might refuse.
 * Bytes pass unchanged in both directions. While the broker is down a client's
 * connection is accepted and then closed, as a refused connection would be for it.
 * Parses MQTT 3.1.1 framing (OASIS mqtt-v3.1.1 §2.2 fixed header, §3.3 PUBLISH).
 */
export async function startMqttTap(upstream: { host: string; port: number }): Promise<MqttTap> {
  const publishes: TappedPublish[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const broker = createConnection(upstream);
    for (const socket of [client, broker]) {
      sockets.add(socket);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        broker.destroy();
      });
      socket.on('error', () => socket.destroy());
    }
    const reader = publishReader((topic, payload) => publishes.push({ at: performance.now(), topic, payload }));
    client.on('data', (chunk: Buffer) => {
      try {
        reader(chunk);
      } catch {
        client.destroy();
      }
    });
    client.pipe(broker);
    broker.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    publishes,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** Splits a client's byte stream into MQTT packets and hands each PUBLISH's topic and payload to `onPublish`. */
function publishReader(onPublish: (topic: string, payload: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      const header = fixedHeader(pending);
      if (!header || pending.length < header.size + header.remaining) return;
      const body = pending.subarray(header.size, header.size + header.remaining);
      pending = pending.subarray(header.size + header.remaining);
      if (header.type !== PUBLISH) continue;
      const topicLength = body.readUInt16BE(0);
      const topic = body.toString('utf8', 2, 2 + topicLength);
      // §3.3.2.2: a packet identifier follows the topic only when QoS > 0.
      const packetIdBytes = header.qos > 0 ? 2 : 0;
      onPublish(topic, Buffer.from(body.subarray(2 + topicLength + packetIdBytes)));
    }
  };
}

/** The packet type, QoS and "remaining length" (§2.2.3: 1-4 bytes, 7 bits each) at the start of `buf`, or null while incomplete. */
function fixedHeader(buf: Buffer): { type: number; qos: number; size: number; remaining: number } | null {
  if (buf.length < 2) return null;
  let remaining = 0;
  for (let i = 1; i <= 4; i++) {
    if (i >= buf.length) return null;
    const byte = buf[i]!;
    remaining += (byte & 0x7f) * 128 ** (i - 1);
    if ((byte & 0x80) === 0) return { type: buf[0]! >> 4, qos: (buf[0]! >> 1) & 3, size: i + 1, remaining };
  }
  throw new Error('malformed MQTT remaining length (more than 4 bytes)');
}
