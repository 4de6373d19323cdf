import type { Quantity } from '@zenne/device-profiles';
import type { Device } from '../../registry/registry.ts';
import type { PropertyValue } from '../entity.ts';
import { pseudonym } from '../pseudonym.ts';
import { deviceLocation, entityUrn, placeProperties, type EntityModel, type ModelSources } from './model.ts';
import { measuresAny, subjectContext } from './profile-traits.ts';

const TYPE = 'CrowdFlowObserved';
const FLOWS = ['people_flow_in', 'people_flow_out'] as const satisfies readonly Quantity[];

interface BucketCounts {
  towards?: number;
  away?: number;
}

/**
 * The counts a bucket may show. A total below `min_count` is suppressed
 * entirely; the directional split is shown only when both directions reach
 * `min_count` too, otherwise total − shown direction would give the small one.
 */
export function publishableCounts(counts: BucketCounts, minCount: number): Record<string, number> {
  const total = (counts.towards ?? 0) + (counts.away ?? 0);
  if (total < minCount) return {};
  const split = counts.towards !== undefined && counts.away !== undefined && counts.towards >= minCount && counts.away >= minCount;
  return split ? { peopleCount: total, peopleCountTowards: counts.towards!, peopleCountAway: counts.away! } : { peopleCount: total };
}

/** People per bucket (start ms → counts) over [from, to), both bucket-aligned. */
async function bucketCounts(device: Device, from: number, to: number, sources: ModelSources): Promise<Map<number, BucketCounts>> {
  const buckets = new Map<number, BucketCounts>();
  if (to <= from) return buckets;
  for (const quantity of FLOWS) {
    const points = await sources.store.history({ device: device.id, quantity, from: new Date(from), to: new Date(to), bucket_s: sources.config.people_counting.bucket_s });
    for (const p of points) {
      const start = Date.parse(p.ts);
      const counts = buckets.get(start) ?? {};
      // Flows are counts per reporting interval: the bucket's count is their sum.
      counts[quantity === 'people_flow_in' ? 'towards' : 'away'] = Math.round(p.avg * p.count);
      buckets.set(start, counts);
    }
  }
  return buckets;
}

/**
 * CrowdFlowObserved (dataModel.Transportation): line-crossing people
 * counters, published only in aggregate (privacy rules of issue 4):
 *  - counts are summed over complete buckets of `people_counting.bucket_s`
 *    (≥ 15 min) aligned on the epoch; a bucket still filling is never shown,
 *    and a window is widened to whole buckets, so no two answers differ by
 *    a few minutes' passers-by;
 *  - counts below `people_counting.min_count` are suppressed;
 *  - the entity id is a keyed hash of the device id, and neither the device's
 *    registry id nor its name appears in any answer.
 * Occupancy (`people_count`) is not published.
 */
export const crowdFlowObserved: EntityModel = {
  type: TYPE,
  context: subjectContext('Transportation'),
  schema: 'https://smart-data-models.github.io/dataModel.Transportation/CrowdFlowObserved/schema.json',
  dataset: {
    title: 'Pedestrian flows',
    description: 'People passing counting lines, summed per 15 minutes or coarser; small counts are suppressed.',
    theme: 'TRAN',
    keywords: ['pedestrians', 'people counting', 'mobility'],
  },
  rawReadingsPublic: false,
  matches: (_device, profile) => measuresAny(profile, FLOWS),
  entityId: (device, sources) => entityUrn(TYPE, pseudonym(sources.pseudonymKey, device.id)),

  async current(device, latest, sources) {
    const flows = latest.filter((r) => (FLOWS as readonly string[]).includes(r.quantity));
    if (flows.length === 0) return undefined;
    const bucketMs = sources.config.people_counting.bucket_s * 1000;
    const newest = Math.max(...flows.map((r) => Date.parse(r.ts)));
    const end = Math.min(Math.floor(newest / bucketMs) * bucketMs + bucketMs, Math.floor(sources.now().getTime() / bucketMs) * bucketMs);
    const start = end - bucketMs;
    const counts = (await bucketCounts(device, start, end, sources)).get(start) ?? {};
    const from = new Date(start).toISOString();
    const to = new Date(end).toISOString();
    const shown = publishableCounts(counts, sources.config.people_counting.min_count);
    return {
      id: crowdFlowObserved.entityId(device, sources),
      type: TYPE,
      location: deviceLocation(device),
      properties: {
        ...placeProperties(device, sources.registry),
        // An ISO 8601 interval, as the model's examples give it.
        dateObserved: { value: `${from}/${to}` },
        dateObservedFrom: { value: from },
        dateObservedTo: { value: to },
        ...Object.fromEntries(Object.entries(shown).map(([name, value]) => [name, { value, observedAt: from }])),
      },
    };
  },

  async temporal(device, window, sources) {
    const bucketMs = sources.config.people_counting.bucket_s * 1000;
    const from = Math.floor(window.from.getTime() / bucketMs) * bucketMs;
    const to = Math.min(Math.ceil(window.to.getTime() / bucketMs) * bucketMs, Math.floor(sources.now().getTime() / bucketMs) * bucketMs);
    const buckets = [...(await bucketCounts(device, from, to, sources))].sort(([a], [b]) => a - b);
    const series: Record<string, PropertyValue[]> = {};
    for (const [start, counts] of buckets) {
      for (const [name, value] of Object.entries(publishableCounts(counts, sources.config.people_counting.min_count))) {
        const instances = (series[name] ??= []);
        if (instances.length < window.limit) instances.push({ value, observedAt: new Date(start).toISOString() });
      }
    }
    return { id: crowdFlowObserved.entityId(device, sources), type: TYPE, location: deviceLocation(device), series };
  },
};
