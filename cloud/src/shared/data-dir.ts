import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { cloudErrors } from '../errors.ts';

/** Creates the data directory if needed and checks it is writable, before DuckDB reports it less clearly. */
export async function prepareDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (err) {
    throw cloudErrors.DATA_DIR_UNUSABLE({ dir, reason: (err as Error).message }, { cause: err });
  }
}
