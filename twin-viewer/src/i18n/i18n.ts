import { en, type Catalogue, type MessageKey } from './en.ts';
import { fr } from './fr.ts';
import { nl } from './nl.ts';

export type { MessageKey } from './en.ts';

/** The viewer's languages: Brussels' two official ones and English. */
export const LANGUAGES = ['fr', 'nl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, fr, nl };

/** Formatting locales: Belgian French and Dutch (decimal comma, 24 h clock), British English. */
const LOCALES: Readonly<Record<Language, string>> = { en: 'en-GB', fr: 'fr-BE', nl: 'nl-BE' };

let current: Language = 'en';
const listeners = new Set<(language: Language) => void>();

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The text of `key` in `language` (default: the current one), with `{name}` placeholders
 * replaced by `params`. A placeholder without a parameter stays visible, so a mistake shows.
 */
export function t(key: MessageKey, params: Readonly<Record<string, string | number>> = {}, language: Language = current): string {
  return CATALOGUES[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function currentLanguage(): Language {
  return current;
}

/** The Intl locale of the current language, for dates and numbers. */
export function currentLocale(): string {
  return LOCALES[current];
}

/** Switches the language and tells every listener (which re-render their texts). */
export function setLanguage(language: Language): void {
  if (language === current) return;
  current = language;
  for (const listener of listeners) listener(language);
}

/** Calls `listener` after each language switch; returns the unsubscribe function. */
export function onLanguageChange(listener: (language: Language) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The language to start in: the URL's `lang=` parameter when it names one, else the first of the
 * browser's preferred languages the viewer has (`nl-BE` → `nl`), else English.
 */
export function initialLanguage(search: string, preferred: readonly string[]): Language {
  const fromUrl = new URLSearchParams(search).get('lang');
  if (isLanguage(fromUrl)) return fromUrl;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}
