import type { z } from 'zod';
import type { UploadKind } from '../../registry/bulk-upsert.ts';
import { buildingSchema, lampPostSchema, siteSchema, streetSegmentSchema } from '../../registry/registry.ts';

/** One registry kind served as a plain JSON resource. */
export interface AssetKind {
  kind: Exclude<UploadKind, 'devices'>;
  /** URL segment under /api/v1. */
  path: string;
  /** Singular, for summaries and messages. */
  noun: string;
  schema: z.ZodType;
}

/** The asset kinds, in the order a new deployment fills them (each refers only to kinds above it). */
export const ASSET_KINDS: readonly AssetKind[] = [
  { kind: 'sites', path: 'sites', noun: 'site', schema: siteSchema },
  { kind: 'buildings', path: 'buildings', noun: 'building', schema: buildingSchema },
  { kind: 'street_segments', path: 'street-segments', noun: 'street segment', schema: streetSegmentSchema },
  { kind: 'lamp_posts', path: 'lamp-posts', noun: 'lamp post', schema: lampPostSchema },
];
