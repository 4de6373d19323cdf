import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { gatewayIdSchema } from '@zenne/device-profiles';
import { provisioningErrors } from '../errors.ts';
import { SerialQueue } from '../shared/serial-queue.ts';

/*
 * 31 symbols without the 0/O and 1/I/L look-alikes, so a code read off a phone
 * or paper can be typed without doubt. 16 symbols ≈ 79 bits: far beyond online
 * guessing, which is why a plain SHA-256 (no salt, no scrypt) is enough to
 * keep the stored form useless to a reader of the file.
 */
export const CLAIM_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 16;
const GROUP = 4;
/** Used and expired entries are kept this long, so a late retry gets "used"/"expired" rather than "unknown". */
const KEEP_AFTER_END_MS = 7 * 24 * 3600_000;

const entrySchema = z.strictObject({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  gateway: gatewayIdSchema,
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
  used_at: z.iso.datetime().optional(),
});
const fileSchema = z.strictObject({ codes: z.array(entrySchema) });
type ClaimEntry = z.infer<typeof entrySchema>;

/** `<dataDir>/claim-codes.json`: hashes only, never a code in clear. */
export function claimCodesFile(dataDir: string): string {
  return join(dataDir, 'claim-codes.json');
}

/** A fresh code, e.g. `K7QM-2XPD-9HTA-WE4C`. */
export function generateClaimCode(): string {
  // Rejection sampling: bytes above the largest multiple of 31 would favour the first symbols.
  const out: string[] = [];
  while (out.length < CODE_LENGTH) {
    for (const byte of randomBytes(CODE_LENGTH)) {
      if (byte < 256 - (256 % CLAIM_ALPHABET.length) && out.length < CODE_LENGTH) out.push(CLAIM_ALPHABET[byte % CLAIM_ALPHABET.length]!);
    }
  }
  return out.join('').match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
}

/** Upper-cases and drops dashes/spaces; undefined when what remains is not a well-formed code. */
export function normalizeClaimCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== CODE_LENGTH || [...code].some((c) => !CLAIM_ALPHABET.includes(c))) return undefined;
  return code.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
}

function hashCode(normalized: string): string {
  return createHash('sha256').update(normalized).digest('hex');
}

export interface IssuedClaim {
  code: string;
  gateway: string;
  expires_at: string;
}

/**
 * One-time claim codes of gateways, persisted as a JSON file.
 *
 * Lifecycle: `open()` loads the file (absent = none yet); every change is
 * written (temp file + rename) before the call resolves. Calls run one at a
 * time, so a code is redeemed at most once even under concurrent requests.
 */
export class ClaimCodes {
  private readonly queue = new SerialQueue();

  private constructor(
    private readonly file: string,
    private entries: ClaimEntry[],
  ) {}

  static async open(file: string): Promise<ClaimCodes> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new ClaimCodes(file, []);
      throw err;
    }
    return new ClaimCodes(file, fileSchema.parse(JSON.parse(text)).codes);
  }

  /** Issues a code for `gateway` valid for `ttlMs`; the caller checks that the gateway exists. */
  issue(gateway: string, ttlMs: number, now = new Date()): Promise<IssuedClaim> {
    return this.queue.run(async () => {
      const code = generateClaimCode();
      const expires_at = new Date(now.getTime() + ttlMs).toISOString();
      this.entries.push({ hash: hashCode(code), gateway, created_at: now.toISOString(), expires_at });
      await this.save(now);
      return { code, gateway, expires_at };
    });
  }

  /**
   * Redeems `typed` exactly once: `use(gateway)` runs only for a valid,
   * unused, unexpired code, and the code is marked used once it resolved.
   * Throws a ZENNE_ERR_PROVISIONING_CLAIM_* error otherwise (or `use`'s error,
   * leaving the code unused).
   */
  redeem<T>(typed: string, use: (gateway: string) => Promise<T>, now = new Date()): Promise<T> {
    return this.queue.run(async () => {
      const code = normalizeClaimCode(typed);
      if (code === undefined) throw provisioningErrors.CLAIM_MALFORMED({ code: typed.slice(0, 40), alphabet: CLAIM_ALPHABET });
      const entry = this.entries.find((e) => e.hash === hashCode(code));
      if (!entry) throw provisioningErrors.CLAIM_UNKNOWN({ code });
      if (entry.used_at) throw provisioningErrors.CLAIM_USED({ code, used_at: entry.used_at, gateway: entry.gateway });
      if (Date.parse(entry.expires_at) <= now.getTime()) {
        throw provisioningErrors.CLAIM_EXPIRED({ code, expires_at: entry.expires_at, gateway: entry.gateway });
      }
      const result = await use(entry.gateway);
      entry.used_at = now.toISOString();
      await this.save(now);
      return result;
    });
  }

  private async save(now: Date): Promise<void> {
    const keep = (e: ClaimEntry) => Date.parse(e.used_at ?? e.expires_at) + KEEP_AFTER_END_MS > now.getTime();
    this.entries = this.entries.filter(keep);
    const temp = `${this.file}.tmp`;
    await writeFile(temp, `${JSON.stringify({ codes: this.entries }, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, this.file);
  }
}
