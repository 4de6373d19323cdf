import { viewerErrors } from '../errors.ts';
import { compactBuildingFileSchema, type CompactBuildingFile } from './buildings-format.ts';

/** Fetches and validates the building file the build wrote to `data/buildings.json`. */
export async function loadBuildingFile(url = './data/buildings.json'): Promise<CompactBuildingFile> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw viewerErrors.BUILDINGS_UNAVAILABLE({ path: url, reason: (err as Error).message }, { cause: err });
  }
  if (!response.ok) throw viewerErrors.BUILDINGS_UNAVAILABLE({ path: url, reason: `HTTP ${response.status}` });
  const parsed = compactBuildingFileSchema.safeParse(await response.json());
  if (!parsed.success) throw viewerErrors.BUILDINGS_UNAVAILABLE({ path: url, reason: parsed.error.message });
  return parsed.data;
}
