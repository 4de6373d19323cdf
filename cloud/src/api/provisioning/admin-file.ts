import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * How `zenne-cloud claim` reaches the running cloud: the cloud writes
 * `<dataDir>/admin.json` (mode 0600) with its loopback HTTP URL and a random
 * token when it listens, and removes it when it stops. Only a user who can
 * read the data directory's files — the cloud's own user or root — gets the
 * token, and the admin routes also refuse anything but loopback peers. This
 * keeps DuckDB's single-writer lock with the cloud process.
 */
export const adminFileSchema = z.strictObject({ http_url: z.url(), token: z.string().min(32) });
export type AdminFile = z.infer<typeof adminFileSchema>;

export function adminFilePath(dataDir: string): string {
  return join(dataDir, 'admin.json');
}

/** 32 random bytes, base64url: the bearer token of the admin routes for this cloud run. */
export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function writeAdminFile(dataDir: string, admin: AdminFile): Promise<void> {
  const path = adminFilePath(dataDir);
  // Remove first: writeFile's mode applies only when it creates the file.
  await rm(path, { force: true });
  await writeFile(path, `${JSON.stringify(admin)}\n`, { mode: 0o600 });
}

export async function removeAdminFile(dataDir: string): Promise<void> {
  await rm(adminFilePath(dataDir), { force: true });
}

export async function readAdminFile(dataDir: string): Promise<AdminFile> {
  return adminFileSchema.parse(JSON.parse(await readFile(adminFilePath(dataDir), 'utf8')));
}
