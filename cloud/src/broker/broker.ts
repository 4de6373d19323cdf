import type { Duplex } from 'node:stream';

/** Called for each message published on a subscribed topic; must not throw. */
export type MessageHandler = (topic: string, payload: Buffer) => void;

export interface BrokerStats {
  /** TCP connections accepted since start. */
  connections: number;
  /** MQTT clients connected now. */
  connected: number;
  auth_refused: number;
  auth_refused_by_reason: Record<string, number>;
  publish_denied: number;
  subscribe_denied: number;
  oversized_packets: number;
  per_gateway: Record<string, { auth_refused: number; publish_denied: number; subscribe_denied: number }>;
  /** Clients without credentials (public feed readers; embedded broker only); their refusals are in the totals above too. */
  anonymous?: { connections: number; refused: number; publish_denied: number; subscribe_denied: number };
}

/**
 * The MQTT side of the cloud as ingest sees it: internal subscriptions and
 * publishes that bypass the gateway ACL.
 *
 * Lifecycle: `start()` accepts gateway connections; `stopAccepting()`
 * refuses new ones while connected gateways can still receive acks;
 * `close()` disconnects everyone and frees the port.
 */
export interface CloudBroker {
  /** `mqtt://host:port` once started. */
  readonly url: string;
  /** `mqtts://host:port` once started, when a TLS listener was configured. */
  readonly tlsUrl?: string;
  start(): Promise<void>;
  /** Delivers every message matching `topicFilter` (MQTT wildcards) to `handler`, in arrival order. */
  subscribe(topicFilter: string, handler: MessageHandler): Promise<void>;
  /** Publishes as the cloud itself (acks, desired config; retained: the public feed's last values). */
  publish(topic: string, payload: string, qos: 0 | 1, options?: { retain?: boolean }): Promise<void>;
  /**
   * Serves one MQTT connection arriving over another transport (MQTT over
   * WebSocket); same authentication, ACL and packet size limit as TCP.
   * Absent when the broker is not embedded.
   */
  acceptStream?(stream: Duplex, remote: string | undefined): void;
  /**
   * Closes the connections of `gateway`. A gateway resends unacknowledged
   * batches when it reconnects, so this is how ingest asks for a resend.
   */
  disconnectGateway(gateway: string): void;
  stopAccepting(): Promise<void>;
  close(): Promise<void>;
  stats(): BrokerStats;
}
