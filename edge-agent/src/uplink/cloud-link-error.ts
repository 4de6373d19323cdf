import type { ZenneError } from '@zenne/device-profiles';
import { agentErrors } from '../errors.ts';

export type OutageKind = 'auth' | 'certificate' | 'unreachable';

// OpenSSL verification errors as Node reports them (`err.code`); the time ones usually mean a wrong gateway clock.
const CERT_TIME_CODES = new Set(['CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED']);
const CERT_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A refused login: MQTT 3.1.1 CONNACK 4/5 (§3.2.2.3), MQTT 5 reason codes 134/135. */
function isAuthError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 4 || code === 5 || code === 134 || code === 135;
}

/**
 * Turns an MQTT client error into the error a technician reads: refused
 * credentials (re-provision), an untrusted or not-yet/no-longer valid TLS
 * certificate (CA file, host name, clock) or an unreachable cloud (network), with the kind
 * of outage so that each uplink logs a new outage once, not every retry.
 */
export function cloudLinkError(err: unknown, link: { url: string; gateway: string }): { error: ZenneError; kind: OutageKind } {
  const details = { ...link, reason: err instanceof Error ? err.message : String(err) };
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  if (CERT_TIME_CODES.has(code)) {
    return { error: agentErrors.CLOUD_CERTIFICATE_TIME({ ...details, now: new Date().toISOString() }, { cause: err }), kind: 'certificate' };
  }
  if (CERT_TRUST_CODES.has(code)) return { error: agentErrors.CLOUD_CERTIFICATE(details, { cause: err }), kind: 'certificate' };
  return isAuthError(err)
    ? { error: agentErrors.CLOUD_AUTH(details, { cause: err }), kind: 'auth' }
    : { error: agentErrors.CLOUD_UNAVAILABLE(details, { cause: err }), kind: 'unreachable' };
}
