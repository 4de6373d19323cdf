import { randomBytes } from 'node:crypto';
import { provisioningErrors } from '../../errors.ts';
import { ClaimCodes, type IssuedClaim } from '../../registry/claim-codes.ts';
import type { Registry } from '../../registry/registry.ts';
import { hashSecret } from '../../registry/secret-hash.ts';
import { Tally } from '../../shared/tally.ts';

const REFUSALS = [
  provisioningErrors.CLAIM_MALFORMED,
  provisioningErrors.CLAIM_UNKNOWN,
  provisioningErrors.CLAIM_USED,
  provisioningErrors.CLAIM_EXPIRED,
  provisioningErrors.GATEWAY_UNKNOWN,
];

export interface GatewayCredentials {
  gateway: string;
  mqtt_url: string;
  username: string;
  password: string;
  devices: Array<{ device: string; profile: string; name: string; site: string; street?: string }>;
}

export interface ProvisioningStats {
  claims_issued: number;
  claims_redeemed: number;
  /** Refused redemptions by error code; a steady rise means someone is guessing codes. */
  claims_refused_by_reason: Record<string, number>;
}

/**
 * Issues and redeems claim codes against the registry.
 *
 * Lifecycle: built once per cloud with the open registry and claim-code
 * store; `redeem` replaces the gateway's secret, so the previous password of
 * that gateway stops working at its next MQTT login.
 */
export class Provisioning {
  private issued = 0;
  private redeemed = 0;
  private readonly refused = new Tally(REFUSALS.map((e) => e.code));

  constructor(
    private readonly registry: Registry,
    private readonly claims: ClaimCodes,
    /** The broker's URL once listening; its host is replaced by the one the technician reached. */
    private readonly mqttUrl: () => string,
    /** Random token of the admin routes (see admin-file.ts). */
    readonly adminToken: string,
  ) {}

  /** The admin function behind `zenne-cloud claim`. */
  async issueClaim(gateway: string, ttlMs: number): Promise<IssuedClaim> {
    if (!this.registry.getGateway(gateway)) throw provisioningErrors.GATEWAY_UNKNOWN({ gateway });
    const claim = await this.claims.issue(gateway, ttlMs);
    this.issued++;
    return claim;
  }

  /** Redeems a code: a fresh secret for its gateway, stored as a scrypt hash; the clear one is returned once. */
  async redeem(code: string, reachedHost: string): Promise<GatewayCredentials> {
    try {
      const credentials = await this.claims.redeem(code, async (gatewayId) => {
        const gateway = this.registry.getGateway(gatewayId);
        if (!gateway) throw provisioningErrors.GATEWAY_UNKNOWN({ gateway: gatewayId });
        const password = randomBytes(32).toString('base64url');
        await this.registry.apply({ sites: [], gateways: [{ ...gateway, secret_hash: await hashSecret(password) }], devices: [] });
        const mqtt = new URL(this.mqttUrl());
        mqtt.hostname = reachedHost;
        return {
          gateway: gatewayId,
          mqtt_url: mqtt.toString().replace(/\/$/, ''),
          username: gatewayId,
          password,
          devices: this.registry
            .listDevices()
            .filter((d) => d.gateway === gatewayId)
            .map((d) => ({ device: d.id, profile: d.profile, name: d.name, site: d.site, ...(d.street ? { street: d.street } : {}) })),
        };
      });
      this.redeemed++;
      return credentials;
    } catch (err) {
      const refusal = REFUSALS.find((e) => e.is(err));
      if (refusal) this.refused.add(refusal.code);
      throw err;
    }
  }

  stats(): ProvisioningStats {
    return { claims_issued: this.issued, claims_redeemed: this.redeemed, claims_refused_by_reason: this.refused.toJSON() };
  }
}
