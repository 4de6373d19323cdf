import { parseGatewayTopic, topics, type GatewayTopicKind } from '@zenne/device-profiles';

// docs/architecture.md "MQTT": what a gateway may do under its own prefix.
const PUBLISHABLE: ReadonlySet<GatewayTopicKind> = new Set(['readings', 'status', 'events', 'config/reported', 'commands/result']);
const SUBSCRIBABLE: ReadonlySet<GatewayTopicKind> = new Set(['ack', 'config/desired', 'commands']);

/** True when `gateway` may publish on `topic`: its own readings, status, events, config/reported or commands/result. */
export function mayPublish(gateway: string, topic: string): boolean {
  const t = parseGatewayTopic(topic);
  return t !== null && t.gateway === gateway && PUBLISHABLE.has(t.kind);
}

/**
 * True when `gateway` may subscribe to `filter`. Only its own exact topics
 * are allowed: a wildcard filter (`zenne/v1/gw/+/ack`) could match another
 * gateway's topics, and parseGatewayTopic refuses `+` and `#` in the id.
 */
export function maySubscribe(gateway: string, filter: string): boolean {
  const t = parseGatewayTopic(filter);
  return t !== null && t.gateway === gateway && SUBSCRIBABLE.has(t.kind);
}

/** `zenne/v1/public/`: the only tree anonymous clients may read (topics.publicReading). */
export const PUBLIC_PREFIX = topics.publicReading('', '').slice(0, -1);

/**
 * True when an anonymous client may subscribe to `filter`: the literal public
 * prefix first, so any wildcard after it stays inside the public tree
 * (`+/v1/public/#` or `$share/...` are refused).
 */
export function mayReadPublic(filter: string): boolean {
  return filter.startsWith(PUBLIC_PREFIX);
}
