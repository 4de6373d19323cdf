import { t } from '../i18n/i18n.ts';
import type { Layer } from '../layers/layer.ts';
import { el } from './format.ts';

/**
 * Renders one legend section per layer into `container`, each headed by a checkbox that shows or
 * hides the layer. `visible` holds the toggles' state by layer id, so a re-render (after a
 * language switch) keeps them.
 */
export function renderLegends(container: HTMLElement, layers: readonly Layer[], visible: Map<string, boolean>): void {
  container.setAttribute('aria-label', t('ui.legend'));
  container.replaceChildren(
    ...layers.map((layer) => {
      const legend = layer.legend();
      const toggle = el('input', {
        attrs: { type: 'checkbox', 'data-layer': layer.id, 'aria-label': t('legend.show-layer', { layer: layer.title }) },
      });
      toggle.checked = visible.get(layer.id) ?? true;
      toggle.addEventListener('change', () => {
        visible.set(layer.id, toggle.checked);
        layer.setVisible(toggle.checked);
      });
      return el('section', { className: 'legend', attrs: { 'data-layer': layer.id } }, [
        el('h3', {}, [el('label', {}, [toggle, legend.unit ? `${legend.title} (${legend.unit})` : legend.title])]),
        el(
          'ul',
          {},
          legend.items.map((item) =>
            el('li', {}, [
              el('span', {
                className: `swatch ${item.swatch ?? 'filled'}`,
                attrs: { style: `--swatch: ${item.colour}` },
              }),
              el('span', { className: 'label', text: item.label }),
              el('span', { className: 'range', text: item.range ?? '' }),
            ]),
          ),
        ),
        ...(legend.notes ?? []).map((note) => el('p', { className: 'note', text: note })),
      ]);
    }),
  );
}
