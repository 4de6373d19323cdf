import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCells } from '../scripts/build-buildings.ts';
import { buildCompactFile, type UrbisCell } from '../scripts/urbis.ts';
import { compactBuildingFileSchema, ringToDegrees } from '../src/buildings/buildings-format.ts';
import { MONNAIE_OPERA, PLACE_DE_LA_MONNAIE } from '../src/scene/place-de-la-monnaie.ts';

const origin = [PLACE_DE_LA_MONNAIE.lon, PLACE_DE_LA_MONNAIE.lat] as const;

describe('UrbIS → compact building file', () => {
  let cells: UrbisCell[];
  beforeAll(async () => {
    cells = await loadCells(path.resolve(import.meta.dirname, '../data/urbis'));
  });

  it('keeps every footprint of both cells with a height, and validates', () => {
    const file = compactBuildingFileSchema.parse(buildCompactFile(cells, origin));
    const footprints = cells.reduce((n, c) => n + c.buildings.features.length, 0);
    expect(file.buildings).toHaveLength(footprints);
    expect(file.buildings.length).toBeGreaterThan(1500);
    expect(file.buildings.every((b) => b.h > 0)).toBe(true);
    expect(file.streets.length).toBeGreaterThan(200);
  });

  it('takes candidate_height_m, else p75, else the median default', () => {
    const cell: UrbisCell = {
      id: 'tiny',
      buildings: {
        crs: { properties: { name: 'urn:ogc:def:crs:EPSG::31370' } },
        features: ['a', 'b', 'c'].map((id, i) => ({
          geometry: {
            type: 'Polygon' as const,
            coordinates: [[[148900 + i * 20, 171000], [148910 + i * 20, 171000], [148910 + i * 20, 171010], [148900 + i * 20, 171000]]],
          },
          properties: { INSPIRE_ID: `https://databrussels.be/id/building/${id}` },
        })),
      },
      heights: {
        buildings: {
          'https://databrussels.be/id/building/a': { candidate_height_m: 12, p75: 13 },
          'https://databrussels.be/id/building/b': { candidate_height_m: null, p75: 20 },
        },
      },
    };
    const file = buildCompactFile([cell], origin);
    expect(file.buildings.map((b) => [b.id, b.h, b.hs])).toEqual([
      ['a', 12, 'candidate'],
      ['b', 20, 'p75'],
      ['c', 16, 'default'],
    ]);
    expect(file.default_height_m).toBe(16);
    // Rings lose GeoJSON's closing vertex: three corners remain.
    expect(file.buildings[0]!.polygons[0]![0]).toHaveLength(6);
  });

  it('puts the opera footprint where the scene says it is', () => {
    const file = buildCompactFile(cells, origin);
    const opera = file.buildings.find((b) => b.id === '1804519');
    expect(opera).toBeDefined();
    const ring = ringToDegrees(opera!.polygons[0]![0]!, file.origin);
    const lons = ring.filter((_, i) => i % 2 === 0);
    const lats = ring.filter((_, i) => i % 2 === 1);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(lons)).toBeCloseTo(MONNAIE_OPERA.lon, 3);
    expect(mean(lats)).toBeCloseTo(MONNAIE_OPERA.lat, 3);
  });
});
