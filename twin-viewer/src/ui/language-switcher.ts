import { currentLanguage, LANGUAGES, setLanguage, t, type Language } from '../i18n/i18n.ts';
import { el } from './format.ts';

/**
 * A language menu: each language named in itself (Français, Nederlands, English). Choosing one
 * switches the viewer and writes `lang=` into the address, so a copied link opens in it.
 */
export function renderLanguageSwitcher(container: HTMLElement): void {
  const select = el('select', { attrs: { id: 'language-select', 'aria-label': t('language.choose') } });
  for (const language of LANGUAGES) {
    const option = el('option', { text: t('language.name', {}, language), attrs: { value: language, lang: language } });
    option.selected = language === currentLanguage();
    select.append(option);
  }
  select.addEventListener('change', () => {
    const language = select.value as Language;
    const url = new URL(window.location.href);
    url.searchParams.set('lang', language);
    window.history.replaceState(window.history.state, '', url);
    setLanguage(language);
    select.setAttribute('aria-label', t('language.choose'));
  });
  container.replaceChildren(select);
}
