import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/*
 * Format: scrypt$<N>$<r>$<p>$<salt base64>$<key base64>. The cost parameters
 * travel with the hash so they can be raised later without invalidating
 * stored secrets. N=2^14, r=8, p=1 is the interactive-login setting of
 * RFC 7914 §2 / the scrypt paper; 16 MiB of memory per check.
 */
const PREFIX = 'scrypt';
const DEFAULT_COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

export const SECRET_HASH_PATTERN = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/;

function derive(secret: string | Buffer, salt: Buffer, cost: ScryptOptions, keyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: N * r * 128 bytes plus headroom, or node refuses N=2^14 with r=8 at the 32 MiB default boundary.
    scrypt(secret, salt, keyBytes, { ...cost, maxmem: 256 * cost.N! * cost.r! }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** A fresh gateway secret: 32 random bytes, base64url (43 characters). */
export function newGatewaySecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Hashes a gateway secret for the registry; the clear text is never stored. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, DEFAULT_COST, KEY_BYTES);
  const { N, r, p } = DEFAULT_COST;
  return [PREFIX, N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time check of a presented secret against a stored hash; false for a malformed hash. */
export async function verifySecret(secret: string | Buffer, stored: string): Promise<boolean> {
  if (!SECRET_HASH_PATTERN.test(stored)) return false;
  const [, n, r, p, saltB64, keyB64] = stored.split('$');
  const expected = Buffer.from(keyB64!, 'base64');
  const actual = await derive(secret, Buffer.from(saltB64!, 'base64'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return timingSafeEqual(actual, expected);
}
