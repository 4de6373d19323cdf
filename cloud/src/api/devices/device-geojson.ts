import { z } from 'zod';
import { quantitySchema, type DeviceProfile } from '@zenne/device-profiles';
import { registryErrors } from '../../errors.ts';
import type { UploadRow } from '../../registry/bulk-upsert.ts';
import type { Device } from '../../registry/registry.ts';

export const deviceFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number(), z.number()]) }),
  properties: z.object({
    device: z.string(),
    name: z.string(),
    gateway: z.string(),
    site: z.string(),
    profile: z.string(),
    manufacturer: z.string(),
    model: z.string(),
    quantities: z.array(quantitySchema),
    street: z.string().optional(),
    building: z.string().optional(),
    room: z.string().optional(),
    lamp_post: z.string().optional(),
    tags: z.record(z.string(), z.string()).optional(),
  }),
});
type DeviceFeature = z.infer<typeof deviceFeatureSchema>;

export const deviceCollectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(deviceFeatureSchema) });

/** What an upload must look like as a whole; each feature is then checked on its own. */
export const uploadCollectionSchema = z
  .object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) })
  .describe('GeoJSON FeatureCollection of Point features, as GET /api/v1/devices returns it');

/** Properties the export derives from the profile or repeats; an upload may carry them and they are ignored. */
const DERIVED = new Set(['device', 'manufacturer', 'model', 'quantities']);

/** A registry device as a GeoJSON Feature (RFC 7946 §3.2), enriched from its profile. */
export function deviceFeature(device: Device, profile: DeviceProfile | undefined): DeviceFeature {
  const { id, location, gateway, profile: profileId, name, site, street, building, room, lamp_post, tags } = device;
  const optional = { street, building, room, lamp_post, tags };
  return {
    type: 'Feature',
    id,
    geometry: { type: 'Point', coordinates: [location.lon, location.lat, location.height] },
    properties: {
      device: id,
      name,
      gateway,
      site,
      profile: profileId,
      manufacturer: profile?.manufacturer ?? 'unknown',
      model: profile?.model ?? profileId,
      quantities: profile?.channels.map((c) => c.quantity) ?? [],
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    },
  };
}

function featureRow(feature: unknown, index: number): UploadRow {
  const row = { row: index + 1, where: `features[${index}]` };
  const f = feature as { type?: unknown; id?: unknown; geometry?: { type?: unknown; coordinates?: unknown }; properties?: unknown };
  if (typeof f !== 'object' || f === null || f.type !== 'Feature') return { ...row, value: {}, issues: [{ field: 'type', reason: 'expected a GeoJSON Feature' }] };
  const properties = (typeof f.properties === 'object' && f.properties !== null ? f.properties : {}) as Record<string, unknown>;
  const id = f.id ?? properties.device;
  const value: Record<string, unknown> = Object.fromEntries(Object.entries(properties).filter(([k]) => !DERIVED.has(k)));
  if (id !== undefined) value.id = id;
  const issues = [];
  if (f.id !== undefined && properties.device !== undefined && f.id !== properties.device) {
    issues.push({ field: 'id', reason: `the feature id "${String(f.id)}" differs from properties.device "${String(properties.device)}"` });
  }
  const coordinates = f.geometry?.coordinates;
  if (f.geometry?.type !== 'Point' || !Array.isArray(coordinates)) issues.push({ field: 'location', reason: 'expected a Point geometry [lon, lat, height?]' });
  else value.location = { lon: coordinates[0], lat: coordinates[1], ...(coordinates.length > 2 ? { height: coordinates[2] } : {}) };
  return { ...row, value, ...(issues.length > 0 ? { issues } : {}) };
}

/** Reads an uploaded FeatureCollection; feature i becomes row i + 1. */
export function readDevicesGeoJson(body: unknown): UploadRow[] {
  const parsed = uploadCollectionSchema.safeParse(body);
  if (!parsed.success) {
    throw registryErrors.UPLOAD_UNREADABLE({ format: 'GeoJSON', reason: 'expected a FeatureCollection with a features array' });
  }
  return parsed.data.features.map(featureRow);
}

const COORDINATE = { lon: 0, lat: 1, height: 2 } as Record<string, number>;

/** Names a device field path as the GeoJSON member that holds it. */
export function geoJsonFieldName(path: string): string {
  if (path === 'id') return 'id';
  if (path === 'location') return 'geometry';
  if (path.startsWith('location.')) return `geometry.coordinates[${COORDINATE[path.slice('location.'.length)]}]`;
  return `properties.${path}`;
}
