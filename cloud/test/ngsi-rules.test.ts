import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { distanceM, matchesGeoQuery, parseGeoQuery } from '../src/opendata/geo-query.ts';
import { publishableCounts } from '../src/opendata/models/crowd-flow-observed.ts';
import { streetlightStatus } from '../src/opendata/models/streetlight.ts';
import { loadPseudonymKey, pseudonym, pseudonymKeyFile } from '../src/opendata/pseudonym.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('people-count suppression', () => {
  it('drops a bucket whose total is below the threshold', () => {
    expect(publishableCounts({ towards: 3, away: 1 }, 5)).toEqual({});
    expect(publishableCounts({}, 5)).toEqual({});
  });

  it('hides the split when one direction is small, so the total cannot be differenced', () => {
    expect(publishableCounts({ towards: 10, away: 2 }, 5)).toEqual({ peopleCount: 12 });
    expect(publishableCounts({ towards: 0, away: 7 }, 5)).toEqual({ peopleCount: 7 });
    expect(publishableCounts({ towards: 9 }, 5)).toEqual({ peopleCount: 9 });
  });

  it('shows everything when every count reaches the threshold', () => {
    expect(publishableCounts({ towards: 5, away: 5 }, 5)).toEqual({ peopleCount: 10, peopleCountTowards: 5, peopleCountAway: 5 });
  });
});

describe('streetlight status from the fault bits', () => {
  it.each([
    [0, 'ok'],
    [1, 'defectiveLamp'],
    [2, 'brokenLantern'],
    [3, 'brokenLantern'],
    [4, 'columnIssue'],
    [7, 'columnIssue'],
    [8, undefined],
  ])('faults %i → %s', (faults, status) => {
    expect(streetlightStatus(faults)).toBe(status);
  });
});

describe('pseudonym key', () => {
  it('is made once and kept, so public ids survive a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-pseudonym-'));
    dirs.push(dir);
    const first = await loadPseudonymKey(dir);
    const again = await loadPseudonymKey(dir);
    expect(again.equals(first)).toBe(true);
    expect(pseudonym(again, 'pc-01')).toBe(pseudonym(first, 'pc-01'));
    expect(pseudonym(first, 'pc-01')).not.toBe(pseudonym(first, 'pc-02'));
  });

  it('refuses a damaged key file with a code naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-pseudonym-'));
    dirs.push(dir);
    await writeFile(pseudonymKeyFile(dir), 'not a key\n');
    await expect(loadPseudonymKey(dir)).rejects.toMatchObject({ code: 'ZENNE_ERR_OPENDATA_KEY_FILE_UNUSABLE' });
  });
});

describe('geo-queries', () => {
  it('measures great-circle distances (Monnaie to Flagey ≈ 2.7 km)', () => {
    expect(Math.round(distanceM([4.352853, 50.849402], [4.372, 50.8275]) / 100)).toBe(28);
  });

  it('treats later polygon rings as holes', () => {
    const outer = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]];
    const hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]];
    const q = parseGeoQuery({ georel: 'within', geometry: 'Polygon', coordinates: JSON.stringify([outer, hole]) })!;
    expect(matchesGeoQuery(q, [2, 2])).toBe(true);
    expect(matchesGeoQuery(q, [5, 5])).toBe(false);
    expect(matchesGeoQuery(q, [11, 5])).toBe(false);
  });

  it('names the parameter of a malformed query', () => {
    expect(() => parseGeoQuery({ georel: 'near', geometry: 'Point', coordinates: '[4.35,50.84]' })).toThrow(/maxDistance/);
    expect(() => parseGeoQuery({ georel: 'near;maxDistance==10', geometry: 'Point', coordinates: 'x' })).toThrow(/coordinates/);
    expect(() => parseGeoQuery({ georel: 'equals', geometry: 'Point', coordinates: '[1,2]' })).toThrow(/not supported/);
    expect(() => parseGeoQuery({ georel: 'within' })).toThrow(/together/);
    expect(parseGeoQuery({})).toBeUndefined();
  });
});
