import { z } from 'zod';
import { lambert72ToWgs84 } from '../src/geo/lambert72.ts';
import {
  COORDINATE_UNIT_DEG,
  type CompactBuilding,
  type CompactBuildingFile,
  type CompactStreet,
  type HeightSource,
} from '../src/buildings/buildings-format.ts';

/**
 * Reads the UrbIS cell extracts (data/urbis/<cell>/) and turns them into the viewer's compact
 * building file. Only the fields used here are validated; UrbIS carries more.
 */

const position = z.tuple([z.number(), z.number()]).rest(z.number());
const ring = z.array(position).min(4);
const polygon = z.array(ring).min(1);

const buildingFeature = z.object({
  geometry: z.discriminatedUnion('type', [
    z.object({ type: z.literal('Polygon'), coordinates: polygon }),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygon).min(1) }),
  ]),
  properties: z.object({ INSPIRE_ID: z.string().min(1) }),
});
export const urbisBuildingsSchema = z.object({
  crs: z.object({ properties: z.object({ name: z.literal('urn:ogc:def:crs:EPSG::31370') }) }),
  features: z.array(buildingFeature),
});

const nullableHeight = z.number().nullable();
export const urbisHeightsSchema = z.object({
  buildings: z.record(
    z.string(),
    z.object({ candidate_height_m: nullableHeight, p75: nullableHeight }),
  ),
});

export const urbisStreetsSchema = z.object({
  features: z.array(
    z.object({
      geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(position).min(2) }),
      properties: z.object({ INSPIRE_ID: z.string().min(1), STRNAMEFRE: z.string().nullable() }),
    }),
  ),
});

export interface UrbisCell {
  id: string;
  buildings: z.infer<typeof urbisBuildingsSchema>;
  heights: z.infer<typeof urbisHeightsSchema>;
  streets?: z.infer<typeof urbisStreetsSchema>;
}

const INSPIRE_PREFIX = 'https://databrussels.be/id/building/';
export const ATTRIBUTION =
  'Buildings and street axes: UrbIS © Paradigm / Brussels-Capital Region (CC0). ' +
  'Heights: DSM 2021 − DTM 2021 percentiles from Chatnoir01/Chatnoir01 (CC0 sources).';

/** A height is usable when it is a positive number (DSM − DTM can round to ≤ 0 on tiny structures). */
function usable(h: number | null | undefined): h is number {
  return typeof h === 'number' && Number.isFinite(h) && h > 0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to 1e-7 degree units relative to `origin`. */
function quantise(lonLat: [number, number], origin: readonly [number, number]): [number, number] {
  return [
    Math.round((lonLat[0] - origin[0]) / COORDINATE_UNIT_DEG),
    Math.round((lonLat[1] - origin[1]) / COORDINATE_UNIT_DEG),
  ];
}

/** Converts one Lambert 72 line or ring to a flat quantised WGS 84 array without repeated vertices. */
function convertLine(
  coordinates: readonly (readonly number[])[],
  origin: readonly [number, number],
  closed: boolean,
): number[] {
  const flat: number[] = [];
  for (const c of coordinates) {
    const [x, y] = quantise(lambert72ToWgs84([c[0]!, c[1]!]), origin);
    const n = flat.length;
    if (n >= 2 && flat[n - 2] === x && flat[n - 1] === y) continue;
    flat.push(x, y);
  }
  // GeoJSON closes rings by repeating the first vertex; Cesium closes them itself.
  if (closed && flat.length >= 4 && flat[0] === flat[flat.length - 2] && flat[1] === flat[flat.length - 1]) {
    flat.length -= 2;
  }
  return flat;
}

/**
 * Builds the compact file from the cells. Height per building: `candidate_height_m`, else `p75`,
 * else the median of all usable heights (`default_height_m`).
 */
export function buildCompactFile(cells: readonly UrbisCell[], origin: readonly [number, number]): CompactBuildingFile {
  const known: number[] = [];
  for (const cell of cells) {
    for (const h of Object.values(cell.heights.buildings)) {
      const value = usable(h.candidate_height_m) ? h.candidate_height_m : h.p75;
      if (usable(value)) known.push(value);
    }
  }
  const defaultHeight = Math.round(median(known) * 10) / 10;

  const buildings: CompactBuilding[] = [];
  const streets: CompactStreet[] = [];
  // A feature crossing a cell boundary can be in both cells' extracts: keep it once.
  const seen = new Set<string>();
  for (const cell of cells) {
    for (const feature of cell.buildings.features) {
      const inspireId = feature.properties.INSPIRE_ID;
      if (seen.has(inspireId)) continue;
      seen.add(inspireId);
      const heights = cell.heights.buildings[inspireId];
      let h = defaultHeight;
      let hs: HeightSource = 'default';
      if (usable(heights?.candidate_height_m)) {
        h = heights.candidate_height_m;
        hs = 'candidate';
      } else if (usable(heights?.p75)) {
        h = heights.p75;
        hs = 'p75';
      }
      const parts = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      const polygons = parts
        .map((rings) => rings.map((r) => convertLine(r, origin, true)).filter((r) => r.length >= 6))
        .filter((rings) => rings.length > 0);
      if (polygons.length === 0) continue;
      buildings.push({
        id: inspireId.startsWith(INSPIRE_PREFIX) ? inspireId.slice(INSPIRE_PREFIX.length) : inspireId,
        h: Math.round(h * 100) / 100,
        hs,
        polygons,
      });
    }
    for (const street of cell.streets?.features ?? []) {
      if (seen.has(street.properties.INSPIRE_ID)) continue;
      seen.add(street.properties.INSPIRE_ID);
      const line = convertLine(street.geometry.coordinates, origin, false);
      if (line.length >= 4) streets.push({ name: street.properties.STRNAMEFRE ?? '', line });
    }
  }
  return {
    v: 1,
    attribution: ATTRIBUTION,
    origin: [origin[0], origin[1]],
    default_height_m: defaultHeight,
    buildings,
    streets,
  };
}
