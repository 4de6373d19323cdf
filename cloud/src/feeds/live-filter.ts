import { z } from 'zod';
import { quantitySchema, type Reading } from '@zenne/device-profiles';
import { deviceListParam, scenarioParam } from '../api/api-context.ts';
import type { Registry } from '../registry/registry.ts';
import type { LatestFilter } from '../stores/store.ts';

const degrees = (min: number, max: number) =>
  z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number of degrees').transform(Number).pipe(z.number().min(min).max(max));

/** `minLon,minLat,maxLon,maxLat` in WGS84 degrees (the order of RFC 7946 §5 bounding boxes). */
const bboxParam = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()))
  .pipe(z.tuple([degrees(-180, 180), degrees(-90, 90), degrees(-180, 180), degrees(-90, 90)]))
  .refine(([minLon, minLat, maxLon, maxLat]) => minLon <= maxLon && minLat <= maxLat, 'give minLon,minLat,maxLon,maxLat with min ≤ max')
  .describe('minLon,minLat,maxLon,maxLat (WGS84 degrees)');

/** The query of every live stream (SSE and WebSocket): each given filter narrows the readings sent. */
export const liveFilterQuery = z.strictObject({
  device: deviceListParam.optional(),
  quantity: quantitySchema.optional(),
  scenario: scenarioParam.optional(),
  bbox: bboxParam.optional(),
  building: z.string().min(1).max(200).optional().describe('registry building id; devices whose `building` is this one'),
});
export type LiveFilter = z.output<typeof liveFilterQuery>;

/**
 * Whether a reading passes `filter`. Place filters (bbox, building) use the
 * registry as it is when the reading arrives, so a device moved or added
 * while a stream is open is judged by its current record; a reading of a
 * device the registry does not know never passes a place filter.
 */
export function liveMatcher(filter: LiveFilter, registry: Registry): (r: Reading) => boolean {
  const { device, quantity, scenario, bbox, building } = filter;
  return (r) => {
    if ((r.scenario ?? undefined) !== scenario) return false;
    if (quantity !== undefined && r.quantity !== quantity) return false;
    if (device !== undefined && !device.includes(r.device)) return false;
    if (bbox === undefined && building === undefined) return true;
    const d = registry.getDevice(r.device);
    if (!d) return false;
    if (building !== undefined && d.building !== building) return false;
    if (bbox !== undefined) {
      const [minLon, minLat, maxLon, maxLat] = bbox;
      const { lon, lat } = d.location;
      if (lon < minLon || lon > maxLon || lat < minLat || lat > maxLat) return false;
    }
    return true;
  };
}

/** The store query for the latest values of a filter; place filters are applied afterwards with liveMatcher. */
export function latestQuery(filter: LiveFilter): LatestFilter {
  return { devices: filter.device, quantity: filter.quantity, scenario: filter.scenario };
}
