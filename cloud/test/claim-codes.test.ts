import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLAIM_ALPHABET, ClaimCodes, claimCodesFile, generateClaimCode, normalizeClaimCode } from '../src/registry/claim-codes.ts';

describe('claim codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zenne-claims-'));
  const file = claimCodesFile(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates 4 groups of 4 symbols of the unambiguous alphabet, and accepts them however typed', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateClaimCode();
      expect(code).toMatch(/^[^-]{4}(-[^-]{4}){3}$/);
      expect([...code.replaceAll('-', '')].every((c) => CLAIM_ALPHABET.includes(c))).toBe(true);
      expect(normalizeClaimCode(` ${code.toLowerCase().replaceAll('-', ' ')} `)).toBe(code);
    }
    expect(normalizeClaimCode('O0I1-AAAA-AAAA-AAAA')).toBeUndefined();
    expect(normalizeClaimCode('ABCD')).toBeUndefined();
  });

  it('stores hashes only, redeems a code exactly once under concurrent attempts, and survives a reopen', async () => {
    const claims = await ClaimCodes.open(file);
    const { code } = await claims.issue('gw-a', 3600_000);
    const stored = await readFile(file, 'utf8');
    expect(stored).not.toContain(code);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const attempts = await Promise.allSettled([1, 2, 3].map(() => claims.redeem(code, async (gw) => gw)));
    expect(attempts.filter((a) => a.status === 'fulfilled').map((a) => (a as PromiseFulfilledResult<string>).value)).toEqual(['gw-a']);
    expect(attempts.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason.code)).toEqual([
      'ZENNE_ERR_PROVISIONING_CLAIM_USED',
      'ZENNE_ERR_PROVISIONING_CLAIM_USED',
    ]);
    const reopened = await ClaimCodes.open(file);
    await expect(reopened.redeem(code, async (gw) => gw)).rejects.toMatchObject({ code: 'ZENNE_ERR_PROVISIONING_CLAIM_USED' });
  });

  it('refuses expired and unknown codes, and leaves a code unused when the redemption fails', async () => {
    const claims = await ClaimCodes.open(file);
    const issuedAt = new Date('2026-01-01T00:00:00Z');
    const { code } = await claims.issue('gw-b', 60_000, issuedAt);
    await expect(claims.redeem(code, async () => { throw new Error('registry down'); }, issuedAt)).rejects.toThrow('registry down');
    expect(await claims.redeem(code, async (gw) => gw, new Date(issuedAt.getTime() + 59_000))).toBe('gw-b');

    const late = await claims.issue('gw-b', 60_000, issuedAt);
    await expect(claims.redeem(late.code, async (gw) => gw, new Date(issuedAt.getTime() + 60_000))).rejects.toMatchObject({
      code: 'ZENNE_ERR_PROVISIONING_CLAIM_EXPIRED',
    });
    await expect(claims.redeem(generateClaimCode(), async (gw) => gw)).rejects.toMatchObject({ code: 'ZENNE_ERR_PROVISIONING_CLAIM_UNKNOWN' });
    await expect(claims.redeem('not a code', async (gw) => gw)).rejects.toMatchObject({ code: 'ZENNE_ERR_PROVISIONING_CLAIM_MALFORMED' });
  });
});
