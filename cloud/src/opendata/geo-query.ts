import { openDataErrors } from '../errors.ts';

/**
 * NGSI-LD geo-queries (ETSI GS CIM 009 §4.10) on point locations:
 * `near;maxDistance==m` / `near;minDistance==m` around a Point, and
 * `within` / `intersects` a Polygon (for a point both mean inside).
 */
export type GeoQuery =
  | { georel: 'near'; point: [number, number]; maxDistance?: number; minDistance?: number }
  | { georel: 'within'; rings: [number, number][][] };

/** Mean Earth radius (IUGG), metres. */
const EARTH_RADIUS_M = 6_371_008.8;

const bad = (parameter: string, reason: string) => openDataErrors.BAD_QUERY({ parameter, reason });

function parseCoordinates(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw bad('coordinates', 'expected a JSON array of numbers, e.g. [4.3525,50.8466]');
  }
}

const isPosition = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length >= 2 && v.every((n) => typeof n === 'number' && Number.isFinite(n));

/** Parses `georel`, `geometry` and `coordinates`; undefined when none is given. */
export function parseGeoQuery(params: { georel?: string; geometry?: string; coordinates?: string; geoproperty?: string }): GeoQuery | undefined {
  const { georel, geometry, coordinates } = params;
  if (georel === undefined && geometry === undefined && coordinates === undefined) return undefined;
  if (georel === undefined || geometry === undefined || coordinates === undefined) {
    throw bad('georel', 'a geo-query needs georel, geometry and coordinates together');
  }
  if (params.geoproperty !== undefined && params.geoproperty !== 'location') throw bad('geoproperty', 'only `location` is queryable');
  const [relation, ...modifiers] = georel.split(';');
  const value = parseCoordinates(coordinates);
  if (relation === 'near') {
    if (geometry !== 'Point' || !isPosition(value)) throw bad('geometry', 'georel=near needs geometry=Point and coordinates=[lon,lat]');
    const query: GeoQuery = { georel: 'near', point: [value[0], value[1]] };
    for (const modifier of modifiers) {
      const m = /^(maxDistance|minDistance)==(\d+(?:\.\d+)?)$/.exec(modifier);
      if (!m) throw bad('georel', `unknown near modifier "${modifier}"; use maxDistance==<metres> or minDistance==<metres>`);
      query[m[1] as 'maxDistance' | 'minDistance'] = Number(m[2]);
    }
    if (query.maxDistance === undefined && query.minDistance === undefined) throw bad('georel', 'near needs maxDistance==<metres> or minDistance==<metres>');
    return query;
  }
  if (relation === 'within' || relation === 'intersects') {
    const rings = value as unknown;
    if (geometry !== 'Polygon' || !Array.isArray(rings) || rings.length === 0 || !rings.every((r) => Array.isArray(r) && r.length >= 4 && r.every(isPosition))) {
      throw bad('geometry', `georel=${relation} needs geometry=Polygon and coordinates=[[[lon,lat],...]] (closed rings of at least 4 positions)`);
    }
    return { georel: 'within', rings: rings as [number, number][][] };
  }
  throw bad('georel', `"${relation}" is not supported; use near, within or intersects`);
}

/** Great-circle distance in metres (haversine). */
export function distanceM(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Even-odd ray casting in lon/lat (at city scale the planar error is far below a device's placement error). */
function insideRing(p: readonly [number, number], ring: readonly [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point location satisfies the query (a polygon's later rings are holes, RFC 7946 §3.1.6). */
export function matchesGeoQuery(query: GeoQuery, p: readonly [number, number]): boolean {
  if (query.georel === 'near') {
    const d = distanceM(query.point, p);
    return (query.maxDistance === undefined || d <= query.maxDistance) && (query.minDistance === undefined || d >= query.minDistance);
  }
  const [outer, ...holes] = query.rings;
  return insideRing(p, outer!) && !holes.some((hole) => insideRing(p, hole));
}
