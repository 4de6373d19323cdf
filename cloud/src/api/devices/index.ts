import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deviceIdSchema, quantitySchema, type DeviceProfile } from '@zenne/device-profiles';
import { apiErrors } from '../../errors.ts';
import type { Device } from '../../registry/registry.ts';
import { API_PREFIX, errorBodySchema, type ApiContext } from '../api-context.ts';

const deviceFeatureSchema = z.object({
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
    tags: z.record(z.string(), z.string()).optional(),
  }),
});
type DeviceFeature = z.infer<typeof deviceFeatureSchema>;

const featureCollectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(deviceFeatureSchema) });

/** A registry device as a GeoJSON Feature (RFC 7946 §3.2), enriched from its profile. */
function deviceFeature(device: Device, profile: DeviceProfile | undefined): DeviceFeature {
  const { lon, lat, height } = device.location;
  return {
    type: 'Feature',
    id: device.id,
    geometry: { type: 'Point', coordinates: [lon, lat, height] },
    properties: {
      device: device.id,
      name: device.name,
      gateway: device.gateway,
      site: device.site,
      profile: device.profile,
      manufacturer: profile?.manufacturer ?? 'unknown',
      model: profile?.model ?? device.profile,
      quantities: profile?.channels.map((c) => c.quantity) ?? [],
      ...(device.street ? { street: device.street } : {}),
      ...(device.tags ? { tags: device.tags } : {}),
    },
  };
}

/** GET /api/v1/devices and /api/v1/devices/{id}: the registry's devices as GeoJSON. */
export default async function devicesApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get(`${API_PREFIX}/devices`, {
    schema: {
      summary: 'All registered devices as a GeoJSON FeatureCollection',
      tags: ['devices'],
      response: { 200: featureCollectionSchema },
    },
  }, async () => ({
    type: 'FeatureCollection' as const,
    features: ctx.registry.listDevices().map((d) => deviceFeature(d, ctx.profiles.get(d.profile))),
  }));

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/devices/:id`, {
    schema: {
      summary: 'One device as a GeoJSON Feature',
      tags: ['devices'],
      params: z.object({ id: deviceIdSchema }),
      response: { 200: deviceFeatureSchema, 404: errorBodySchema },
    },
  }, async (request) => {
    const device = ctx.registry.getDevice(request.params.id);
    if (!device) throw apiErrors.DEVICE_NOT_FOUND({ device: request.params.id });
    return deviceFeature(device, ctx.profiles.get(device.profile));
  });
}
