import { t } from '../i18n/i18n.ts';
import { el } from './format.ts';

/** The right-hand details panel: one content at a time, with a close button. */
export class SidePanel {
  constructor(private readonly root: HTMLElement) {}

  show(title: string, content: HTMLElement): void {
    const close = el('button', { className: 'close', text: '×', attrs: { 'aria-label': t('ui.close'), type: 'button' } });
    close.addEventListener('click', () => this.close());
    this.root.replaceChildren(el('header', {}, [el('h2', { text: title }), close]), content);
    this.root.hidden = false;
  }

  close(): void {
    this.root.hidden = true;
    this.root.replaceChildren();
  }
}
