import mqtt, { type MqttClient } from 'mqtt';
import { createBackoff } from '../backoff.ts';
import type { CloudLink } from '../config/index.ts';
import type { Logger } from '../logger.ts';
import { cloudLinkError, type OutageKind } from './cloud-link-error.ts';
import type { UplinkState, UplinkStats } from './uplink-stats.ts';

const RECONNECT_INITIAL_MS = 500;
const STOP_TIMEOUT_MS = 2000;

/** What an uplink adds to the session: its will, its subscriptions, and what to do once connected. */
export interface SessionHooks {
  /** Runs before each attempt (Sparkplug advances its bdSeq here). */
  prepare?(): Promise<void>;
  will(): { topic: string; payload: Buffer; retain: boolean };
  /** Subscribed (QoS 1) before `connected` runs. */
  subscriptions(): string[];
  /** The attempt succeeded and the subscriptions hold; `client` is the session's client until it closes. */
  connected(client: MqttClient): void;
  message(topic: string, payload: Buffer): void;
  /** Extra fields for the "cloud connected" / "recovered" log line. */
  logFields?(): Record<string, unknown>;
}

export interface MqttSessionOptions {
  /** MQTT client id. */
  gateway: string;
  cloud: CloudLink;
  reconnectMaxMs: number;
  logger: Logger;
  /** Buffer depth, logged with a new outage. */
  depth: () => number;
  hooks: SessionHooks;
}

/**
 * The connection lifecycle both uplinks share: every attempt is a fresh
 * clean-session client (mqtt.js reconnection is off) with the hooks' will;
 * after a failure or a lost connection the next attempt waits a jittered,
 * growing backoff. An outage is logged once when it starts (and again only
 * when its kind changes: unreachable vs. refused login) and once when the
 * connection is back.
 *
 * Lifecycle: start() once; stop(farewell) runs `farewell` on a live
 * connection (bounded to 2 s), ends the client and resolves; no hook runs
 * after stop() began.
 */
export class MqttSession {
  state: UplinkState = 'offline';
  connectedSince: Date | null = null;
  /** The last problem of the link (or of the uplink using it), for status output; cleared on connect. */
  lastError: string | null = null;
  private current: MqttClient | undefined;
  private readonly backoff;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private outage: OutageKind | undefined;
  private stopping = false;

  constructor(private readonly options: MqttSessionOptions) {
    this.backoff = createBackoff({ initialMs: RECONNECT_INITIAL_MS, maxMs: options.reconnectMaxMs });
  }

  /** The client while connected, else undefined. */
  get client(): MqttClient | undefined {
    return this.state === 'connected' ? this.current : undefined;
  }

  /** True while `client` is still the session's live client (a callback from an older attempt is not). */
  isCurrent(client: MqttClient): boolean {
    return this.current === client && this.state === 'connected';
  }

  start(): void {
    void this.connect();
  }

  /** The uplink stats: the link's part from here, the batches' part from the uplink using it. */
  stats(batches: Pick<UplinkStats, 'in_flight' | 'counters'> & { lastAckAt: Date | null }): UplinkStats {
    return {
      state: this.state,
      url: this.options.cloud.mqtt_url,
      connected_since: this.connectedSince?.toISOString() ?? null,
      last_ack_at: batches.lastAckAt?.toISOString() ?? null,
      last_error: this.lastError,
      in_flight: batches.in_flight,
      counters: structuredClone(batches.counters),
    };
  }

  async stop(farewell?: (client: MqttClient) => Promise<unknown>): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    const client = this.current;
    this.current = undefined;
    if (client?.connected && farewell) {
      const done = farewell(client).then(() => client.endAsync());
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)))]);
      clearTimeout(timer);
    }
    // Already ended above unless the broker did not answer in time.
    await client?.endAsync(true).catch(() => undefined);
    this.state = 'stopped';
  }

  private async connect(): Promise<void> {
    const { hooks, cloud, gateway } = this.options;
    await hooks.prepare?.();
    if (this.stopping) return;
    this.state = 'connecting';
    const will = hooks.will();
    const client = mqtt.connect(cloud.mqtt_url, {
      clientId: gateway,
      username: cloud.username,
      password: cloud.password,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      keepalive: 30,
      will: { ...will, qos: 1 },
      ...(cloud.ca ? { ca: cloud.ca } : {}),
    });
    this.current = client;
    client.on('connect', () => void this.onConnect(client));
    client.on('message', (topic, payload) => {
      if (this.current === client) hooks.message(topic, payload);
    });
    client.on('error', (err) => this.onError(err));
    client.on('close', () => this.onClose(client));
  }

  private async onConnect(client: MqttClient): Promise<void> {
    try {
      await client.subscribeAsync(this.options.hooks.subscriptions(), { qos: 1 });
    } catch (err) {
      this.onError(err);
      client.end(true);
      return;
    }
    if (this.current !== client || this.stopping) return;
    this.backoff.reset();
    this.state = 'connected';
    this.connectedSince = new Date();
    this.lastError = null;
    const fields = { url: this.options.cloud.mqtt_url, ...this.options.hooks.logFields?.() };
    if (this.outage) this.options.logger.info(fields, 'cloud connection recovered');
    else this.options.logger.info({ ...fields, depth: this.options.depth() }, 'cloud connected');
    this.outage = undefined;
    this.options.hooks.connected(client);
  }

  private onError(err: unknown): void {
    if (this.stopping) return;
    const { error, kind } = cloudLinkError(err, { url: this.options.cloud.mqtt_url, gateway: this.options.gateway });
    this.lastError = error.message;
    if (this.outage !== kind) {
      this.outage = kind;
      this.options.logger.warn({ code: error.code, hint: error.hint, depth: this.options.depth() }, error.message);
    } else {
      this.options.logger.debug({ code: error.code }, error.message);
    }
  }

  private onClose(client: MqttClient): void {
    if (this.current !== client) return;
    this.current = undefined;
    client.end(true);
    if (this.stopping) return;
    if (this.state === 'connected') {
      this.connectedSince = null;
      this.onError(new Error('connection lost'));
    } else if (!this.outage) {
      this.onError(new Error('connection closed before it was accepted'));
    }
    this.state = 'offline';
    this.reconnectTimer = setTimeout(() => void this.connect(), this.backoff.next());
  }
}
