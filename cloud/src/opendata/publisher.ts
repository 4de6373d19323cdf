import type { DeviceProfile, Reading } from '@zenne/device-profiles';
import { openDataErrors } from '../errors.ts';
import type { Device } from '../registry/registry.ts';
import type { Entity, TemporalEntity } from './entity.ts';
import { matchesGeoQuery, type GeoQuery } from './geo-query.ts';
import { modelOf, type EntityModel, type ModelSources, type TimeWindow } from './models/index.ts';

export interface EntityFilter {
  types?: readonly string[];
  ids?: readonly string[];
  geo?: GeoQuery;
}

/** A device that is published, with its model and public id. */
export interface Publication {
  device: Device;
  model: EntityModel;
  id: string;
}

/**
 * Turns registry devices and their stored real readings (never a what-if
 * scenario's) into NGSI-LD entities through OPEN_DATA_MODELS.
 *
 * Lifecycle: stateless; every call reads the registry and the store afresh,
 * so answers follow ingest without a cache to invalidate.
 */
export class OpenDataPublisher {
  constructor(
    private readonly sources: ModelSources,
    private readonly profiles: ReadonlyMap<string, DeviceProfile>,
  ) {}

  get config() {
    return this.sources.config;
  }

  get store() {
    return this.sources.store;
  }

  now(): Date {
    return this.sources.now();
  }

  /** Every published device, by entity id. */
  publications(filter: EntityFilter = {}): Publication[] {
    const out: Publication[] = [];
    for (const device of this.sources.registry.listDevices()) {
      const model = modelOf(device, this.profiles.get(device.profile));
      if (!model || (filter.types && !filter.types.includes(model.type))) continue;
      const id = model.entityId(device, this.sources);
      if (filter.ids && !filter.ids.includes(id)) continue;
      if (filter.geo && !matchesGeoQuery(filter.geo, [device.location.lon, device.location.lat])) continue;
      out.push({ device, model, id });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The current entities of the matching devices, sorted by id; devices with nothing publishable yet are left out. */
  async entities(filter: EntityFilter = {}): Promise<Entity[]> {
    const publications = this.publications(filter);
    if (publications.length === 0) return [];
    const latest = await this.sources.store.latest({ devices: publications.map((p) => p.device.id) });
    const byDevice = new Map<string, Reading[]>();
    for (const r of latest) byDevice.set(r.device, [...(byDevice.get(r.device) ?? []), r]);
    const entities = await Promise.all(publications.map((p) => p.model.current(p.device, byDevice.get(p.device.id) ?? [], this.sources)));
    return entities.filter((e): e is Entity => e !== undefined);
  }

  /** One entity by its public id; ENTITY_NOT_FOUND when no published entity has it. */
  async entity(id: string): Promise<Entity> {
    const [entity] = await this.entities({ ids: [id] });
    if (!entity) throw openDataErrors.ENTITY_NOT_FOUND({ id });
    return entity;
  }

  /** The temporal evolution of one entity over the window. */
  async temporal(id: string, window: TimeWindow): Promise<TemporalEntity> {
    const [publication] = this.publications({ ids: [id] });
    if (!publication) throw openDataErrors.ENTITY_NOT_FOUND({ id });
    return publication.model.temporal(publication.device, window, this.sources);
  }
}
