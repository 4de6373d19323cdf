import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-file.ts';

const versionFileSchema = z.object({ version: z.number().int().nonnegative() });

function versionFile(stateDir: string): string {
  return join(stateDir, 'config-version.json');
}

/** Version of the config running now; 0 before any desired config was applied (or when the file is unreadable). */
export async function readConfigVersion(stateDir: string): Promise<number> {
  try {
    return versionFileSchema.parse(JSON.parse(await readFile(versionFile(stateDir), 'utf8'))).version;
  } catch {
    return 0;
  }
}

export async function writeConfigVersion(stateDir: string, version: number): Promise<void> {
  await writeFileAtomic(versionFile(stateDir), JSON.stringify({ version }) + '\n');
}
