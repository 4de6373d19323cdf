import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { registryErrors } from '../errors.ts';
import type { DeviceProfile } from '@zenne/device-profiles';
import { REGISTRY_KINDS, seedSchema, type AppliedCounts, type Gateway, type Registry, type RegistryCounts, type RegistryUpdate, type Seed } from './registry.ts';
import { referenceIssues, type RegistryLookup } from './references.ts';
import { hashSecret, verifySecret } from './secret-hash.ts';

/** "devices[2] (aq-monnaie-03), field location.lat" from a zod path into the raw document. */
function describePath(path: readonly PropertyKey[], raw: unknown): string {
  const [section, index, ...field] = path;
  if (typeof section !== 'string') return 'top level';
  if (typeof index !== 'number') return field.length ? `${section}.${field.join('.')}` : section;
  const row = (raw as Record<string, unknown[]>)[section]?.[index] as { id?: unknown } | undefined;
  const id = typeof row?.id === 'string' ? ` (${row.id})` : '';
  return `${section}[${index}]${id}${field.length ? `, field ${field.join('.')}` : ''}`;
}

function firstIssue(error: z.ZodError, raw: unknown): { where: string; reason: string } {
  const issue = error.issues[0]!;
  return { where: describePath(issue.path, raw), reason: issue.message };
}

/** Reads and validates a seed file; errors name the file, the row and the field. */
export async function readSeedFile(file: string): Promise<Seed> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, 'utf8'));
  } catch (err) {
    throw registryErrors.SEED_UNREADABLE({ file, reason: err instanceof Error ? err.message : String(err) }, { cause: err });
  }
  const parsed = seedSchema.safeParse(raw ?? {});
  if (!parsed.success) throw registryErrors.SEED_INVALID({ file, ...firstIssue(parsed.error, raw) });
  return parsed.data;
}

/** A lookup that sees the rows of `seed` first, then the registry's. */
function seedLookup(seed: Seed, registry: Registry): RegistryLookup {
  return (kind, id) => {
    const rows = seed[kind] as Array<{ id: string }> | undefined;
    return (rows?.find((r) => r.id === id) ?? registry.get(kind, id)) as never;
  };
}

/**
 * Checks a seed against itself, the registry and the profile catalogue, and
 * hashes its clear-text secrets. A secret that already matches the stored
 * hash keeps that hash, so seeding the same file twice changes nothing. The
 * file's secret no longer applies once the cloud issued the gateway another
 * (claim code, rotation), and a revoked gateway stays revoked.
 */
export async function prepareUpdate(
  seed: Seed,
  registry: Registry,
  profiles: ReadonlyMap<string, DeviceProfile>,
  file: string,
): Promise<RegistryUpdate> {
  const fail = (where: string, reason: string) => registryErrors.SEED_INVALID({ file, where, reason });
  const lookup = seedLookup(seed, registry);
  for (const section of REGISTRY_KINDS) {
    const seen = new Set<string>();
    (seed[section] ?? []).forEach((row, i) => {
      if (seen.has(row.id)) throw fail(`${section}[${i}] (${row.id}), field id`, 'this id appears twice in the file');
      seen.add(row.id);
      const [issue] = referenceIssues(row, lookup, profiles);
      if (issue) {
        const hint = issue.missing ? `; add it under ${issue.missing}` : '';
        throw fail(`${section}[${i}] (${row.id}), field ${issue.field}`, `${issue.reason}${hint}`);
      }
    });
  }

  const gateways = await Promise.all(
    seed.gateways.map(async (g): Promise<Gateway> => {
      const existing = registry.getGateway(g.id);
      const revoked = existing?.revoked_at === undefined ? {} : { revoked_at: existing.revoked_at };
      // A secret the cloud issued since (claim code, rotation) is newer than the file's: keep it.
      if (existing !== undefined && existing.seeded_hash !== existing.secret_hash) return { ...existing, site: g.site };
      const keep = g.secret !== undefined && existing !== undefined && (await verifySecret(g.secret, existing.secret_hash));
      const secret_hash = g.secret_hash ?? (keep ? existing!.secret_hash : await hashSecret(g.secret!));
      return { id: g.id, site: g.site, secret_hash, seeded_hash: secret_hash, ...revoked };
    }),
  );
  return { ...seed, gateways };
}

/** Reads, checks and applies a seed file (idempotent upsert); counts every section of the file. */
export async function seedFromFile(
  registry: Registry,
  file: string,
  profiles: ReadonlyMap<string, DeviceProfile>,
): Promise<RegistryCounts & AppliedCounts> {
  const seed = await readSeedFile(file);
  const applied = await registry.apply(await prepareUpdate(seed, registry, profiles, file));
  // sites, gateways and devices default to [] in a seed, so apply counted them.
  return applied as RegistryCounts & AppliedCounts;
}
