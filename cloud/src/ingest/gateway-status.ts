import { gatewayStatusSchema, parseGatewayTopic, topics, type GatewayStatus } from '@zenne/device-profiles';
import type { CloudBroker } from '../broker/broker.ts';

export interface GatewayStatusStats {
  /** Last valid status per gateway (retained by the gateway; its last will says `offline`). */
  gateways: Record<string, GatewayStatus>;
  /** Status messages that were not JSON or broke gatewayStatusSchema, or named another gateway. */
  invalid: number;
}

/**
 * Keeps the last status each gateway published on `zenne/v1/gw/{gw}/status`,
 * for `/api/v1/stats`. Lifecycle: `start()` subscribes; nothing to stop (the
 * broker's close ends the subscription).
 */
export class GatewayStatusBoard {
  // Map(gateway id -> its last valid status); only authenticated gateways can publish here.
  private readonly last = new Map<string, GatewayStatus>();
  private invalid = 0;
  private readonly listeners = new Set<(status: GatewayStatus) => void>();

  constructor(private readonly broker: CloudBroker) {}

  async start(): Promise<void> {
    await this.broker.subscribe(topics.status('+'), (topic, payload) => this.receive(topic, payload));
  }

  private receive(topic: string, payload: Buffer): void {
    const gateway = parseGatewayTopic(topic)?.gateway;
    let parsed: ReturnType<typeof gatewayStatusSchema.safeParse> | undefined;
    try {
      parsed = gatewayStatusSchema.safeParse(JSON.parse(payload.toString('utf8')));
    } catch {
      parsed = undefined;
    }
    if (!gateway || !parsed?.success || parsed.data.gateway !== gateway) {
      this.invalid++;
      return;
    }
    this.last.set(gateway, parsed.data);
    for (const listener of this.listeners) listener(parsed.data);
  }

  /** Calls `listener` (which must not throw) with every valid status, after it is recorded. Returns the unsubscribe function. */
  onStatus(listener: (status: GatewayStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): GatewayStatusStats {
    return { gateways: Object.fromEntries(this.last), invalid: this.invalid };
  }
}
