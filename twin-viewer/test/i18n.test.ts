import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTRIBUTION } from '../scripts/urbis.ts';
import { en } from '../src/i18n/en.ts';
import { CATALOGUES, initialLanguage, LANGUAGES, onLanguageChange, setLanguage, t, type MessageKey } from '../src/i18n/i18n.ts';
import { viewerRoot } from './support/viewer-build.ts';

const SRC = path.join(viewerRoot, 'src');
const KEYS = Object.keys(en) as MessageKey[];

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}

/** The viewer's UI sources: everything under src/ but the catalogues and the tests. */
function uiSources(): Array<{ file: string; text: string }> {
  return (readdirSync(SRC, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith(`i18n${path.sep}`) && !f.endsWith('layer-contract.ts'))
    .map((f) => ({ file: f, text: readFileSync(path.join(SRC, f), 'utf8') }));
}

const LETTERS = /\p{L}{2,}/u;

/**
 * String literals in the places a text reaches the screen: `text:`, `label:`, `title:`,
 * `'aria-label':` and `placeholder:` properties, `textContent =`, the title argument of a panel,
 * and text nodes in SVG/HTML markup. A literal is a label when, `${…}` parts removed, it still
 * holds a word; a catalogue key is not a label.
 */
function hardCodedLabels(source: string): string[] {
  const found: string[] = [];
  const literal = String.raw`(['"\x60])((?:(?!\1)[^\\]|\\.)*)\1`;
  const patterns = [
    new RegExp(String.raw`(?:\b(?:text|label|title|placeholder)|'aria-label')\s*:\s*${literal}`, 'g'),
    new RegExp(String.raw`\.textContent\s*=\s*${literal}`, 'g'),
    new RegExp(String.raw`\b(?:showPanel|show)\(\s*${literal}`, 'g'),
  ];
  for (const pattern of patterns) {
    for (const m of source.matchAll(pattern)) {
      const content = m[2]!;
      if ((KEYS as string[]).includes(content)) continue;
      if (LETTERS.test(content.replace(/\$\{[^}]*\}/g, ''))) found.push(m[0]);
    }
  }
  for (const m of source.matchAll(/>(\p{L}[^<>{}$\n]*)<\//gu)) found.push(m[0]);
  return found;
}

afterEach(() => setLanguage('en'));

describe('message catalogues (acceptance 5)', () => {
  it.each(LANGUAGES)('%s has every key of the English catalogue, no other, each with text and the same placeholders', (language) => {
    const catalogue = CATALOGUES[language] as Record<string, string>;
    const missing = KEYS.filter((k) => !(k in catalogue));
    const extra = Object.keys(catalogue).filter((k) => !(k in en));
    expect(missing, `missing in ${language}`).toEqual([]);
    expect(extra, `unknown in ${language}`).toEqual([]);
    for (const key of KEYS) {
      expect(catalogue[key]!.trim().length, `${language}: ${key}`).toBeGreaterThan(0);
      expect(placeholders(catalogue[key]!), `${language}: ${key}`).toEqual(placeholders(en[key]));
    }
  });

  it('translates: French and Dutch differ from English where the words differ', () => {
    expect(t('street-lighting.title', {}, 'fr')).toBe('Éclairage public');
    expect(t('street-lighting.title', {}, 'nl')).toBe('Openbare verlichting');
    // Brussels is bilingual: the square has a French and a Dutch name.
    expect(t('landmark.place-de-la-monnaie', {}, 'fr')).toBe('Place de la Monnaie');
    expect(t('landmark.place-de-la-monnaie', {}, 'nl')).toBe('Muntplein');
    const sameAsEnglish = (language: 'fr' | 'nl') => KEYS.filter((k) => CATALOGUES[language][k] === en[k]);
    // Only names, units and internationally shared terms stay as in English.
    expect(sameAsEnglish('fr').length / KEYS.length).toBeLessThan(0.1);
    expect(sameAsEnglish('nl').length / KEYS.length).toBeLessThan(0.1);
  });

  it('credits the building data as the data file does', () => {
    expect(en['attribution.buildings']).toBe(ATTRIBUTION);
  });

  it('uses every key somewhere in the UI code', () => {
    const code = uiSources().map((s) => s.text).join('\n');
    // Keys built at run time from a prefix: t(`quantity.${q}`).
    const prefixes = [...code.matchAll(/`([a-z0-9-]+\.)\$\{/g)].map((m) => m[1]!);
    const unused = KEYS.filter((k) => !code.includes(`'${k}'`) && !prefixes.some((p) => k.startsWith(p)));
    expect(unused).toEqual([]);
  });
});

describe('no hard-coded label in the UI (acceptance 5)', () => {
  it('finds the labels it is meant to find', () => {
    expect(hardCodedLabels(`el('dt', { text: 'Height' })`)).toHaveLength(1);
    expect(hardCodedLabels(`{ label: "No value", colour }`)).toHaveLength(1);
    expect(hardCodedLabels("panel.show('Building', x)")).toHaveLength(1);
    expect(hardCodedLabels('parts.push(`<text class="e">no readings in this period</text>`)')).toHaveLength(1);
    expect(hardCodedLabels("{ 'aria-label': 'Close' }")).toHaveLength(1);
    expect(hardCodedLabels("el('dd', { text: `${formatValue(h)} m` }); { label: 'eaqi.1' }; { text: t('ui.close') }")).toEqual([]);
  });

  it('leaves no label in src/ outside the catalogues', () => {
    const offenders = uiSources().flatMap((s) => hardCodedLabels(s.text).map((hit) => `${s.file}: ${hit}`));
    expect(offenders).toEqual([]);
  });

  it('leaves no label in index.html: the page titles and names its regions from the catalogues', () => {
    const html = readFileSync(path.join(viewerRoot, 'index.html'), 'utf8');
    expect(html).not.toMatch(/\b(?:aria-label|title|alt|placeholder)=/);
    const text = html
      .replace(/<script[\s\S]*?<\/script>/g, '')
      .replace(/<title>Zenne<\/title>/, '')
      .replace(/<[^>]+>/g, '')
      .trim();
    expect(text).toBe('');
  });
});

describe('language choice', () => {
  it('takes lang= from the URL, else the browser preference, else English', () => {
    expect(initialLanguage('?lang=nl', ['fr-BE'])).toBe('nl');
    expect(initialLanguage('?lang=de', ['fr-BE', 'nl'])).toBe('fr');
    expect(initialLanguage('', ['de-DE', 'nl-BE'])).toBe('nl');
    expect(initialLanguage('', ['de-DE'])).toBe('en');
  });

  it('fills placeholders and tells listeners of a switch', () => {
    const seen: string[] = [];
    const off = onLanguageChange((language) => seen.push(language));
    setLanguage('fr');
    expect(t('chart.title', { quantity: 'PM10', hours: 24 })).toBe('PM10, dernières 24 h');
    setLanguage('fr');
    setLanguage('nl');
    off();
    setLanguage('en');
    expect(seen).toEqual(['fr', 'nl']);
  });
});
