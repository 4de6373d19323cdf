import { z } from 'zod';

/**
 * The compact building file the viewer loads (`data/buildings.json` in the build), written by
 * `scripts/build-buildings.ts` from the UrbIS extracts in `data/urbis/`.
 *
 * Coordinates are integers in units of 1e-7 degree (about 1 cm here), relative to `origin`,
 * and each ring is flat: `[dLon0, dLat0, dLon1, dLat1, ...]`, not closed (the last vertex is not
 * repeated). A building with several parts (a MultiPolygon in UrbIS) has several `polygons`;
 * a polygon's first ring is its outline and the others are holes (courtyards).
 */
export const COORDINATE_UNIT_DEG = 1e-7;

const flatRingSchema = z.array(z.number().int()).min(6).refine((ring) => ring.length % 2 === 0, {
  message: 'a ring needs an even number of ordinates',
});

export const heightSourceSchema = z.enum(['candidate', 'p75', 'default']);
export type HeightSource = z.infer<typeof heightSourceSchema>;

export const compactBuildingSchema = z.strictObject({
  /** UrbIS INSPIRE id, e.g. `https://databrussels.be/id/building/1608397`, without the prefix. */
  id: z.string().min(1),
  /** Height above ground in metres (roof percentile of DSM − DTM, see NOTICE). */
  h: z.number().positive(),
  /** Which value `h` came from. */
  hs: heightSourceSchema,
  polygons: z.array(z.array(flatRingSchema).min(1)).min(1),
});
export type CompactBuilding = z.infer<typeof compactBuildingSchema>;

export const compactStreetSchema = z.strictObject({
  /** French street name (UrbIS STRNAMEFRE). */
  name: z.string(),
  line: z.array(z.number().int()).min(4),
});
export type CompactStreet = z.infer<typeof compactStreetSchema>;

export const compactBuildingFileSchema = z.strictObject({
  v: z.literal(1),
  attribution: z.string(),
  /** `[lon, lat]` in degrees that every coordinate is relative to. */
  origin: z.tuple([z.number(), z.number()]),
  /** Height given to a building with neither a candidate nor a p75 height (median of the known ones). */
  default_height_m: z.number().positive(),
  buildings: z.array(compactBuildingSchema),
  streets: z.array(compactStreetSchema),
});
export type CompactBuildingFile = z.infer<typeof compactBuildingFileSchema>;

/** Expands one flat relative ring into absolute `[lon, lat, lon, lat, ...]` degrees. */
export function ringToDegrees(ring: readonly number[], origin: readonly [number, number]): number[] {
  const out = new Array<number>(ring.length);
  for (let i = 0; i < ring.length; i += 2) {
    out[i] = origin[0] + ring[i]! * COORDINATE_UNIT_DEG;
    out[i + 1] = origin[1] + ring[i + 1]! * COORDINATE_UNIT_DEG;
  }
  return out;
}
