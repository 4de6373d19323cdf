import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import type { DeviceProfile } from '@zenne/device-profiles';
import { registryErrors } from '../errors.ts';
import { referenceIssues } from './references.ts';
import {
  buildingSchema,
  deviceSchema,
  lampPostSchema,
  siteSchema,
  streetSegmentSchema,
  type Registry,
  type RegistryKind,
  type RegistryRows,
} from './registry.ts';

/** Kinds that can be uploaded in bulk (gateways carry secrets: they have their own routes). */
export type UploadKind = Exclude<RegistryKind, 'gateways'>;

const ROW_SCHEMAS: { [K in UploadKind]: z.ZodType<RegistryRows[K]> } = {
  sites: siteSchema,
  buildings: buildingSchema,
  street_segments: streetSegmentSchema,
  lamp_posts: lampPostSchema,
  devices: deviceSchema,
};

/** Largest number of rows taken in one upload. */
export const MAX_UPLOAD_ROWS = 10_000;

/** One row of an upload, as its format reader found it. */
export interface UploadRow {
  /** 1-based position among the data rows (the header of a CSV file is not a row). */
  row: number;
  /** Where a person finds the row in the uploaded document, e.g. "line 7" or "features[5]". */
  where: string;
  value: unknown;
  /** Problems the format reader already found (e.g. a CSV line with too many cells); the row is refused with them. */
  issues?: Array<{ field: string; reason: string }>;
}

export interface RowError {
  row: number;
  where: string;
  /** The row's id when it had a readable one. */
  id?: string;
  /** The field as the uploaded format names it, e.g. `lat` in CSV, `geometry.coordinates[1]` in GeoJSON. */
  field: string;
  code: string;
  message: string;
}

export interface UploadResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Rows refused; each has one or more entries in `errors`. */
  rejected: number;
  errors: RowError[];
}

export interface UploadOptions {
  /** Maps a field path of the registry row (`location.lat`) to the name the upload format uses. */
  fieldName?: (path: string) => string;
  /** Checks and counts only; nothing is written. */
  dryRun?: boolean;
}

/**
 * Idempotent bulk upsert by id with per-row errors. Each row is checked on
 * its own (schema, duplicate id in the upload, references to rows already in
 * the registry); the good rows are written together in one registry
 * transaction, the bad ones are reported and skipped. A row equal to the
 * stored one counts as unchanged and is not rewritten; a row that differs
 * replaces the stored one whole (a field left out is cleared).
 */
export async function bulkUpsert<K extends UploadKind>(
  registry: Registry,
  kind: K,
  rows: readonly UploadRow[],
  profiles: ReadonlyMap<string, DeviceProfile>,
  options: UploadOptions = {},
): Promise<UploadResult> {
  if (rows.length > MAX_UPLOAD_ROWS) throw registryErrors.UPLOAD_TOO_LARGE({ rows: rows.length, limit: MAX_UPLOAD_ROWS });
  const fieldName = options.fieldName ?? ((path: string) => path);
  const errors: RowError[] = [];
  const accepted = new Map<string, RegistryRows[K]>();
  let rejected = 0;
  let unchanged = 0;

  for (const { row, where, value, issues: readIssues } of rows) {
    const rawId = (value as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'string' ? rawId : undefined;
    const refuse = (issues: Array<{ field: string; reason: string }>) => {
      rejected++;
      for (const { field, reason } of issues) {
        const err = registryErrors.ROW_INVALID({ where, field: fieldName(field), reason });
        errors.push({ row, where, ...(id === undefined ? {} : { id }), field: fieldName(field), code: err.code, message: err.message });
      }
    };
    if (readIssues && readIssues.length > 0) {
      refuse(readIssues);
      continue;
    }
    const parsed = ROW_SCHEMAS[kind].safeParse(value);
    if (!parsed.success) {
      refuse(parsed.error.issues.map((i) => ({ field: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(', ') : 'row'), reason: i.message })));
      continue;
    }
    const candidate = parsed.data;
    if (accepted.has(candidate.id)) {
      refuse([{ field: 'id', reason: `id "${candidate.id}" appears on an earlier row of this upload` }]);
      continue;
    }
    const issues = referenceIssues(candidate, (k, ref) => registry.get(k, ref), profiles);
    if (issues.length > 0) {
      refuse(issues);
      continue;
    }
    accepted.set(candidate.id, candidate);
  }

  const changed = [...accepted.values()].filter((r) => {
    const same = isDeepStrictEqual(registry.get(kind, r.id), r);
    if (same) unchanged++;
    return !same;
  });
  const created = changed.filter((r) => registry.get(kind, r.id) === undefined).length;
  if (!options.dryRun && changed.length > 0) await registry.apply({ [kind]: changed });
  return { created, updated: changed.length - created, unchanged, rejected, errors };
}
