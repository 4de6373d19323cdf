import { describe, expect, it } from 'vitest';
import { cloudLinkError } from '../src/uplink/cloud-link-error.ts';

const link = { url: 'mqtts://cloud.example.org:8883', gateway: 'gw-monnaie' };
/** What Node's TLS socket raises, e.g. `Error: certificate is not yet valid` with `code: 'CERT_NOT_YET_VALID'`. */
const tlsError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('cloudLinkError names the likely fix', () => {
  it('a certificate not valid at the gateway time points at the clock', () => {
    for (const [code, message] of [['CERT_NOT_YET_VALID', 'certificate is not yet valid'], ['CERT_HAS_EXPIRED', 'certificate has expired']] as const) {
      const { error, kind } = cloudLinkError(tlsError(code, message), link);
      expect(kind).toBe('certificate');
      expect(error.code).toBe('ZENNE_ERR_AGENT_CLOUD_CERTIFICATE_TIME');
      expect(error.message).toContain(message);
      expect(error.hint).toMatch(/timedatectl set-ntp true/);
    }
  });

  it('an untrusted certificate or a wrong host name points at cloud.ca_file and mqtt_url', () => {
    for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      const { error, kind } = cloudLinkError(tlsError(code, 'x'), link);
      expect(kind).toBe('certificate');
      expect(error.code).toBe('ZENNE_ERR_AGENT_CLOUD_CERTIFICATE');
      expect(error.hint).toMatch(/cloud\.ca_file/);
    }
  });

  it('a refused login and an unreachable broker keep their own codes', () => {
    expect(cloudLinkError(Object.assign(new Error('Connection refused: Bad username or password'), { code: 4 }), link).error.code).toBe('ZENNE_ERR_AGENT_CLOUD_AUTH');
    expect(cloudLinkError(tlsError('ECONNREFUSED', 'connect ECONNREFUSED'), link).error.code).toBe('ZENNE_ERR_AGENT_CLOUD_UNAVAILABLE');
  });
});
