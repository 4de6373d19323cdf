import { registryErrors } from '../errors.ts';
import type { Gateway, Registry } from './registry.ts';
import { hashSecret, newGatewaySecret } from './secret-hash.ts';

/** A gateway's MQTT login, returned once when its secret is made; only the hash is kept. */
export interface IssuedCredentials {
  gateway: string;
  username: string;
  password: string;
}

function existing(registry: Registry, id: string): Gateway {
  const gateway = registry.getGateway(id);
  if (!gateway) throw registryErrors.NOT_FOUND({ kind: 'gateway', id, path: 'gateways' });
  return gateway;
}

/** A fresh secret for `gateway`, not revoked; `seeded_hash` is kept, so a seed file no longer overrides the new secret. */
async function issue(registry: Registry, gateway: Pick<Gateway, 'id' | 'site' | 'seeded_hash'>): Promise<IssuedCredentials> {
  const password = newGatewaySecret();
  const { id, site, seeded_hash } = gateway;
  await registry.apply({ gateways: [{ id, site, secret_hash: await hashSecret(password), ...(seeded_hash === undefined ? {} : { seeded_hash }) }] });
  return { gateway: id, username: id, password };
}

/** Registers a new gateway of an existing site with a fresh secret. */
export async function createGateway(registry: Registry, id: string, site: string): Promise<IssuedCredentials> {
  if (registry.getGateway(id)) throw registryErrors.ALREADY_EXISTS({ kind: 'gateway', id });
  if (!registry.getSite(site)) throw registryErrors.NOT_FOUND({ kind: 'site', id: site, path: 'sites' });
  return issue(registry, { id, site });
}

/**
 * Replaces the gateway's secret with a fresh one and lifts a revocation.
 * Once it resolves the old secret is refused, and the registry's gateway
 * listeners (the broker) have closed the sessions opened with it.
 */
export async function rotateGatewaySecret(registry: Registry, id: string): Promise<IssuedCredentials> {
  return issue(registry, existing(registry, id));
}

/**
 * Revokes the gateway: every login is refused until its secret is rotated,
 * and its open sessions are closed once this resolves. Revoking again keeps
 * the first revocation time.
 */
export async function revokeGateway(registry: Registry, id: string, now = new Date()): Promise<Gateway & { revoked_at: string }> {
  const gateway = existing(registry, id);
  if (gateway.revoked_at !== undefined) return { ...gateway, revoked_at: gateway.revoked_at };
  const revoked = { ...gateway, revoked_at: now.toISOString() };
  await registry.apply({ gateways: [revoked] });
  return revoked;
}
