import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  getProfile,
  listProfileIds,
  loadProfileFile,
  loadProfiles,
  profileErrors,
  type ProfileIssue,
  type ZenneError,
} from '../src/index.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** 1-based line of the fixture marked `# expect-error`. */
function markedLine(file: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('# expect-error'));
  if (index < 0) throw new Error(`${file} has no "# expect-error" marker`);
  return index + 1;
}

function thrown(fn: () => unknown): ZenneError {
  try {
    fn();
  } catch (err) {
    return err as ZenneError;
  }
  throw new Error('expected a throw');
}

describe('loadProfileFile on broken profiles', () => {
  // [fixture, field path the error must name, words of the fix it must give]
  const cases: [string, string, string[]][] = [
    ['unit-wrong-dimension.yaml', 'channels[1].unit', ['Cel', 'pm10', 'ug/m3, mg/m3']],
    ['unit-not-ucum.yaml', 'channels[0].unit', ['expected one of', '"ug/m3"']],
    ['plausible-outside-valid.yaml', 'channels[0].plausible', ['inside the valid range [0, 500]']],
    ['missing-serial.yaml', 'serial', ['baud_rate']],
    ['misspelt-field.yaml', 'sample_rate_s', ['unknown field', 'fix its spelling']],
    ['range-missing-max.yaml', 'channels[0].valid.max', ['required field is missing']],
    ['id-not-file-name.yaml', 'id', ['name the file acme-pm-1.yaml', 'set id: id-not-file-name']],
    ['empty.yaml', '(root)', ['holds nothing', 'one YAML mapping']],
  ];

  it.each(cases)('%s: names the file, %s, its line and the fix', (name, path, fixWords) => {
    const file = fixture(`broken/${name}`);
    const err = thrown(() => loadProfileFile(file));
    expect(profileErrors.INVALID.is(err)).toBe(true);
    expect(err.kind).toBe('invalid_input');
    expect(err.message).toContain(file);
    expect(err.message).toContain(path);

    const issue = (err.details.issues as ProfileIssue[]).find((i) => i.path === path);
    expect(issue, `issues: ${JSON.stringify(err.details.issues)}`).toBeDefined();
    expect(issue!.line).toBe(markedLine(file));
    for (const word of fixWords) expect(issue!.message).toContain(word);
  });

  it('lists every problem of a file at once (a misspelt key is also a missing one)', () => {
    const err = thrown(() => loadProfileFile(fixture('broken/misspelt-field.yaml')));
    const paths = (err.details.issues as ProfileIssue[]).map((i) => i.path).sort();
    expect(paths).toEqual(['sample_period_s', 'sample_rate_s']);
  });

  it('reports YAML syntax errors with file, line and column', () => {
    const file = fixture('broken/yaml-syntax.yaml');
    const err = thrown(() => loadProfileFile(file));
    expect(profileErrors.YAML_SYNTAX.is(err)).toBe(true);
    expect(err.details.line).toBe(markedLine(file));
    expect(err.message).toContain(`${file}:${markedLine(file)}:`);
  });

  it('reports a file that cannot be read', () => {
    const err = thrown(() => loadProfileFile(fixture('no-such-profile.yaml')));
    expect(profileErrors.FILE_UNREADABLE.is(err)).toBe(true);
    expect(err.message).toContain('no-such-profile.yaml');
  });
});

describe('loadProfiles', () => {
  it('returns the shipped profiles by id, in id order', () => {
    const profiles = loadProfiles();
    const ids = [...profiles.keys()];
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining(['nova-sds011', 'plantower-pms5003']));
    expect(profiles.get('nova-sds011')?.bridge).toBe('sds011');
  });

  it('refuses two files declaring the same id, naming both', () => {
    const err = thrown(() => loadProfiles(fixture('duplicate-ids')));
    expect(profileErrors.DUPLICATE_ID.is(err)).toBe(true);
    expect(err.message).toContain('acme-pm-1.yaml');
    expect(err.message).toContain('acme-pm-1.yml');
  });

  it('stops on the first broken file, naming it', () => {
    const err = thrown(() => loadProfiles(fixture('broken')));
    expect(err.message).toContain('broken/');
    expect(err.code).toMatch(/^ZENNE_ERR_PROFILE_/);
  });

  it('reports a folder that cannot be read', () => {
    const err = thrown(() => loadProfiles(fixture('no-such-folder')));
    expect(profileErrors.DIR_UNREADABLE.is(err)).toBe(true);
    expect(err.kind).toBe('fatal');
  });
});

describe('getProfile / listProfileIds', () => {
  it('lists the shipped ids sorted, the same on every call', () => {
    const ids = listProfileIds();
    expect(ids).toEqual([...ids].sort());
    expect(listProfileIds()).toEqual(ids);
  });

  it('returns a shipped profile by id, frozen because every caller shares it', () => {
    const profile = getProfile('plantower-pms5003');
    expect(profile.channels.map((c) => c.quantity)).toEqual(['pm1', 'pm2_5', 'pm10']);
    expect(Object.isFrozen(profile.channels[0]!.valid)).toBe(true);
  });

  it('names the known ids when the id is unknown', () => {
    const err = thrown(() => getProfile('nova-sds012'));
    expect(profileErrors.UNKNOWN_ID.is(err)).toBe(true);
    expect(err.message).toContain('"nova-sds012"');
    expect(err.message).toContain(listProfileIds().join(', '));
  });
});
