import type { Viewer } from 'cesium';
import { cesium } from './cesium.ts';
import { currentLanguage } from './i18n/i18n.ts';
import { isDeviceLayer, type Layer } from './layers/layer.ts';
import type { PointLook } from './layers/reading-point-style.ts';

/**
 * TEST HOOK — read-only state for end-to-end tests (twin-viewer/test/viewer.e2e.test.ts), not an
 * API: `window.__zenne`.
 * - `ready`: the buildings are drawn, every layer's init has resolved and a frame was rendered.
 * - `buildings`: building footprints drawn; `sensors`: device points drawn by the shown device layers.
 * - `colourOf(deviceId)`: the CSS hex colour identifying the device's point, null if unknown.
 * - `lookOf(deviceId)`: how the point is drawn (fill, ring, outline, size), null if unknown.
 * - `language`: the language the page shows (`en`, `fr`, `nl`).
 * - `labelsDrawn()`: resolves once the scene's labels are drawn in the current language.
 * - `screenPositionOf(deviceId)`: the point's position in CSS pixels of the page (for clicks),
 *   null if unknown or off screen.
 */
export interface ZenneTestHook {
  readonly ready: boolean;
  readonly buildings: number;
  readonly sensors: number;
  readonly language: string;
  labelsDrawn(): Promise<void>;
  colourOf(deviceId: string): string | null;
  lookOf(deviceId: string): PointLook | null;
  screenPositionOf(deviceId: string): { x: number; y: number } | null;
}

declare global {
  interface Window {
    __zenne?: ZenneTestHook;
  }
}

export interface TestHookState {
  ready: boolean;
  buildings: number;
  /** Settles when the landmark labels show the current language (after a switch). */
  labelsDrawn: Promise<void>;
}

export function installTestHook(viewer: Viewer, layers: readonly Layer[], state: Readonly<TestHookState>): void {
  const deviceLayers = layers.filter(isDeviceLayer);
  const hook: ZenneTestHook = Object.freeze({
    get ready() {
      return state.ready;
    },
    get buildings() {
      return state.buildings;
    },
    get sensors() {
      return deviceLayers.reduce((n, l) => n + (l.isVisible() ? l.deviceIds().length : 0), 0);
    },
    get language() {
      return currentLanguage();
    },
    labelsDrawn() {
      return state.labelsDrawn;
    },
    colourOf(deviceId: string) {
      for (const l of deviceLayers) {
        const colour = l.colourOf(deviceId);
        if (colour) return colour;
      }
      return null;
    },
    lookOf(deviceId: string) {
      return deviceLayers.map((l) => l.lookOf(deviceId)).find((look) => look !== null) ?? null;
    },
    screenPositionOf(deviceId: string) {
      const position = deviceLayers.map((l) => l.positionOf(deviceId)).find((p) => p !== null);
      if (!position) return null;
      const xy = cesium().SceneTransforms.worldToWindowCoordinates(viewer.scene, position);
      if (!xy) return null;
      const rect = viewer.scene.canvas.getBoundingClientRect();
      return { x: rect.left + xy.x, y: rect.top + xy.y };
    },
  });
  Object.defineProperty(window, '__zenne', { value: hook, writable: false, configurable: false });
}
