/**
 * An NGSI-LD entity before rendering (ETSI GS CIM 009 §4.5): `location` is
 * its GeoProperty, every other attribute a Property. The renderers below give
 * the normalized and the key-values (simplified) representations, §4.5.1 and
 * §4.5.3; temporal ones are §4.5.7 (normalized) and §4.5.9 (temporalValues).
 */
export interface PointGeometry {
  type: 'Point';
  coordinates: [number, number];
}

export interface PropertyValue {
  value: unknown;
  /** ISO-8601 UTC; the time the value was measured. */
  observedAt?: string;
  /** UN/CEFACT common code of the value's unit. */
  unitCode?: string;
}

export interface Entity {
  id: string;
  type: string;
  location?: PointGeometry;
  properties: Record<string, PropertyValue>;
}

/** The instances of each attribute over a time window, oldest first; `observedAt` is set on every one. */
export interface TemporalEntity {
  id: string;
  type: string;
  location?: PointGeometry;
  series: Record<string, PropertyValue[]>;
}

/** Keeps only the attributes named in `attrs` (id and type always stay); no list keeps all. */
function pickAttributes<T extends Record<string, unknown>>(attributes: T, attrs: readonly string[] | undefined): T {
  if (!attrs) return attributes;
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => attrs.includes(name))) as T;
}

function property(p: PropertyValue): Record<string, unknown> {
  return { type: 'Property', value: p.value, ...(p.observedAt && { observedAt: p.observedAt }), ...(p.unitCode && { unitCode: p.unitCode }) };
}

const geoProperty = (g: PointGeometry) => ({ type: 'GeoProperty', value: g });
const plainGeometry = (g: PointGeometry) => g;

/** id, type, the location (if kept) and each kept attribute rendered by `attribute`. */
function render<A>(
  entity: { id: string; type: string; location?: PointGeometry },
  attributes: Record<string, A>,
  attrs: readonly string[] | undefined,
  location: (g: PointGeometry) => unknown,
  attribute: (a: A) => unknown,
): Record<string, unknown> {
  return {
    id: entity.id,
    type: entity.type,
    ...(entity.location && (!attrs || attrs.includes('location')) && { location: location(entity.location) }),
    ...Object.fromEntries(Object.entries(pickAttributes(attributes, attrs)).map(([name, a]) => [name, attribute(a)])),
  };
}

export const keyValues = (e: Entity, attrs?: readonly string[]) => render(e, e.properties, attrs, plainGeometry, (p) => p.value);

export const normalized = (e: Entity, attrs?: readonly string[]) => render(e, e.properties, attrs, geoProperty, property);

export const temporalNormalized = (e: TemporalEntity, attrs?: readonly string[]) =>
  render(e, e.series, attrs, geoProperty, (instances) => instances.map(property));

export const temporalValues = (e: TemporalEntity, attrs?: readonly string[]) =>
  render(e, e.series, attrs, plainGeometry, (instances) => ({ type: 'Property', values: instances.map((p) => [p.value, p.observedAt]) }));
