import { afterEach, describe, expect, it } from 'vitest';
import { LANGUAGES, setLanguage } from '../i18n/i18n.ts';
import type { Layer } from './layer.ts';

/**
 * The contract every layer honours without a scene: construction touches neither Cesium nor the
 * network, ids are kebab-case, the legend is complete, and dispose() is safe before init() and
 * idempotent, hiding is safe before init, and the title and legend follow the language. A layer's test file calls `layerContract({ name, create })`; the behaviour in the
 * scene is covered by the viewer's end-to-end test.
 */
export function layerContract(options: { name: string; create: () => Layer }): void {
  describe(`layer contract: ${options.name}`, () => {
    afterEach(() => setLanguage('en'));

    it('has a kebab-case id and a title', () => {
      const layer = options.create();
      expect(layer.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(layer.title.length).toBeGreaterThan(0);
    });

    it('describes a legend with a title and coloured items', () => {
      const legend = options.create().legend();
      expect(legend.title.length).toBeGreaterThan(0);
      expect(legend.items.length).toBeGreaterThan(0);
      for (const item of legend.items) {
        expect(item.label.length).toBeGreaterThan(0);
        expect(item.colour).toMatch(/^#[0-9a-f]{6}$/i);
      }
    });

    it('can be disposed before init, twice', () => {
      const layer = options.create();
      expect(() => {
        layer.dispose();
        layer.dispose();
      }).not.toThrow();
    });

    it('can be hidden and shown before init', () => {
      const layer = options.create();
      expect(() => {
        layer.setVisible(false);
        layer.setVisible(true);
      }).not.toThrow();
    });

    it('names itself and its legend in French, Dutch and English', () => {
      const layer = options.create();
      const titles = new Set<string>();
      for (const language of LANGUAGES) {
        setLanguage(language);
        const legend = layer.legend();
        expect(layer.title.length).toBeGreaterThan(0);
        expect(legend.items.every((item) => item.label.length > 0)).toBe(true);
        titles.add(`${layer.title} | ${legend.title}`);
      }
      expect(titles.size).toBe(LANGUAGES.length);
    });

    it('ignores picks that are not its own', () => {
      const layer = options.create();
      expect(layer.pick?.(undefined) ?? false).toBe(false);
      expect(layer.pick?.({ id: 'something-else' }) ?? false).toBe(false);
    });
  });
}
