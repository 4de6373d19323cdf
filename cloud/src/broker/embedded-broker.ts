import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client } from 'aedes';
import { MAX_BATCH_BYTES } from '@zenne/device-profiles';
import { brokerErrors, cloudErrors, feedErrors } from '../errors.ts';
import type { Registry } from '../registry/registry.ts';
import type { Logger } from '../shared/logger.ts';
import { LogOnce } from '../shared/log-once.ts';
import { Tally } from '../shared/tally.ts';
import { mayPublish, mayReadPublic, maySubscribe } from './acl.ts';
import { AUTH_REFUSALS, createGatewayAuthenticator } from './gateway-auth.ts';
import { guardPacketSize } from './packet-size-guard.ts';
import type { BrokerStats, CloudBroker, MessageHandler } from './broker.ts';

export interface EmbeddedBrokerOptions {
  registry: Registry;
  logger: Logger;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * Largest accepted MQTT packet. Above MAX_BATCH_BYTES so that a slightly
   * oversized batch still reaches ingest and gets an `oversized_batch` ack;
   * anything larger closes the connection before it is buffered whole.
   */
  maxPacketBytes?: number;
  authCacheTtlMs?: number;
  /** A second listener speaking MQTT over TLS (`mqtts://`), same host; port 0 picks a free one. */
  tls?: { port: number; cert: string; key: string };
  /**
   * Lets clients without username and password connect as public readers:
   * they may only subscribe under zenne/v1/public/ and never publish.
   * Off: such clients are refused (`missing_credentials`).
   */
  anonymousReaders?: boolean;
}

// CONNACK return codes, MQTT 3.1.1 §3.2.2.3 (Table 3.1).
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

interface GatewayCounters {
  auth_refused: number;
  publish_denied: number;
  subscribe_denied: number;
}

class EmbeddedBroker implements CloudBroker {
  private servers: Server[] = [];
  private readonly sockets = new Set<Duplex>();
  /** Clients that connected without credentials (public readers). */
  private readonly anonymousClients = new WeakSet<Client>();
  private readonly anonymous = { connections: 0, refused: 0, publish_denied: 0, subscribe_denied: 0 };
  /** Which gateway each authenticated client is; set in authenticate. */
  private readonly gatewayOf = new WeakMap<Client, string>();
  /** Map(gateway id -> its connected clients). */
  private readonly clientsOf = new Map<string, Set<Client>>();
  private readonly authRefusals = new Tally(AUTH_REFUSALS);
  private readonly perGateway = new Map<string, GatewayCounters>();
  private readonly logOnce = new LogOnce();
  private connections = 0;
  private publishDenied = 0;
  private subscribeDenied = 0;
  private oversizedPackets = 0;
  private address: AddressInfo | undefined;
  private tlsAddress: AddressInfo | undefined;
  private serverClosed: Promise<void> = Promise.resolve();

  constructor(
    private readonly aedes: Aedes,
    private readonly options: Required<Pick<EmbeddedBrokerOptions, 'host' | 'port' | 'maxPacketBytes'>> & EmbeddedBrokerOptions,
  ) {
    const authenticate = createGatewayAuthenticator(options.registry, { cacheTtlMs: options.authCacheTtlMs });
    // A rotated secret or a revocation ends the sessions opened with the old credentials at once.
    options.registry.onGatewayChange((gateway) => this.disconnectGateway(gateway));
    aedes.authenticate = (client, username, password, done) => {
      if (options.anonymousReaders && username === undefined && password === undefined) return done(...this.admitAnonymous(client));
      authenticate(username, password).then(
        (refusal) => {
          if (refusal === null) {
            this.gatewayOf.set(client, username!);
            return done(null, true);
          }
          this.authRefusals.add(refusal);
          // Only registered gateways get a per-gateway entry: usernames are attacker-chosen.
          if (refusal === 'bad_password' || refusal === 'revoked_gateway') this.gatewayCounters(username!).auth_refused++;
          this.warnOnce(`auth:${username}:${refusal}`, brokerErrors.AUTH_FAILED({ username: username ?? '', reason: refusal }), {
            client: client.id,
          });
          const err = new Error(refusal) as AuthenticateError;
          err.returnCode = refusal === 'missing_credentials' ? NOT_AUTHORIZED : BAD_USERNAME_OR_PASSWORD;
          done(err, false);
        },
        (err: unknown) => done(Object.assign(new Error(String(err)), { returnCode: SERVER_UNAVAILABLE }) as AuthenticateError, false),
      );
    };

    // MQTT 3.1.1 has no negative PUBACK: a refused publish can only be
    // dropped, and aedes then closes the connection (MQTT-3.3.5-2). The
    // gateway sees a disconnect and gets no ack, so its buffer keeps the data.
    aedes.authorizePublish = (client, packet, done) => {
      const gateway = client ? this.gatewayOf.get(client) : undefined;
      if (client && this.anonymousClients.has(client)) {
        this.publishDenied++;
        this.anonymous.publish_denied++;
        const err = feedErrors.ANONYMOUS_PUBLISH_DENIED({ client: client.id, topic: packet.topic });
        this.warnOnce(`anon-pub:${packet.topic}`, err, { client: client.id });
        return done(err);
      }
      if (gateway === undefined || !mayPublish(gateway, packet.topic)) {
        this.publishDenied++;
        if (gateway !== undefined) this.gatewayCounters(gateway).publish_denied++;
        const err = brokerErrors.PUBLISH_DENIED({ gateway: gateway ?? '(unknown)', topic: packet.topic });
        this.warnOnce(`pub:${gateway}:${packet.topic}`, err, { client: client?.id });
        return done(err);
      }
      // Only status is retained (its last value is the gateway's state); a
      // retained batch would be replayed to every new subscriber.
      if (!packet.topic.endsWith('/status')) packet.retain = false;
      done(null);
    };

    aedes.authorizeSubscribe = (client, sub, done) => {
      if (this.anonymousClients.has(client)) {
        if (mayReadPublic(sub.topic)) return done(null, sub);
        this.subscribeDenied++;
        this.anonymous.subscribe_denied++;
        this.warnOnce(`anon-sub:${sub.topic}`, feedErrors.ANONYMOUS_SUBSCRIBE_DENIED({ client: client.id, topic: sub.topic }), { client: client.id });
        return done(null, null);
      }
      const gateway = this.gatewayOf.get(client);
      if (gateway === undefined || !maySubscribe(gateway, sub.topic)) {
        this.subscribeDenied++;
        if (gateway !== undefined) this.gatewayCounters(gateway).subscribe_denied++;
        this.warnOnce(`sub:${gateway}:${sub.topic}`, brokerErrors.SUBSCRIBE_DENIED({ gateway: gateway ?? '(unknown)', topic: sub.topic }), {
          client: client.id,
        });
        // A null subscription is refused with SUBACK 0x80 (MQTT-3.9.3) and the connection stays up.
        return done(null, null);
      }
      done(null, sub);
    };

    aedes.on('clientReady', (client) => {
      const gateway = this.gatewayOf.get(client);
      if (gateway === undefined) return;
      const clients = this.clientsOf.get(gateway) ?? new Set<Client>();
      clients.add(client);
      this.clientsOf.set(gateway, clients);
    });
    aedes.on('clientDisconnect', (client) => {
      const gateway = this.gatewayOf.get(client);
      const clients = gateway === undefined ? undefined : this.clientsOf.get(gateway);
      clients?.delete(client);
      if (clients?.size === 0) this.clientsOf.delete(gateway!);
    });
    aedes.on('clientError', (client, err) => {
      options.logger.debug({ client: client.id, err: err.message }, 'mqtt client error');
    });
  }

  get url(): string {
    if (!this.address) throw new Error('broker not started');
    return urlOf('mqtt', this.address);
  }

  get tlsUrl(): string | undefined {
    return this.tlsAddress && urlOf('mqtts', this.tlsAddress);
  }

  /**
   * An anonymous client may not use a gateway's client id: aedes would end
   * the gateway's session in its favour (MQTT-3.1.4-2), a cheap way to cut a
   * gateway off. Nor may it keep a session (clean session 0): the broker
   * would queue every public reading for it while it is away.
   */
  private admitAnonymous(client: Client): [AuthenticateError | null, boolean] {
    const taken = this.options.registry.getGateway(client.id) !== undefined
      || [...this.clientsOf.values()].some((clients) => [...clients].some((c) => c.id === client.id));
    if (!taken && client.clean) {
      this.anonymousClients.add(client);
      this.anonymous.connections++;
      return [null, true];
    }
    this.anonymous.refused++;
    const err = (taken ? feedErrors.ANONYMOUS_CLIENT_ID_TAKEN({ clientId: client.id }) : feedErrors.ANONYMOUS_SESSION_REFUSED({ clientId: client.id })) as unknown as AuthenticateError;
    this.warnOnce(`anon-refused:${client.id}`, err, { client: client.id });
    // CONNACK 2 is also what MQTT-3.1.3-8 prescribes for a session a server will not keep.
    err.returnCode = IDENTIFIER_REJECTED;
    return [err, false];
  }

  private gatewayCounters(gateway: string): GatewayCounters {
    let c = this.perGateway.get(gateway);
    if (!c) {
      c = { auth_refused: 0, publish_denied: 0, subscribe_denied: 0 };
      this.perGateway.set(gateway, c);
    }
    return c;
  }

  private warnOnce(key: string, err: Error & { code?: string }, fields: Record<string, unknown>): void {
    // One line per distinct refusal; a misconfigured agent retrying every second must not flood the log.
    if (!this.logOnce.first(key)) return;
    this.options.logger.warn({ ...fields, code: err.code }, err.message);
  }

  async start(): Promise<void> {
    const { port, tls } = this.options;
    const plain = await this.listen(createServer((socket) => this.accept(socket, socket.remoteAddress)), 'MQTT', port);
    this.address = plain.address() as AddressInfo;
    if (tls) {
      // TLS errors (a client that does not trust the certificate) end that socket only; they are counted by the client side.
      const secure = createTlsServer({ cert: tls.cert, key: tls.key }, (socket) => this.accept(socket, socket.remoteAddress));
      secure.on('tlsClientError', (err) => this.options.logger.debug({ err: err.message }, 'TLS handshake failed'));
      this.tlsAddress = (await this.listen(secure, 'MQTT over TLS', tls.port)).address() as AddressInfo;
    }
  }

  private async listen<S extends Server>(server: S, what: string, port: number): Promise<S> {
    const { host } = this.options;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(cloudErrors.LISTEN_FAILED({ what, host, port, reason: err.message }, { cause: err })));
      server.listen(port, host, () => resolve());
    });
    this.servers.push(server);
    return server;
  }

  acceptStream(stream: Duplex, remote: string | undefined): void {
    this.accept(stream, remote);
  }

  private accept(socket: Duplex, remote: string | undefined): void {
    const { maxPacketBytes, logger } = this.options;
    this.connections++;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    const guarded = guardPacketSize(socket, maxPacketBytes, (bytes) => {
      this.oversizedPackets++;
      const err = brokerErrors.PACKET_TOO_LARGE({ bytes, limit: maxPacketBytes, remote });
      logger.warn({ code: err.code }, err.message);
    });
    this.aedes.handle(guarded);
  }

  subscribe(topicFilter: string, handler: MessageHandler): Promise<void> {
    return new Promise((resolve) => {
      this.aedes.subscribe(
        topicFilter,
        (packet: AedesPublishPacket, cb: () => void) => {
          handler(packet.topic, packet.payload as Buffer);
          cb();
        },
        resolve,
      );
    });
  }

  publish(topic: string, payload: string, qos: 0 | 1, options?: { retain?: boolean }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: options?.retain ?? false, dup: false }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  disconnectGateway(gateway: string): void {
    for (const client of this.clientsOf.get(gateway) ?? []) client.close();
  }

  async stopAccepting(): Promise<void> {
    const servers = this.servers;
    if (servers.length === 0) return;
    this.servers = [];
    // Resolves once the connected gateways are gone too, which close() brings about.
    this.serverClosed = Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => undefined);
  }

  async close(): Promise<void> {
    await this.stopAccepting();
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await this.serverClosed;
  }

  stats(): BrokerStats {
    return {
      connections: this.connections,
      connected: this.aedes.connectedClients,
      auth_refused: this.authRefusals.total,
      auth_refused_by_reason: this.authRefusals.toJSON(),
      publish_denied: this.publishDenied,
      subscribe_denied: this.subscribeDenied,
      oversized_packets: this.oversizedPackets,
      per_gateway: Object.fromEntries(this.perGateway),
      ...(this.options.anonymousReaders ? { anonymous: { ...this.anonymous } } : {}),
    };
  }
}

/**
 * The embedded aedes broker with per-gateway authentication and ACL.
 * Lifecycle: resolves unstarted; `start()` listens on TCP; `stopAccepting()`
 * refuses new connections; `close()` disconnects every client and releases
 * the port.
 */
export async function embeddedBroker(options: EmbeddedBrokerOptions): Promise<CloudBroker> {
  const aedes = await Aedes.createBroker();
  return new EmbeddedBroker(aedes, {
    ...options,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 1883,
    maxPacketBytes: options.maxPacketBytes ?? MAX_BATCH_BYTES + 64 * 1024,
  });
}

/** The URL clients on this machine use: a wildcard listen address is not something to connect to, so loopback. */
function urlOf(scheme: 'mqtt' | 'mqtts', { address, family, port }: AddressInfo): string {
  const local = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return `${scheme}://${family === 'IPv6' ? `[${local}]` : local}:${port}`;
}
