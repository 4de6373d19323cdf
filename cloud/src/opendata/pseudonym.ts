import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDataErrors } from '../errors.ts';

const KEY_PATTERN = /^[0-9a-f]{64}$/;

export function pseudonymKeyFile(dataDir: string): string {
  return join(dataDir, 'opendata-pseudonym.key');
}

/**
 * The secret behind the public ids of devices that could reveal a person.
 * Made once (32 random bytes, file mode 0600) and kept, so the ids stay
 * stable across restarts; without the key a registry id cannot be matched
 * to its public id by trying candidate names.
 */
export async function loadPseudonymKey(dataDir: string): Promise<Buffer> {
  const file = pseudonymKeyFile(dataDir);
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw openDataErrors.KEY_FILE_UNUSABLE({ file, reason: (err as Error).message }, { cause: err });
    }
    const key = randomBytes(32);
    try {
      await mkdir(dataDir, { recursive: true });
      await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (writeErr) {
      // Another process made the key first: use theirs.
      if ((writeErr as NodeJS.ErrnoException).code === 'EEXIST') return loadPseudonymKey(dataDir);
      throw openDataErrors.KEY_FILE_UNUSABLE({ file, reason: (writeErr as Error).message }, { cause: writeErr });
    }
    return key;
  }
  if (!KEY_PATTERN.test(text)) throw openDataErrors.KEY_FILE_UNUSABLE({ file, reason: 'expected 64 hex characters' });
  return Buffer.from(text, 'hex');
}

/** A stable opaque id for `deviceId`: 20 hex characters of HMAC-SHA256 (80 bits, no collision in any fleet). */
export function pseudonym(key: Buffer, deviceId: string): string {
  return createHmac('sha256', key).update(deviceId).digest('hex').slice(0, 20);
}
