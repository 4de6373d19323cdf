import type { Quantity, Reading } from '@zenne/device-profiles/contracts';
import type { Cartesian3, PointPrimitive, PointPrimitiveCollection } from 'cesium';
import { MAX_DEVICES_PER_QUERY, type ApiClient, type ReadingFilter } from '../api/client.ts';
import { openLiveFeed } from '../api/live-feed.ts';
import type { DeviceFeature } from '../api/schemas.ts';
import { cesium } from '../cesium.ts';
import type { DeviceLayer, LayerHost, LegendSpec } from './layer.ts';
import type { PointLook } from './reading-point-style.ts';

/** Devices are mounted a few metres up; one without a height is drawn at this one. */
const DEFAULT_HEIGHT_M = 3;
const RETRY_AFTER_MS = 5000;

/** The latest reading of each quantity a layer reads, for one device. */
export type LatestReadings = ReadonlyMap<Quantity, Reading>;

/** What a layer's panel offers back: its content, and a way to show newer readings in it. */
export interface OpenPanel {
  content: HTMLElement;
  update(latest: LatestReadings): void;
}

/** What `PointPrimitive.id` holds, so a pick can be traced back to the layer and device. */
interface PickId {
  layer: string;
  device: string;
}

interface DeviceState {
  feature: DeviceFeature;
  point: PointPrimitive;
  latest: Map<Quantity, Reading>;
}

/**
 * The machinery of a layer that draws devices as points (one PointPrimitiveCollection, not an
 * Entity per device): it selects its devices from `GET /devices`, fetches their latest readings,
 * follows the live feed, keeps the newest reading per (device, quantity), restyles a point when
 * one of its readings changes, hides and shows, and opens the layer's panel on a click.
 * A subclass says which devices and quantities it reads, how a device looks and what its panel
 * shows. Lifecycle as `Layer`: construction touches neither Cesium nor the network.
 */
export abstract class PointDeviceLayer implements DeviceLayer {
  abstract readonly id: string;
  abstract get title(): string;
  abstract legend(): LegendSpec;
  /** The quantities the layer reads; readings of others are ignored. */
  protected abstract readonly quantities: readonly Quantity[];
  /** Whether a device of the API belongs to this layer. */
  protected abstract selects(device: DeviceFeature): boolean;
  /** How a device looks given its latest readings (pure). */
  protected abstract look(latest: LatestReadings): PointLook;
  /** Builds the device's panel. */
  protected abstract openPanel(device: DeviceFeature, latest: LatestReadings, api: ApiClient): OpenPanel;

  private host: LayerHost | null = null;
  private points: PointPrimitiveCollection | null = null;
  private feed: { close(): void } | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private readonly devices = new Map<string, DeviceState>();
  private panel: { device: string; open: OpenPanel } | null = null;
  private disposed = false;
  private visible = true;

  async init(host: LayerHost): Promise<void> {
    this.host = host;
    this.points = host.viewer.scene.primitives.add(new (cesium().PointPrimitiveCollection)()) as PointPrimitiveCollection;
    this.points.show = this.visible;
    await this.load();
  }

  /**
   * One quantity: ask for it across devices. Several: ask for this layer's devices (the cloud
   * takes up to 1000 ids; beyond, everything comes and `apply` keeps what is the layer's).
   */
  private readingFilter(): ReadingFilter {
    if (this.quantities.length === 1) return { quantity: this.quantities[0]! };
    return this.devices.size <= MAX_DEVICES_PER_QUERY ? { devices: [...this.devices.keys()] } : {};
  }

  /**
   * Fetches the devices and their latest readings and opens the live feed; on failure reports it
   * and retries later.
   */
  private async load(): Promise<void> {
    const host = this.host;
    if (!host || this.disposed) return;
    try {
      const devices = (await host.api.devices()).filter((d) => this.selects(d));
      if (this.disposed) return;
      this.draw(devices);
      const latest = this.devices.size > 0 ? await host.api.latest(this.readingFilter()) : [];
      if (this.disposed) return;
      for (const reading of latest) this.apply(reading);
      // Opened once the devices are known: the feed of a multi-quantity layer names them.
      if (!this.feed && this.devices.size > 0) {
        this.feed = openLiveFeed({
          api: host.api,
          url: host.api.liveUrl(this.readingFilter()),
          onReading: (reading) => this.apply(reading),
          onStatus: (error) => host.reportStatus(`${this.id}/live`, error),
        });
      }
      host.reportStatus(this.id, null);
    } catch (err) {
      host.reportStatus(this.id, err as Error);
      this.retry = setTimeout(() => void this.load(), RETRY_AFTER_MS);
    }
    host.requestRender();
  }

  private draw(devices: readonly DeviceFeature[]): void {
    const C = cesium();
    for (const feature of devices) {
      if (this.devices.has(feature.id) || !this.points) continue;
      const [lon, lat, height] = feature.geometry.coordinates;
      const point = this.points.add({
        id: { layer: this.id, device: feature.id } satisfies PickId,
        position: C.Cartesian3.fromDegrees(lon, lat, height ?? DEFAULT_HEIGHT_M),
        // Always drawn over buildings: a device in a street canyon stays visible from above.
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
      const state: DeviceState = { feature, point, latest: new Map() };
      this.devices.set(feature.id, state);
      this.restyle(state);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.feed?.close();
    this.feed = null;
    if (this.points && this.host && !this.host.viewer.isDestroyed()) this.host.viewer.scene.primitives.remove(this.points);
    this.points = null;
    this.devices.clear();
    this.panel = null;
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (this.points) this.points.show = visible;
    this.host?.requestRender();
  }

  isVisible(): boolean {
    return this.visible;
  }

  pick(picked: unknown): boolean {
    const id = (picked as { id?: unknown } | undefined)?.id;
    if (!this.isOwnPickId(id)) return false;
    const state = this.devices.get(id.device);
    if (!state || !this.host) return false;
    const open = this.openPanel(state.feature, state.latest, this.host.api);
    this.panel = { device: id.device, open };
    this.host.showPanel(state.feature.properties.name, open.content);
    return true;
  }

  deviceIds(): string[] {
    return [...this.devices.keys()];
  }

  colourOf(deviceId: string): string | null {
    const state = this.devices.get(deviceId);
    return state ? this.look(state.latest).colour : null;
  }

  lookOf(deviceId: string): PointLook | null {
    const state = this.devices.get(deviceId);
    return state ? this.look(state.latest) : null;
  }

  positionOf(deviceId: string): Cartesian3 | null {
    return this.devices.get(deviceId)?.point.position ?? null;
  }

  private isOwnPickId(value: unknown): value is PickId {
    const v = value as Partial<PickId> | null;
    return typeof v === 'object' && v !== null && v.layer === this.id && typeof v.device === 'string';
  }

  /** Keeps a reading when it is the layer's, for a known device, and not older than what is shown. */
  private apply(reading: Reading): void {
    if (!this.quantities.includes(reading.quantity)) return;
    const state = this.devices.get(reading.device);
    if (!state) return;
    const shown = state.latest.get(reading.quantity);
    if (shown && reading.ts < shown.ts) return;
    state.latest.set(reading.quantity, reading);
    this.restyle(state);
    if (this.panel?.device === reading.device && this.panel.open.content.isConnected) this.panel.open.update(state.latest);
    this.host?.requestRender();
  }

  private restyle(state: DeviceState): void {
    const C = cesium();
    const look = this.look(state.latest);
    state.point.color = C.Color.fromCssColorString(look.fill).withAlpha(look.fillAlpha);
    state.point.outlineColor = C.Color.fromCssColorString(look.outline);
    state.point.outlineWidth = look.outlineWidth;
    state.point.pixelSize = look.pixelSize;
  }
}
