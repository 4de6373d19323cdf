import type { Viewer } from 'cesium';
import { cesium } from './cesium.ts';
import { isDeviceLayer, type Layer } from './layers/layer.ts';

/**
 * TEST HOOK — read-only state for end-to-end tests (twin-viewer/test/viewer.e2e.test.ts), not an
 * API: `window.__zenne`.
 * - `ready`: the buildings are drawn, every layer's init has resolved and a frame was rendered.
 * - `buildings`: building footprints drawn; `sensors`: device points drawn by device layers.
 * - `colourOf(deviceId)`: the CSS hex colour identifying the device's point, null if unknown.
 * - `screenPositionOf(deviceId)`: the point's position in CSS pixels of the page (for clicks),
 *   null if unknown or off screen.
 */
export interface ZenneTestHook {
  readonly ready: boolean;
  readonly buildings: number;
  readonly sensors: number;
  colourOf(deviceId: string): string | null;
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
      return deviceLayers.reduce((n, l) => n + l.deviceIds().length, 0);
    },
    colourOf(deviceId: string) {
      for (const l of deviceLayers) {
        const colour = l.colourOf(deviceId);
        if (colour) return colour;
      }
      return null;
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
