import { z } from 'zod';

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0))
  .pipe(z.array(z.string()).min(1, 'give at least one value'));

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s)).describe('ISO-8601 instant, e.g. 2026-11-23T08:00:00Z');

const OPTIONS = ['keyValues', 'simplified', 'normalized', 'temporalValues'] as const;

/** `options` (comma list, §6.3.7) and `format` (V1.8): which representation to answer in. */
const representation = {
  options: csv.pipe(z.array(z.enum(OPTIONS))).optional().describe('keyValues (simplified form) or temporalValues; default normalized'),
  format: z.enum(OPTIONS).optional().describe('simplified / keyValues, normalized, or temporalValues'),
  attrs: csv.optional().describe('comma-separated attribute names to keep'),
};

export const entityQuery = z.strictObject({ ...representation });

const MAX_ENTITIES = 1000;

export const entitiesQuery = z.strictObject({
  ...representation,
  type: csv.optional().describe('comma-separated entity types, e.g. AirQualityObserved'),
  id: csv.optional().describe('comma-separated entity ids'),
  georel: z.string().optional().describe('near;maxDistance==<m>, near;minDistance==<m>, within or intersects'),
  geometry: z.string().optional().describe('Point (near) or Polygon (within, intersects)'),
  coordinates: z.string().optional().describe('GeoJSON coordinates as JSON, e.g. [4.3525,50.8466]'),
  geoproperty: z.string().optional().describe('only `location`'),
  limit: z.coerce.number().int().min(0).max(MAX_ENTITIES).default(20).describe(`page size (default 20, at most ${MAX_ENTITIES})`),
  offset: z.coerce.number().int().min(0).default(0),
  count: z.enum(['true', 'false']).optional().describe('true: the total in the NGSILD-Results-Count header'),
});

/** Most instances of one attribute in a temporal answer (the oldest first). */
export const MAX_INSTANCES = 1000;

export const temporalQuery = z
  .strictObject({
    ...representation,
    timerel: z.enum(['before', 'after', 'between']).optional().describe('default: the 24 hours before now'),
    timeAt: instant.optional(),
    endTimeAt: instant.optional(),
    timeproperty: z.literal('observedAt').optional(),
  })
  .superRefine((q, ctx) => {
    if (q.timerel !== undefined && q.timeAt === undefined) ctx.addIssue({ code: 'custom', path: ['timeAt'], message: `timerel=${q.timerel} needs timeAt` });
    if (q.timerel === 'between') {
      if (q.endTimeAt === undefined) ctx.addIssue({ code: 'custom', path: ['endTimeAt'], message: 'timerel=between needs endTimeAt' });
      else if (q.timeAt !== undefined && q.endTimeAt <= q.timeAt) ctx.addIssue({ code: 'custom', path: ['endTimeAt'], message: 'endTimeAt must be after timeAt' });
    }
  });

export type Representation = 'normalized' | 'simplified' | 'temporalValues';

export function representationOf(q: { options?: readonly string[]; format?: string }): Representation {
  const asked = [...(q.options ?? []), ...(q.format ? [q.format] : [])];
  if (asked.includes('keyValues') || asked.includes('simplified')) return 'simplified';
  if (asked.includes('temporalValues')) return 'temporalValues';
  return 'normalized';
}

const DAY_MS = 86_400_000;

/** The time window of a temporal query (§4.11): between [timeAt, endTimeAt), after [timeAt, now], before [epoch, timeAt). */
export function timeWindow(q: z.output<typeof temporalQuery>, now: Date): { from: Date; to: Date } {
  switch (q.timerel) {
    case 'between':
      return { from: q.timeAt!, to: q.endTimeAt! };
    case 'after':
      return { from: q.timeAt!, to: new Date(Math.max(now.getTime(), q.timeAt!.getTime()) + 1) };
    case 'before':
      return { from: new Date(0), to: q.timeAt! };
    default:
      return { from: new Date(now.getTime() - DAY_MS), to: now };
  }
}
