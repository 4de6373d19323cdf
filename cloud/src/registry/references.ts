import type { DeviceProfile } from '@zenne/device-profiles';
import type { RegistryKind, RegistryRows } from './registry.ts';

/** A row field that names a row that does not exist. */
export interface ReferenceIssue {
  field: string;
  reason: string;
  /** The kind the missing row belongs to, when adding a row of it would fix the issue. */
  missing?: RegistryKind;
}

/** Finds a row by kind and id, wherever the caller looks (registry, rows of the same upload ...). */
export type RegistryLookup = <K extends RegistryKind>(kind: K, id: string) => RegistryRows[K] | undefined;

/** The reference fields any registry row may have. */
type Checked = { id: string } & Partial<Record<'site' | 'gateway' | 'profile' | 'building' | 'room' | 'lamp_post' | 'street_segment', string>>;

// field of a row -> the kind it refers to; checked in this order.
const REFERENCES: ReadonlyArray<[keyof Checked, RegistryKind]> = [
  ['site', 'sites'],
  ['gateway', 'gateways'],
  ['building', 'buildings'],
  ['street_segment', 'street_segments'],
  ['lamp_post', 'lamp_posts'],
];
const SINGULAR: Record<RegistryKind, string> = {
  sites: 'site', buildings: 'building', street_segments: 'street segment', lamp_posts: 'lamp post', gateways: 'gateway', devices: 'device',
};

/**
 * The broken references of one row: unknown site, gateway, building,
 * street segment, lamp post or profile, and a room that is not in its
 * building (or given without one). Empty when the row may be stored.
 */
export function referenceIssues(row: Checked, lookup: RegistryLookup, profiles: ReadonlyMap<string, DeviceProfile>): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  for (const [field, kind] of REFERENCES) {
    const id = row[field];
    if (id !== undefined && lookup(kind, id) === undefined) issues.push({ field, reason: `unknown ${SINGULAR[kind]} "${id}"`, missing: kind });
  }
  if (row.profile !== undefined && !profiles.has(row.profile)) {
    issues.push({ field: 'profile', reason: `unknown profile "${row.profile}"; known: ${[...profiles.keys()].join(', ')}` });
  }
  if (row.room !== undefined) {
    const building = row.building === undefined ? undefined : lookup('buildings', row.building);
    if (row.building === undefined) issues.push({ field: 'room', reason: 'a room needs its building: set `building` too' });
    else if (building && !building.rooms.some((r) => r.id === row.room)) {
      issues.push({ field: 'room', reason: `building "${row.building}" has no room "${row.room}"` });
    }
  }
  return issues;
}
