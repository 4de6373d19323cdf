import type { Quantity, Reading } from '@zenne/device-profiles';
import type { Device } from '../../registry/registry.ts';
import type { PropertyValue, TemporalEntity } from '../entity.ts';
import { deviceLocation, entityUrn, placeProperties, type EntityModel, type ModelSources, type TimeWindow } from './model.ts';

/** One attribute of a model, fed by one quantity. */
export interface AttributeRule {
  attribute: string;
  quantity: Quantity;
  /** UN/CEFACT common code of the published value. */
  unitCode?: string;
  /** The published value from the canonical one; undefined leaves the attribute out. */
  value(canonical: number): unknown;
}

export interface ObservationModelSpec extends Pick<EntityModel, 'type' | 'context' | 'schema' | 'dataset' | 'matches'> {
  rules: readonly AttributeRule[];
  /** The model's attribute for the observation time. */
  observedAtAttribute: 'dateObserved' | 'observationDateTime';
  /** Attributes the model's schema requires beyond id, type, location and the observation time. */
  required?: readonly string[];
  /** Attributes that follow from the device and its profile, not from readings. */
  fixed?(device: Device): Record<string, unknown>;
}

const same = (v: number) => v;

/** A rule that publishes the canonical value as it is. */
export function direct(attribute: string, quantity: Quantity, unitCode: string): AttributeRule {
  return { attribute, quantity, unitCode, value: same };
}

/** Canonical percent (0-100) as the fraction (0-1) the Smart Data Models use for humidity and levels. */
export const percentAsFraction = (v: number) => v / 100;

/** Canonical Wh as kWh, the unit of the energy models' totals. */
export const whAsKwh = (v: number) => v / 1000;

/**
 * A model whose attributes are the device's readings mapped one by one
 * (several attributes may read one quantity). Readings of quality `bad` are
 * not measurements and are never published: while a quantity's latest
 * reading is bad, its attribute is absent from the current entity rather
 * than showing an older value as current. The entity's observation time is
 * the newest of the readings it shows.
 */
export function observationModel(spec: ObservationModelSpec): EntityModel {
  const quantities = [...new Set(spec.rules.map((r) => r.quantity))];

  function attributesOf(reading: Reading): [string, PropertyValue][] {
    if (reading.quality === 'bad') return [];
    return spec.rules
      .filter((r) => r.quantity === reading.quantity)
      .map((r) => [r.attribute, { value: r.value(reading.value), observedAt: reading.ts, ...(r.unitCode && { unitCode: r.unitCode }) }] as [string, PropertyValue])
      .filter(([, p]) => p.value !== undefined);
  }

  return {
    type: spec.type,
    context: spec.context,
    schema: spec.schema,
    dataset: spec.dataset,
    rawReadingsPublic: true,
    matches: spec.matches,
    entityId: (device) => entityUrn(spec.type, device.id),

    async current(device, latest, sources) {
      const measured = Object.fromEntries(latest.flatMap(attributesOf));
      if (Object.keys(measured).length === 0) return undefined;
      if (spec.required?.some((name) => !(name in measured))) return undefined;
      const observedAt = Object.values(measured).reduce((max, p) => (p.observedAt! > max ? p.observedAt! : max), '');
      const fixed = spec.fixed?.(device) ?? {};
      return {
        id: entityUrn(spec.type, device.id),
        type: spec.type,
        location: deviceLocation(device),
        properties: {
          name: { value: device.name },
          ...placeProperties(device, sources.registry),
          ...Object.fromEntries(Object.entries(fixed).map(([k, value]) => [k, { value }])),
          [spec.observedAtAttribute]: { value: observedAt },
          ...measured,
        },
      };
    },

    async temporal(device: Device, window: TimeWindow, sources: ModelSources): Promise<TemporalEntity> {
      const series: Record<string, PropertyValue[]> = {};
      for (const quantity of quantities) {
        const readings = await sources.store.list({ device: device.id, quantity, from: window.from, to: window.to, limit: window.limit });
        for (const [name, p] of readings.flatMap(attributesOf)) (series[name] ??= []).push(p);
      }
      return { id: entityUrn(spec.type, device.id), type: spec.type, location: deviceLocation(device), series };
    },
  };
}
