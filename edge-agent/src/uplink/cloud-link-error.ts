import type { ZenneError } from '@zenne/device-profiles';
import { agentErrors } from '../errors.ts';

export type OutageKind = 'auth' | 'unreachable';

/** A refused login: MQTT 3.1.1 CONNACK 4/5 (§3.2.2.3), MQTT 5 reason codes 134/135. */
function isAuthError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 4 || code === 5 || code === 134 || code === 135;
}

/**
 * Turns an MQTT client error into the error a technician reads: refused
 * credentials (re-provision) or an unreachable cloud (network), with the kind
 * of outage so that each uplink logs a new outage once, not every retry.
 */
export function cloudLinkError(err: unknown, link: { url: string; gateway: string }): { error: ZenneError; kind: OutageKind } {
  const details = { ...link, reason: err instanceof Error ? err.message : String(err) };
  return isAuthError(err)
    ? { error: agentErrors.CLOUD_AUTH(details, { cause: err }), kind: 'auth' }
    : { error: agentErrors.CLOUD_UNAVAILABLE(details, { cause: err }), kind: 'unreachable' };
}
