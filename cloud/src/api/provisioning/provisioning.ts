import { provisioningErrors } from '../../errors.ts';
import { ClaimCodes, type IssuedClaim } from '../../registry/claim-codes.ts';
import type { Registry } from '../../registry/registry.ts';
import { rotateGatewaySecret } from '../../registry/gateway-credentials.ts';
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
  /** `mqtts://` when the broker has a TLS listener. */
  mqtt_url: string;
  username: string;
  password: string;
  /** The development CA of the TLS listener, for the agent's `cloud.ca_file`; absent with a certificate of the user's own. */
  ca_pem?: string;
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
    /**
     * Where gateways connect once the broker listens: its TLS URL when there is
     * one (the host is replaced by the one the technician reached), and the
     * development CA they must trust, if that is what the listener uses.
     */
    private readonly link: () => { mqttUrl: string; caPem?: string },
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
        if (!this.registry.getGateway(gatewayId)) throw provisioningErrors.GATEWAY_UNKNOWN({ gateway: gatewayId });
        // A rotation: a fresh secret, a revocation lifted, and sessions with the old secret closed.
        const { password } = await rotateGatewaySecret(this.registry, gatewayId);
        const link = this.link();
        const mqtt = new URL(link.mqttUrl);
        mqtt.hostname = reachedHost;
        return {
          gateway: gatewayId,
          mqtt_url: mqtt.toString().replace(/\/$/, ''),
          username: gatewayId,
          password,
          ...(link.caPem ? { ca_pem: link.caPem } : {}),
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
