/**
 * MQTT topic tree, version 1. Gateways publish under their own prefix only
 * (the broker's ACL enforces it); the cloud answers on `.../ack` and sends commands on `.../commands`.
 */
export const TOPIC_ROOT = 'zenne/v1';

export const topics = {
  readings: (gateway: string) => `${TOPIC_ROOT}/gw/${gateway}/readings`,
  status: (gateway: string) => `${TOPIC_ROOT}/gw/${gateway}/status`,
  events: (gateway: string) => `${TOPIC_ROOT}/gw/${gateway}/events`,
  configReported: (gateway: string) => `${TOPIC_ROOT}/gw/${gateway}/config/reported`,
  configDesired: (gateway: string) => `${TOPIC_ROOT}/gw/${gateway}/config/desired`,
  ack: (gateway: string) => `${TOPIC_ROOT}/gw/${gateway}/ack`,
  commands: (gateway: string) => `${TOPIC_ROOT}/gw/${gateway}/commands`,
  commandResults: (gateway: string) => `${TOPIC_ROOT}/gw/${gateway}/commands/result`,
  publicReading: (quantity: string, device: string) => `${TOPIC_ROOT}/public/${quantity}/${device}`,
} as const;

export type GatewayTopicKind =
  | 'readings'
  | 'status'
  | 'events'
  | 'config/reported'
  | 'config/desired'
  | 'ack'
  | 'commands'
  | 'commands/result';

/** Splits `zenne/v1/gw/{gateway}/{kind}`; returns null for any other topic. */
export function parseGatewayTopic(topic: string): { gateway: string; kind: GatewayTopicKind } | null {
  const m = /^zenne\/v1\/gw\/([^/+#]+)\/(readings|status|events|config\/reported|config\/desired|ack|commands|commands\/result)$/.exec(topic);
  if (!m) return null;
  return { gateway: m[1]!, kind: m[2] as GatewayTopicKind };
}
