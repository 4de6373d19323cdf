import type { DeviceProfile, Reading } from '@zenne/device-profiles';
import type { Device, Registry } from '../../registry/registry.ts';
import type { ReadingStore } from '../../stores/store.ts';
import type { OpenDataConfig } from '../config.ts';
import type { Entity, PropertyValue, TemporalEntity } from '../entity.ts';

/** The EU data themes (publications.europa.eu/resource/authority/data-theme) our datasets use. */
export type DataTheme = 'ENVI' | 'ENER' | 'TRAN';

/** What a model reads to build its entities. */
export interface ModelSources {
  store: ReadingStore;
  registry: Registry;
  config: OpenDataConfig;
  /** Key of the opaque public ids (see pseudonym.ts). */
  pseudonymKey: Buffer;
  now(): Date;
}

export interface TimeWindow {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Most instances per attribute (the oldest first). */
  limit: number;
}

/**
 * One FIWARE Smart Data Model and how registry devices and their readings map
 * onto it. The models are listed in OPEN_DATA_MODELS; the first that
 * `matches` a device publishes it, the others never see it.
 */
export interface EntityModel {
  /** NGSI-LD entity type, the Smart Data Model's name. */
  readonly type: string;
  /** The model's JSON-LD @context. */
  readonly context: string;
  /** `$id` of the model's schema.json (responses in key-values form validate against it). */
  readonly schema: string;
  /** DCAT-AP description of the dataset of this type. */
  readonly dataset: { title: string; description: string; theme: DataTheme; keywords: readonly string[] };
  /**
   * Whether the stored readings may be published as they are. False for
   * people counting: only aggregated buckets leave the cloud, and the
   * catalogue lists no raw-readings distribution for it.
   */
  readonly rawReadingsPublic: boolean;
  matches(device: Device, profile: DeviceProfile): boolean;
  /** The public entity id; never the registry id when the device could reveal a person. */
  entityId(device: Device, sources: ModelSources): string;
  /**
   * The entity as of `latest` (the device's latest reading per quantity).
   * Undefined when nothing publishable exists yet (no reading, or a
   * required attribute missing), so every published entity validates.
   */
  current(device: Device, latest: readonly Reading[], sources: ModelSources): Promise<Entity | undefined>;
  /** Attribute instances over the window; absent attributes have no instance in it. */
  temporal(device: Device, window: TimeWindow, sources: ModelSources): Promise<TemporalEntity>;
}

/** `urn:ngsi-ld:<Type>:<local id>`, the id form of the Smart Data Models examples (NGSI-LD §4.6.2: an absolute URI). */
export function entityUrn(type: string, localId: string): string {
  return `urn:ngsi-ld:${type}:${localId}`;
}

/** GeoJSON point of the device (RFC 7946 §3.1.2); the height is above ground, not an altitude, so it is left out. */
export function deviceLocation(device: Device): Entity['location'] {
  return { type: 'Point', coordinates: [device.location.lon, device.location.lat] };
}

/** Address and area of a device (Location-Commons of the Smart Data Models). */
export function placeProperties(device: Device, registry: Registry): Record<string, PropertyValue> {
  const site = registry.getSite(device.site);
  return {
    ...(device.street && { address: { value: { streetAddress: device.street } } }),
    ...(site && { areaServed: { value: site.name } }),
  };
}
