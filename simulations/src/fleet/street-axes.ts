import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { simErrors } from '../errors.ts';

/** The copied UrbIS street-axes cells (simulations/data/urbis/NOTICE). */
export const URBIS_DIR = new URL('../../data/urbis/', import.meta.url).pathname;

const position = z.tuple([z.number(), z.number()]).rest(z.number());

const streetAxesSchema = z.object({
  type: z.literal('FeatureCollection'),
  crs: z.object({ properties: z.object({ name: z.literal('urn:ogc:def:crs:EPSG::31370') }) }),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  features: z.array(
    z.object({
      geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(position).min(2) }),
      properties: z.object({
        INSPIRE_ID: z.string(),
        // LVL 0 is the street at ground level; tunnels and bridges have other levels.
        LVL: z.number(),
        STRNAMEFRE: z.string().nullable(),
        STRNAMEDUT: z.string().nullable(),
      }),
    }),
  ),
});

export interface StreetAxis {
  id: string;
  nameFr: string;
  nameNl: string;
  level: number;
  /** Lambert 72 vertices (m). */
  points: Array<{ x: number; y: number }>;
}

export interface StreetAxesCell {
  file: string;
  /** [minX, minY, maxX, maxY] in Lambert 72. */
  bbox: [number, number, number, number];
  /** Named axes only (UrbIS also has unnamed ones, e.g. across squares). */
  axes: StreetAxis[];
}

/** Reads one UrbIS street-axes GeoJSON (EPSG:31370). Throws `ZENNE_ERR_SIM_FLEET_INVALID` if malformed. */
export function loadStreetAxes(path: string): StreetAxesCell {
  const parsed = streetAxesSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw simErrors.FLEET_INVALID({ file: path, reason: `${issue.path.join('.')}: ${issue.message}` });
  }
  const axes: StreetAxis[] = [];
  for (const f of parsed.data.features) {
    const { STRNAMEFRE, STRNAMEDUT, INSPIRE_ID, LVL } = f.properties;
    if (!STRNAMEFRE) continue;
    axes.push({
      id: INSPIRE_ID,
      nameFr: STRNAMEFRE,
      nameNl: STRNAMEDUT ?? STRNAMEFRE,
      level: LVL,
      points: f.geometry.coordinates.map(([x, y]) => ({ x, y })),
    });
  }
  return { file: path, bbox: parsed.data.bbox, axes };
}

/** Shortest distance (m) from a point to an axis polyline. */
export function distanceToAxis(p: { x: number; y: number }, axis: StreetAxis): number {
  let best = Infinity;
  for (let i = 1; i < axis.points.length; i++) {
    best = Math.min(best, distanceToSegment(p, axis.points[i - 1]!, axis.points[i]!));
  }
  return best;
}

function distanceToSegment(p: { x: number; y: number }, a: { x: number; y: number }, b: { x: number; y: number }): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const f = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + f * dx), p.y - (a.y + f * dy));
}
