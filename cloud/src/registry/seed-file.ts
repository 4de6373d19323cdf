import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { registryErrors } from '../errors.ts';
import type { DeviceProfile } from '@zenne/device-profiles';
import { seedSchema, type Registry, type RegistryCounts, type RegistryUpdate, type Seed } from './registry.ts';
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

/**
 * Checks a seed against itself, the registry and the profile catalogue, and
 * hashes its clear-text secrets. A secret that already matches the stored
 * hash keeps that hash, so seeding the same file twice changes nothing.
 */
export async function prepareUpdate(
  seed: Seed,
  registry: Registry,
  profiles: ReadonlyMap<string, DeviceProfile>,
  file: string,
): Promise<RegistryUpdate> {
  const fail = (where: string, reason: string) => registryErrors.SEED_INVALID({ file, where, reason });
  for (const section of ['sites', 'gateways', 'devices'] as const) {
    const seen = new Set<string>();
    seed[section].forEach((row, i) => {
      if (seen.has(row.id)) throw fail(`${section}[${i}] (${row.id}), field id`, 'this id appears twice in the file');
      seen.add(row.id);
    });
  }
  const siteExists = (id: string) => seed.sites.some((s) => s.id === id) || registry.getSite(id) !== undefined;
  const gatewayExists = (id: string) => seed.gateways.some((g) => g.id === id) || registry.getGateway(id) !== undefined;

  seed.gateways.forEach((g, i) => {
    if (!siteExists(g.site)) throw fail(`gateways[${i}] (${g.id}), field site`, `unknown site "${g.site}"; add it under sites`);
  });
  seed.devices.forEach((d, i) => {
    const where = (field: string) => `devices[${i}] (${d.id}), field ${field}`;
    if (!siteExists(d.site)) throw fail(where('site'), `unknown site "${d.site}"; add it under sites`);
    if (!gatewayExists(d.gateway)) throw fail(where('gateway'), `unknown gateway "${d.gateway}"; add it under gateways`);
    if (!profiles.has(d.profile)) {
      throw fail(where('profile'), `unknown profile "${d.profile}"; known: ${[...profiles.keys()].join(', ')}`);
    }
  });

  const gateways = await Promise.all(
    seed.gateways.map(async (g) => {
      if (g.secret_hash !== undefined) return { id: g.id, site: g.site, secret_hash: g.secret_hash };
      const existing = registry.getGateway(g.id)?.secret_hash;
      const keep = existing !== undefined && (await verifySecret(g.secret!, existing));
      return { id: g.id, site: g.site, secret_hash: keep ? existing : await hashSecret(g.secret!) };
    }),
  );
  return { sites: seed.sites, gateways, devices: seed.devices };
}

/** Reads, checks and applies a seed file (idempotent upsert). */
export async function seedFromFile(registry: Registry, file: string, profiles: ReadonlyMap<string, DeviceProfile>): Promise<RegistryCounts> {
  const seed = await readSeedFile(file);
  return registry.apply(await prepareUpdate(seed, registry, profiles, file));
}
