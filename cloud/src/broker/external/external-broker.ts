import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { topics } from '@zenne/device-profiles';
import { brokerErrors } from '../../errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { BrokerStats, CloudBroker, MessageHandler } from '../broker.ts';
import { sharedFilter, topicMatches } from './topic-filter.ts';

export interface ExternalBrokerOptions {
  /** `mqtt://host:port` or `mqtts://host:port` of Mosquitto, EMQX, ... */
  url: string;
  logger: Logger;
  username?: string;
  password?: string;
  /** Must differ between workers: a broker drops the older of two sessions with one client id. */
  clientId: string;
  /** Shared-subscription group of the readings filter; every worker of one group gets a share of the batches. */
  shareGroup: string;
  /** 5 (default) or 4 (MQTT 3.1.1; Mosquitto 2 and EMQX accept `$share` from it). */
  protocolVersion?: 4 | 5;
  /** Delay between reconnection attempts (ms). */
  reconnectMs?: number;
}

interface Subscription {
  filter: string;
  handler: MessageHandler;
}

// CONNACK codes that no retry will fix: MQTT 3.1.1 §3.2.2.3 (4, 5) and MQTT 5.0 §3.2.2.2 (134, 135).
const LOGIN_REFUSED = new Set([4, 5, 134, 135]);

/** Readings are split between the workers; everything else (status, command results) reaches every worker. */
function isShared(filter: string): boolean {
  return filter === topics.readings('+');
}

class ExternalBroker implements CloudBroker {
  private client: MqttClient | undefined;
  private readonly subscriptions: Subscription[] = [];
  private connects = 0;
  private unavailable = false;

  constructor(private readonly options: Required<Pick<ExternalBrokerOptions, 'protocolVersion' | 'reconnectMs'>> & ExternalBrokerOptions) {}

  get url(): string {
    return this.options.url;
  }

  /** What the broker is asked for: the readings filter as a shared subscription. */
  private wireFilter(filter: string): string {
    return isShared(filter) ? sharedFilter(this.options.shareGroup, filter) : filter;
  }

  async start(): Promise<void> {
    const { url, username, password, clientId, protocolVersion, reconnectMs, logger } = this.options;
    const connectOptions: IClientOptions = {
      clientId,
      username,
      password,
      protocolVersion,
      // A clean session: a dead worker's share of the batches must go to the live ones, not be queued for it.
      // The gateways resend what was in flight to it, since its acks never come.
      clean: true,
      reconnectPeriod: reconnectMs,
      resubscribe: true,
      ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0 } } : {}),
    };
    const client = mqtt.connect(url, connectOptions);
    this.client = client;
    client.on('message', (topic, payload) => {
      for (const s of this.subscriptions) if (topicMatches(s.filter, topic)) s.handler(topic, payload);
    });
    client.on('connect', () => {
      this.connects++;
      if (this.unavailable) {
        this.unavailable = false;
        logger.info({ url }, 'external broker recovered');
      }
    });
    client.on('error', (err: Error & { code?: number }) => this.markUnavailable(err));
    client.on('offline', () => this.markUnavailable(new Error('connection lost')));

    await new Promise<void>((resolve, reject) => {
      const onConnect = () => {
        client.off('error', onError);
        resolve();
      };
      const onError = (err: Error & { code?: number }) => {
        if (err.code === undefined || !LOGIN_REFUSED.has(err.code)) return;
        client.off('connect', onConnect);
        client.end(true);
        reject(brokerErrors.EXTERNAL_LOGIN_REFUSED({ url, username: username ?? '', reason: err.message }, { cause: err }));
      };
      client.once('connect', onConnect);
      client.on('error', onError);
    });
    for (const s of this.subscriptions) await this.subscribeOnWire(s.filter);
  }

  private markUnavailable(cause: Error & { code?: number }): void {
    if (this.unavailable) return;
    this.unavailable = true;
    const { url, username } = this.options;
    const err = cause.code !== undefined && LOGIN_REFUSED.has(cause.code)
      ? brokerErrors.EXTERNAL_LOGIN_REFUSED({ url, username: username ?? '', reason: cause.message })
      : brokerErrors.EXTERNAL_UNREACHABLE({ url, reason: cause.message });
    this.options.logger.warn({ code: err.code }, err.message);
  }

  private async subscribeOnWire(filter: string): Promise<void> {
    const wire = this.wireFilter(filter);
    const granted = await this.client!.subscribeAsync(wire, { qos: 1 });
    // A refused filter comes back as 0x80 (MQTT 3.1.1 §3.9.3) or a reason code >= 0x80 (MQTT 5.0 §3.9.3).
    if (granted.some((g) => g.qos >= 0x80)) throw brokerErrors.EXTERNAL_SUBSCRIBE_REFUSED({ filter: wire });
  }

  async subscribe(topicFilter: string, handler: MessageHandler): Promise<void> {
    this.subscriptions.push({ filter: topicFilter, handler });
    // Before start() the filter is recorded and subscribed at connect.
    if (this.client?.connected) await this.subscribeOnWire(topicFilter);
  }

  async publish(topic: string, payload: string, qos: 0 | 1, options: { retain?: boolean } = {}): Promise<void> {
    // Not queued while disconnected: an ack held back could outlive the worker, and the gateway resends anyway.
    if (!this.client?.connected) throw brokerErrors.EXTERNAL_UNREACHABLE({ url: this.options.url, reason: `not connected; ${topic} not published` });
    await this.client.publishAsync(topic, payload, { qos, retain: options.retain ?? false });
  }

  /**
   * The external broker owns the gateway connections, so this does nothing
   * but log: a gateway whose batch got no ack resends it after its ack
   * timeout instead.
   */
  disconnectGateway(gateway: string): void {
    this.options.logger.debug({ gateway }, 'cannot disconnect a gateway from an external broker; it resends on its ack timeout');
  }

  /** Leaves the share group, so new batches go to the other workers; acks can still be published. */
  async stopAccepting(): Promise<void> {
    const client = this.client;
    if (!client?.connected) return;
    const shared = this.subscriptions.filter((s) => isShared(s.filter)).map((s) => this.wireFilter(s.filter));
    if (shared.length > 0) await client.unsubscribeAsync(shared);
  }

  async close(): Promise<void> {
    const client = this.client;
    if (!client) return;
    await client.endAsync(!client.connected);
  }

  /** Refusals and connection counts of gateways are the external broker's to report; this is the worker's own link. */
  stats(): BrokerStats {
    return {
      connections: this.connects,
      connected: this.client?.connected ? 1 : 0,
      auth_refused: 0,
      auth_refused_by_reason: {},
      publish_denied: 0,
      subscribe_denied: 0,
      oversized_packets: 0,
      per_gateway: {},
    };
  }
}

/**
 * A CloudBroker that is a client of an external MQTT broker (Mosquitto,
 * EMQX). The readings filter is subscribed as a shared subscription
 * (`$share/<shareGroup>/zenne/v1/gw/+/readings`) so several ingest workers
 * split the batches; other filters are plain and reach every worker. Gateway
 * authentication and ACL are the external broker's job (see
 * `zenne-cloud mosquitto-auth`).
 *
 * Lifecycle: resolves unconnected; `start()` connects (rejects with
 * ZENNE_ERR_BROKER_EXTERNAL_LOGIN_REFUSED when the login is refused, keeps
 * retrying while the broker is unreachable) and subscribes what was asked
 * before; the client reconnects and resubscribes by itself afterwards.
 * `stopAccepting()` leaves the share group; `close()` disconnects.
 */
export function externalBroker(options: ExternalBrokerOptions): CloudBroker {
  return new ExternalBroker({ ...options, protocolVersion: options.protocolVersion ?? 5, reconnectMs: options.reconnectMs ?? 1000 });
}
