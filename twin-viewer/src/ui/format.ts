import { currentLocale } from '../i18n/i18n.ts';

/** Display helpers for the panels, in the current language; times are shown in Brussels time. */
const timeFormats = new Map<string, Intl.DateTimeFormat>();
const valueFormats = new Map<string, Intl.NumberFormat>();

export function formatTime(iso: string): string {
  const locale = currentLocale();
  let format = timeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone: 'Europe/Brussels',
      day: '2-digit',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    timeFormats.set(locale, format);
  }
  return format.format(new Date(iso));
}

/**
 * A value in the current locale: `digits` decimals, by default one below 100 and none above (a
 * sensor's resolution rarely justifies more).
 */
export function formatValue(value: number, digits: number = Math.abs(value) >= 100 ? 0 : 1): string {
  const key = `${currentLocale()}/${digits}`;
  let format = valueFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(currentLocale(), { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
    valueFormats.set(key, format);
  }
  return format.format(value);
}

/** Creates an element with text content (never innerHTML for data from the API). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [k, v] of Object.entries(options.attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}
