import type { ConditionKind, Observation } from './condition.ts';

/**
 * A gateway whose retained status says `offline`. The offline time is the
 * cloud's arrival time, not the status `ts`: the last will carrying that
 * status is composed when the gateway connects (MQTT 3.1.1 §3.1.2.5), so its
 * `ts` is the start of the session that just died.
 */
export const gatewayOffline: ConditionKind<'gateway_offline'> = {
  kind: 'gateway_offline',
  readsReadings: false,
  create(rule) {
    // Map(gateway id -> arrival time in ms of the offline status)
    const offlineSince = new Map<string, number>();
    const observe = (gateway: string, since: number, at: number): Observation => ({
      subject: { gateway },
      level: 'raise',
      at,
      since,
      message: `gateway ${gateway} offline since ${new Date(since).toISOString()}`,
    });
    return {
      status(s, receivedAt) {
        if (rule.gateway !== undefined && s.gateway !== rule.gateway) return undefined;
        if (s.state === 'online') {
          offlineSince.delete(s.gateway);
          return { subject: { gateway: s.gateway }, level: 'clear', at: receivedAt, message: `gateway ${s.gateway} online` };
        }
        const since = offlineSince.get(s.gateway) ?? receivedAt;
        offlineSince.set(s.gateway, since);
        return observe(s.gateway, since, receivedAt);
      },
      tick(now) {
        return [...offlineSince].map(([gateway, since]) => observe(gateway, since, now));
      },
    };
  },
};
