import type { LegendSpec } from '../layers/layer.ts';
import { el } from './format.ts';

/** Renders legends (one section per layer) into `container`. */
export function renderLegends(container: HTMLElement, legends: readonly LegendSpec[]): void {
  container.replaceChildren(
    ...legends.map((legend) =>
      el('section', { className: 'legend' }, [
        el('h3', { text: legend.unit ? `${legend.title} (${legend.unit})` : legend.title }),
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
      ]),
    ),
  );
}
