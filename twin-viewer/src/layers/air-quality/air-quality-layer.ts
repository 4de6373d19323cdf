import type { Reading } from '@zenne/device-profiles/contracts';
import type { Cartesian3, PointPrimitive, PointPrimitiveCollection } from 'cesium';
import { openLiveFeed } from '../../api/live-feed.ts';
import type { DeviceFeature } from '../../api/schemas.ts';
import { cesium } from '../../cesium.ts';
import type { DeviceLayer, LayerHost, LegendSpec } from '../layer.ts';
import { EAQI_PM25_BANDS, NO_VALUE_COLOUR } from './eaqi.ts';
import { pointStyle } from './point-style.ts';
import { sensorPanel } from './sensor-panel.ts';

const LAYER_ID = 'air-quality';
const QUANTITY = 'pm2_5';
/** Sensors are mounted a few metres up; a device without a height is drawn at this one. */
const DEFAULT_HEIGHT_M = 3;
const RETRY_AFTER_MS = 5000;

/** What `PointPrimitive.id` holds, so a pick can be traced back to the layer and device. */
interface PickId {
  layer: typeof LAYER_ID;
  device: string;
}

interface SensorState {
  feature: DeviceFeature;
  point: PointPrimitive;
  reading: Reading | null;
}

function isPickId(value: unknown): value is PickId {
  return typeof value === 'object' && value !== null && (value as PickId).layer === LAYER_ID && typeof (value as PickId).device === 'string';
}

/**
 * Air quality: every device that measures PM2.5 as a point (one PointPrimitiveCollection),
 * coloured by its latest PM2.5 on the EAQI bands, updated live from `/api/v1/live`.
 * Clicking a point opens the sensor panel with 24 h charts.
 */
export class AirQualityLayer implements DeviceLayer {
  readonly id = LAYER_ID;
  readonly title = 'Air quality';

  private host: LayerHost | null = null;
  private points: PointPrimitiveCollection | null = null;
  private feed: { close(): void } | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  /** Map(deviceId -> state); only devices whose `quantities` include pm2_5. */
  private readonly sensors = new Map<string, SensorState>();
  private openPanel: { device: string; setLatest(r: Reading | null): void } | null = null;
  private disposed = false;

  async init(host: LayerHost): Promise<void> {
    this.host = host;
    this.points = host.viewer.scene.primitives.add(new (cesium().PointPrimitiveCollection)()) as PointPrimitiveCollection;
    await this.load();
    if (this.disposed) return;
    this.feed = openLiveFeed({
      api: host.api,
      url: host.api.liveUrl(QUANTITY),
      onReading: (reading) => this.apply(reading),
      onStatus: (error) => host.reportStatus(`${this.id}/live`, error),
    });
    host.requestRender();
  }

  /** Fetches the devices and their latest PM2.5; on failure reports it and retries later. */
  private async load(): Promise<void> {
    const host = this.host;
    if (!host || this.disposed) return;
    try {
      const devices = (await host.api.devices()).filter((d) => d.properties.quantities.includes(QUANTITY));
      const latest = await host.api.latest(QUANTITY);
      if (this.disposed) return;
      this.draw(devices);
      for (const reading of latest) this.apply(reading);
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
      if (this.sensors.has(feature.id) || !this.points) continue;
      const [lon, lat, height] = feature.geometry.coordinates;
      const point = this.points.add({
        id: { layer: LAYER_ID, device: feature.id } satisfies PickId,
        position: C.Cartesian3.fromDegrees(lon, lat, height ?? DEFAULT_HEIGHT_M),
        pixelSize: 16,
        // Always drawn over buildings: a sensor in a street canyon stays visible from above.
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
      const state: SensorState = { feature, point, reading: null };
      this.sensors.set(feature.id, state);
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
    this.sensors.clear();
  }

  legend(): LegendSpec {
    return {
      title: 'PM2.5 — European Air Quality Index',
      unit: 'µg/m³',
      items: [
        ...EAQI_PM25_BANDS.map((b) => ({
          label: b.label,
          colour: b.colour,
          range: b.level === 6 ? `> ${b.lower}` : `${b.lower}–${b.upper}`,
        })),
        { label: 'No value', colour: NO_VALUE_COLOUR, range: '' },
        { label: 'Suspect reading', colour: EAQI_PM25_BANDS[2]!.colour, range: 'ring', swatch: 'ring' as const },
      ],
      notes: ['Bands: EEA European Air Quality Index (current revision).', 'Latest reading per sensor; click a sensor for 24 h.'],
    };
  }

  pick(picked: unknown): boolean {
    const id = (picked as { id?: unknown } | undefined)?.id;
    if (!isPickId(id)) return false;
    const state = this.sensors.get(id.device);
    if (!state || !this.host) return false;
    const panel = sensorPanel(state.feature, state.reading, this.host.api);
    this.openPanel = { device: id.device, setLatest: panel.setLatest };
    this.host.showPanel(state.feature.properties.name, panel.content);
    return true;
  }

  deviceIds(): string[] {
    return [...this.sensors.keys()];
  }

  colourOf(deviceId: string): string | null {
    const state = this.sensors.get(deviceId);
    return state ? pointStyle(state.reading).colour : null;
  }

  positionOf(deviceId: string): Cartesian3 | null {
    return this.sensors.get(deviceId)?.point.position ?? null;
  }

  /** Applies a reading when it is for a known sensor and not older than what is shown. */
  private apply(reading: Reading): void {
    if (reading.quantity !== QUANTITY) return;
    const state = this.sensors.get(reading.device);
    if (!state) return;
    if (state.reading && reading.ts < state.reading.ts) return;
    state.reading = reading;
    this.restyle(state);
    if (this.openPanel?.device === reading.device && !this.panelClosed()) this.openPanel.setLatest(reading);
    this.host?.requestRender();
  }

  private panelClosed(): boolean {
    return !document.querySelector(`.sensor-panel[data-device="${CSS.escape(this.openPanel?.device ?? '')}"]`);
  }

  private restyle(state: SensorState): void {
    const C = cesium();
    const style = pointStyle(state.reading);
    state.point.color = C.Color.fromCssColorString(style.fill).withAlpha(style.fillAlpha);
    state.point.outlineColor = C.Color.fromCssColorString(style.outline);
    state.point.outlineWidth = style.outlineWidth;
  }
}
