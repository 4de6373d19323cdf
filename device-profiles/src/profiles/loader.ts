import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceProfile } from '../contracts/profile.ts';
import { profileErrors } from '../errors.ts';
import { parseProfile } from './parse-profile.ts';

/** The profiles shipped with the package: device-profiles/profiles/<vendor>-<model>.yaml. */
export const DEFAULT_PROFILES_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url));

const PROFILE_FILE = /\.ya?ml$/;

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Reads, parses and validates one profile file (synchronously; profiles are
 * read once at start-up). The profile's `id` must equal the file name without
 * extension. Throws ZENNE_ERR_PROFILE_FILE_UNREADABLE, _YAML_SYNTAX or _INVALID.
 */
export function loadProfileFile(path: string): DeviceProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw profileErrors.FILE_UNREADABLE({ file: path, reason: reason(err) }, { cause: err });
  }
  return parseProfile(text, path);
}

/**
 * Loads every `*.yaml` / `*.yml` file of `dir` (default: the shipped
 * profiles). Returns a new Map id → profile in id order; throws on the first
 * broken file (in file-name order) and ZENNE_ERR_PROFILE_DUPLICATE_ID when two
 * files declare the same id.
 */
export function loadProfiles(dir: string = DEFAULT_PROFILES_DIR): Map<string, DeviceProfile> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => PROFILE_FILE.test(name)).sort();
  } catch (err) {
    throw profileErrors.DIR_UNREADABLE({ dir, reason: reason(err) }, { cause: err });
  }
  // Map(id -> { file it came from, profile })
  const byId = new Map<string, { file: string; profile: DeviceProfile }>();
  for (const name of names) {
    const file = join(dir, name);
    const profile = loadProfileFile(file);
    const earlier = byId.get(profile.id);
    if (earlier) throw profileErrors.DUPLICATE_ID({ id: profile.id, first: earlier.file, second: file });
    byId.set(profile.id, { file, profile });
  }
  const ids = [...byId.keys()].sort();
  return new Map(ids.map((id) => [id, byId.get(id)!.profile]));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

let shipped: Map<string, DeviceProfile> | undefined;

/**
 * The shipped profiles, loaded on first use and kept for the life of the
 * process. Frozen: every caller of getProfile shares the same objects.
 */
function shippedProfiles(): Map<string, DeviceProfile> {
  if (!shipped) {
    const loaded = loadProfiles();
    for (const profile of loaded.values()) deepFreeze(profile);
    shipped = loaded;
  }
  return shipped;
}

/** Ids of the shipped profiles, sorted. */
export function listProfileIds(): string[] {
  return [...shippedProfiles().keys()];
}

/** A shipped profile by id (frozen, shared); throws ZENNE_ERR_PROFILE_UNKNOWN_ID listing the known ids. */
export function getProfile(id: string): DeviceProfile {
  const profile = shippedProfiles().get(id);
  if (!profile) throw profileErrors.UNKNOWN_ID({ id, known: listProfileIds().join(', ') });
  return profile;
}
