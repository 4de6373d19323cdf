import { createHash } from 'node:crypto';
import type { Registry } from '../registry/registry.ts';
import { verifySecret } from '../registry/secret-hash.ts';

/** Why a login is refused; the broker counts each under `auth_refused_by_reason`. */
export const AUTH_REFUSALS = ['missing_credentials', 'unknown_gateway', 'revoked_gateway', 'bad_password'] as const;
export type AuthRefusal = (typeof AUTH_REFUSALS)[number];

export interface GatewayAuthenticatorOptions {
  /** How long a verified secret is trusted without re-running scrypt (ms). */
  cacheTtlMs?: number;
  now?: () => number;
}

/**
 * Checks MQTT credentials against the registry: username = gateway id,
 * password = the secret whose scrypt hash the registry holds.
 *
 * scrypt costs ~50 ms of CPU by design; a fleet reconnecting after a broker
 * restart would queue behind it, so a verified (gateway, secret) pair is
 * remembered briefly, as a SHA-256 digest, never in clear. A changed hash in
 * the registry invalidates the entry at once. A revoked gateway is refused
 * before any scrypt work, whatever password it presents.
 */
export function createGatewayAuthenticator(registry: Registry, options: GatewayAuthenticatorOptions = {}) {
  const ttl = options.cacheTtlMs ?? 60_000;
  const now = options.now ?? Date.now;
  // Map(gateway id -> { digest of the verified secret, the hash it matched, expiry ms })
  const verified = new Map<string, { digest: string; hash: string; expires: number }>();

  return async function authenticate(username: string | undefined, password: Buffer | undefined): Promise<AuthRefusal | null> {
    if (!username || !password || password.length === 0) return 'missing_credentials';
    const gateway = registry.getGateway(username);
    if (!gateway) return 'unknown_gateway';
    if (gateway.revoked_at !== undefined) return 'revoked_gateway';
    const digest = createHash('sha256').update(password).digest('hex');
    const cached = verified.get(username);
    if (cached && cached.digest === digest && cached.hash === gateway.secret_hash && cached.expires > now()) return null;
    if (!(await verifySecret(password, gateway.secret_hash))) return 'bad_password';
    verified.set(username, { digest, hash: gateway.secret_hash, expires: now() + ttl });
    return null;
  };
}
