import type { Cartesian3, Viewer } from 'cesium';
import type { ApiClient } from '../api/client.ts';
import type { PointLook } from './reading-point-style.ts';

/** What the host gives every layer. */
export interface LayerHost {
  readonly viewer: Viewer;
  readonly api: ApiClient;
  /**
   * Asks for one frame. The scene runs in request-render mode (it draws only when asked), so a
   * layer calls this after every visible change.
   */
  requestRender(): void;
  /** Shows `content` in the side panel, replacing what was there. */
  showPanel(title: string, content: HTMLElement): void;
  /** Reports a problem in the status line; `null` clears this layer's message. */
  reportStatus(layerId: string, error: Error | null): void;
}

/** One row of a legend. */
export interface LegendItem {
  label: string;
  /** CSS colour of the swatch. */
  colour: string;
  /** Value range, e.g. "5–15". */
  range?: string;
  /** Swatch style: a filled disc (default) or a ring. */
  swatch?: 'filled' | 'ring';
}

/** A legend as data; the host renders it (and tests read it without a DOM). */
export interface LegendSpec {
  title: string;
  unit?: string;
  items: LegendItem[];
  /** Source and caveats, one line each. */
  notes?: string[];
}

/**
 * A layer of the twin (one folder per layer under src/layers/, listed in src/layers/index.ts).
 *
 * Lifecycle: the host constructs the layer (which must not touch Cesium or the network), calls
 * `init(host)` once, and `dispose()` when the layer goes away. `init` resolves once the layer's
 * first data is drawn (or it has shown why it could not be). `dispose` removes every primitive,
 * closes feeds and timers, and may be called at any time, more than once, even before `init`.
 */
export interface Layer {
  /** kebab-case, unique among layers. */
  readonly id: string;
  /** In the current language (src/i18n); read it again after a language switch. */
  readonly title: string;
  init(host: LayerHost): Promise<void>;
  dispose(): void;
  /** Built in the current language on every call (src/i18n). */
  legend(): LegendSpec;
  /**
   * Shows or hides everything the layer draws (the legend's toggle). Safe before `init`: a layer
   * hidden before its data arrives draws it hidden.
   */
  setVisible(visible: boolean): void;
  /**
   * Offered each object `scene.pick` returns on a click; returns true when the object is this
   * layer's (it then opens its panel). Layers that draw nothing pickable omit it.
   */
  pick?(picked: unknown): boolean;
}

/** Optional ability: a layer that draws devices (the test hook reads these). */
export interface DeviceLayer extends Layer {
  deviceIds(): string[];
  /** False while the layer is hidden (`setVisible(false)`). */
  isVisible(): boolean;
  /** CSS hex colour the device is drawn with, or null when the layer has no such device. */
  colourOf(deviceId: string): string | null;
  /** How the device's point is drawn (fill, ring, size), or null when the layer has no such device. */
  lookOf(deviceId: string): PointLook | null;
  /** World position of the device's point, or null when the layer has no such device. */
  positionOf(deviceId: string): Cartesian3 | null;
}

export function isDeviceLayer(layer: Layer): layer is DeviceLayer {
  const l = layer as Partial<DeviceLayer>;
  return typeof l.deviceIds === 'function' && typeof l.isVisible === 'function' && typeof l.colourOf === 'function' && typeof l.lookOf === 'function' && typeof l.positionOf === 'function';
}
