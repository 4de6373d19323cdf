import { join } from 'node:path';
import { lambert72ToWgs84, wgs84ToLambert72 } from './lambert72.ts';
import { loadStreetAxes, URBIS_DIR, type StreetAxis } from './street-axes.ts';

interface Point {
  x: number;
  y: number;
}

export interface LampPostOptions {
  /** Centre of the lit area (WGS 84). */
  centre: { lon: number; lat: number };
  /** Posts farther than this from the centre (m) are left out. */
  radiusM: number;
  /** Distance between consecutive posts along a street (m). */
  spacingM: number;
  /** Distance of a post from the street axis (m); posts alternate sides. */
  sideOffsetM: number;
  /** Height of the luminaire above the street (m). */
  mountHeightM: number;
}

/**
 * Place de la Monnaie / Muntplein: the centroid of the square's UrbIS street axes (the twin
 * viewer's scene centre, twin-viewer/src/scene/place-de-la-monnaie.ts).
 */
export const PLACE_DE_LA_MONNAIE = { lon: 4.3535, lat: 50.8499 } as const;

/**
 * 30 m between posts with posts on alternating sides and 8 m columns is the usual layout of an
 * urban street lit on both sides (a spacing of about 3.5–4 times the mounting height); 6 m puts a
 * post at the kerb of a two-lane street. The 250 m radius stays inside the two UrbIS cells on the
 * west, north and south; they end 120 m east of the square.
 */
export const LAMP_POST_DEFAULTS: LampPostOptions = {
  centre: PLACE_DE_LA_MONNAIE,
  radiusM: 250,
  spacingM: 30,
  sideOffsetM: 6,
  mountHeightM: 8,
};

/** The UrbIS cells of central Brussels copied under simulations/data/urbis/ (see its NOTICE). */
export const CENTRAL_BRUSSELS_CELLS = ['bxl-e148500-n171000', 'bxl-e148500-n170500'] as const;

export interface LampPost {
  /** `lamp-<street-slug>-NN`, numbered along the street from 01. */
  id: string;
  /** `<street name> NN`. */
  name: string;
  street: string;
  street_nl: string;
  /** One group per street (its slug): the unit a dimming schedule or a scenario addresses. */
  lamp_group: string;
  /** Side of the axis, looking along the axis' digitised direction. */
  side: 'left' | 'right';
  lambert72: Point;
  location: { lon: number; lat: number; height: number };
}

/** "Rue de l'Evêque" → "rue-de-l-eveque". */
export function streetSlug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Lamp posts along every named ground-level street within `radiusM` of `centre`.
 *
 * A street's axes (UrbIS cuts a street at each crossing; a feature on a cell edge comes in both
 * cells and counts once) are joined end to end into chains. Along a chain a post stands every
 * `spacingM` metres from `spacingM / 2` on, on alternating sides `sideOffsetM` from the axis; a
 * chain shorter than `spacingM` gets one post at its middle. Posts are numbered per street in
 * chain order. Pure and deterministic: the same axes and options give the same posts and ids.
 */
export function placeLampPosts(axes: readonly StreetAxis[], options: Partial<LampPostOptions> = {}): LampPost[] {
  const o = { ...LAMP_POST_DEFAULTS, ...options };
  const centre = wgs84ToLambert72(o.centre.lon, o.centre.lat);
  const unique = new Map<string, StreetAxis>();
  for (const axis of axes) if (axis.level === 0 && !unique.has(axis.id)) unique.set(axis.id, axis);
  const byStreet = new Map<string, StreetAxis[]>();
  for (const axis of [...unique.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    byStreet.set(axis.nameFr, [...(byStreet.get(axis.nameFr) ?? []), axis]);
  }

  const posts: LampPost[] = [];
  for (const street of [...byStreet.keys()].sort((a, b) => a.localeCompare(b, 'fr'))) {
    const streetAxes = byStreet.get(street)!;
    const slug = streetSlug(street);
    let n = 0;
    for (const chain of chainAxes(streetAxes.map((a) => a.points))) {
      placeAlong(chain, o.spacingM).forEach(({ at, direction }, k) => {
        const side = k % 2 === 0 ? 'left' : 'right';
        const sign = side === 'left' ? 1 : -1;
        const p = { x: at.x - sign * direction.y * o.sideOffsetM, y: at.y + sign * direction.x * o.sideOffsetM };
        if (Math.hypot(p.x - centre.x, p.y - centre.y) > o.radiusM) return;
        n += 1;
        const nn = String(n).padStart(2, '0');
        const wgs = lambert72ToWgs84(p.x, p.y);
        posts.push({
          id: `lamp-${slug}-${nn}`,
          name: `${street} ${nn}`,
          street,
          street_nl: streetAxes[0]!.nameNl,
          lamp_group: slug,
          side,
          lambert72: { x: round(p.x, 2), y: round(p.y, 2) },
          location: { lon: round(wgs.lon, 7), lat: round(wgs.lat, 7), height: o.mountHeightM },
        });
      });
    }
  }
  return posts;
}

/** The lamp posts of central Brussels from the copied UrbIS street axes. */
export function centralBrusselsLampPosts(options: Partial<LampPostOptions> = {}, urbisDir = URBIS_DIR): LampPost[] {
  const axes = CENTRAL_BRUSSELS_CELLS.flatMap((cell) => loadStreetAxes(join(urbisDir, cell, 'street_axes.geojson')).axes);
  return placeLampPosts(axes, options);
}

/** Vertices closer than this (m) are the same node of the street network. */
const JOIN_TOLERANCE_M = 0.5;

function same(a: Point, b: Point): boolean {
  return Math.hypot(a.x - b.x, a.y - b.y) <= JOIN_TOLERANCE_M;
}

/** Joins polylines that share an end into longer ones, keeping the input order for the seeds. */
function chainAxes(lines: readonly Point[][]): Point[][] {
  const remaining = lines.map((l) => [...l]);
  const chains: Point[][] = [];
  while (remaining.length > 0) {
    let chain = remaining.shift()!;
    for (let i = 0; i < remaining.length; ) {
      const joined = joinEnds(chain, remaining[i]!);
      if (!joined) {
        i += 1;
        continue;
      }
      chain = joined;
      remaining.splice(i, 1);
      i = 0;
    }
    chains.push(chain);
  }
  return chains;
}

function joinEnds(chain: Point[], line: Point[]): Point[] | null {
  const start = chain[0]!;
  const end = chain.at(-1)!;
  if (same(start, end)) return null; // a closed ring takes nothing more
  if (same(end, line[0]!)) return [...chain, ...line.slice(1)];
  if (same(end, line.at(-1)!)) return [...chain, ...[...line].reverse().slice(1)];
  if (same(start, line.at(-1)!)) return [...line, ...chain.slice(1)];
  if (same(start, line[0]!)) return [...[...line].reverse(), ...chain.slice(1)];
  return null;
}

/** Points every `spacing` m along a polyline from `spacing / 2`, with the unit direction there. */
function placeAlong(line: readonly Point[], spacing: number): Array<{ at: Point; direction: Point }> {
  const segments = line.slice(1).map((b, i) => ({ a: line[i]!, b, len: Math.hypot(b.x - line[i]!.x, b.y - line[i]!.y) }));
  const length = segments.reduce((s, seg) => s + seg.len, 0);
  const stations: number[] = [];
  if (length < spacing) stations.push(length / 2);
  else for (let s = spacing / 2; s <= length; s += spacing) stations.push(s);

  const out: Array<{ at: Point; direction: Point }> = [];
  let walked = 0;
  let i = 0;
  for (const s of stations) {
    while (i < segments.length - 1 && (walked + segments[i]!.len < s || segments[i]!.len === 0)) {
      walked += segments[i]!.len;
      i += 1;
    }
    const { a, b, len } = segments[i]!;
    const f = len === 0 ? 0 : (s - walked) / len;
    const direction = len === 0 ? { x: 1, y: 0 } : { x: (b.x - a.x) / len, y: (b.y - a.y) / len };
    out.push({ at: { x: a.x + f * (b.x - a.x), y: a.y + f * (b.y - a.y) }, direction });
  }
  return out;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
