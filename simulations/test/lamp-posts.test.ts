import { join } from 'node:path';
import { deviceIdSchema } from '@zenne/device-profiles';
import { describe, expect, it } from 'vitest';
import { wgs84ToLambert72 } from '../src/fleet/lambert72.ts';
import {
  CENTRAL_BRUSSELS_CELLS,
  centralBrusselsLampPosts,
  LAMP_POST_DEFAULTS,
  placeLampPosts,
  streetSlug,
  type LampPost,
} from '../src/fleet/lamp-posts.ts';
import { distanceToAxis, loadStreetAxes, URBIS_DIR, type StreetAxis } from '../src/fleet/street-axes.ts';

const axes = CENTRAL_BRUSSELS_CELLS.flatMap((c) => loadStreetAxes(join(URBIS_DIR, c, 'street_axes.geojson')).axes);
const posts = centralBrusselsLampPosts();
const centre = wgs84ToLambert72(LAMP_POST_DEFAULTS.centre.lon, LAMP_POST_DEFAULTS.centre.lat);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Consecutive posts of each street, in numbering order. */
function consecutivePairs(list: readonly LampPost[]): Array<[LampPost, LampPost]> {
  const pairs: Array<[LampPost, LampPost]> = [];
  for (let i = 1; i < list.length; i++) if (list[i]!.street === list[i - 1]!.street) pairs.push([list[i - 1]!, list[i]!]);
  return pairs;
}

const straight = (id: string, name: string, from: [number, number], to: [number, number]): StreetAxis => ({
  id,
  nameFr: name,
  nameNl: `${name} NL`,
  level: 0,
  points: [
    { x: from[0], y: from[1] },
    { x: to[0], y: to[1] },
  ],
});

describe('lamp posts on synthetic axes', () => {
  // A centre far from the axes' coordinates would clip everything: put it on the axes.
  const here = { centre: LAMP_POST_DEFAULTS.centre };
  const origin = [centre.x, centre.y] as const;

  it('puts a post every 30 m from 15 m on, alternating sides 6 m from the axis', () => {
    const out = placeLampPosts([straight('a', 'Rue Test', [origin[0], origin[1]], [origin[0] + 100, origin[1]])], here);
    expect(out.map((p) => p.id)).toEqual(['lamp-rue-test-01', 'lamp-rue-test-02', 'lamp-rue-test-03']);
    expect(out.map((p) => Math.round(p.lambert72.x - origin[0]))).toEqual([15, 45, 75]);
    expect(out.map((p) => Math.round(p.lambert72.y - origin[1]))).toEqual([6, -6, 6]);
    expect(out.map((p) => p.side)).toEqual(['left', 'right', 'left']);
    expect(new Set(out.map((p) => p.lamp_group))).toEqual(new Set(['rue-test']));
    expect(out[0]!.street_nl).toBe('Rue Test NL');
    expect(out[0]!.location.height).toBe(LAMP_POST_DEFAULTS.mountHeightM);
  });

  it('joins the pieces of a street end to end, whatever their digitised direction', () => {
    const [x, y] = origin;
    const out = placeLampPosts(
      [straight('a', 'Rue Test', [x, y], [x + 40, y]), straight('b', 'Rue Test', [x + 100, y], [x + 40, y])],
      here,
    );
    expect(out.map((p) => Math.round(p.lambert72.x - x))).toEqual([15, 45, 75]);
  });

  it('gives a piece shorter than the spacing one post at its middle, and drops posts outside the radius', () => {
    const [x, y] = origin;
    expect(placeLampPosts([straight('a', "Impasse de l'Été", [x, y], [x + 10, y])], here).map((p) => p.id)).toEqual([
      'lamp-impasse-de-l-ete-01',
    ]);
    const clipped = placeLampPosts([straight('a', 'Rue Test', [x, y], [x + 400, y])], { ...here, radiusM: 100 });
    expect(clipped.every((p) => Math.hypot(p.lambert72.x - x, p.lambert72.y - y) <= 100)).toBe(true);
    expect(clipped).toHaveLength(3);
  });

  it('slugs French street names to id-safe text', () => {
    expect(streetSlug("Rue de l'Evêque")).toBe('rue-de-l-eveque');
    expect(streetSlug('Place De Brouckère')).toBe('place-de-brouckere');
  });
});

describe('lamp posts of central Brussels (real UrbIS street axes)', () => {
  it('lights the streets around Place de la Monnaie with one post per 30 m of street', () => {
    // An independent estimate: the length of every named ground-level axis (once per feature)
    // whose segment midpoints lie inside the radius, divided by the spacing.
    const seen = new Set<string>();
    let inside = 0;
    for (const axis of axes) {
      if (axis.level !== 0 || seen.has(axis.id)) continue;
      seen.add(axis.id);
      for (let i = 1; i < axis.points.length; i++) {
        const a = axis.points[i - 1]!;
        const b = axis.points[i]!;
        if (Math.hypot((a.x + b.x) / 2 - centre.x, (a.y + b.y) / 2 - centre.y) <= LAMP_POST_DEFAULTS.radiusM) {
          inside += Math.hypot(b.x - a.x, b.y - a.y);
        }
      }
    }
    const expected = inside / LAMP_POST_DEFAULTS.spacingM;
    expect(expected).toBeGreaterThan(100);
    expect(posts.length).toBeGreaterThan(expected * 0.85);
    expect(posts.length).toBeLessThan(expected * 1.15);
    expect(new Set(posts.map((p) => p.street))).toContain('Place de la Monnaie');
    expect(new Set(posts.map((p) => p.street))).toContain('Rue Neuve');
  });

  it('keeps every post within the radius, 6 m beside an axis of its own street', () => {
    const offsets: number[] = [];
    for (const post of posts) {
      expect(Math.hypot(post.lambert72.x - centre.x, post.lambert72.y - centre.y)).toBeLessThanOrEqual(LAMP_POST_DEFAULTS.radiusM);
      const own = axes.filter((a) => a.nameFr === post.street);
      const d = Math.min(...own.map((a) => distanceToAxis(post.lambert72, a)));
      // On the inside of a bend the post is nearer another segment of the axis, never farther.
      expect(d, post.id).toBeLessThanOrEqual(LAMP_POST_DEFAULTS.sideOffsetM + 0.01);
      offsets.push(d);
      const lambert = wgs84ToLambert72(post.location.lon, post.location.lat);
      expect(Math.hypot(lambert.x - post.lambert72.x, lambert.y - post.lambert72.y)).toBeLessThan(0.05);
    }
    expect(median(offsets)).toBeCloseTo(LAMP_POST_DEFAULTS.sideOffsetM, 1);
  });

  it('spaces consecutive posts 30 m along the street, on alternating sides', () => {
    const pairs = consecutivePairs(posts);
    // Straight street, opposite sides: hypot(30, 2 × 6) = 32.31 m.
    const staggered = Math.hypot(LAMP_POST_DEFAULTS.spacingM, 2 * LAMP_POST_DEFAULTS.sideOffsetM);
    expect(median(pairs.map(([a, b]) => Math.hypot(b.lambert72.x - a.lambert72.x, b.lambert72.y - a.lambert72.y)))).toBeCloseTo(staggered, 0);
    const alternating = pairs.filter(([a, b]) => a.side !== b.side).length;
    expect(alternating / pairs.length).toBeGreaterThan(0.9);
  });

  it('gives stable, unique, valid device ids and one lamp group per street', () => {
    expect(new Set(posts.map((p) => p.id)).size).toBe(posts.length);
    for (const post of posts) {
      expect(deviceIdSchema.safeParse(post.id).success, post.id).toBe(true);
      expect(post.id).toBe(`lamp-${post.lamp_group}-${post.id.slice(-2)}`);
      expect(post.lamp_group).toBe(streetSlug(post.street));
    }
    expect(new Set(posts.map((p) => p.lamp_group)).size).toBe(new Set(posts.map((p) => p.street)).size);
    expect(centralBrusselsLampPosts()).toEqual(posts);
  });
});
