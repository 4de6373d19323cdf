import { z } from 'zod';

/** Creative Commons Attribution 4.0, the licence the EU open-data portals recommend for re-use. */
export const CC_BY_4_0 = 'http://creativecommons.org/licenses/by/4.0/';

/** A quarter of an hour: the finest people-counting aggregation Zenne publishes. */
const MIN_CROWD_BUCKET_S = 900;

/** What the open-data routes publish and under which terms; every key has a default. */
export const openDataConfigSchema = z.strictObject({
  /** Licence of every dataset (a URI), CC BY 4.0 unless configured. */
  licence: z.url().default(CC_BY_4_0),
  publisher: z
    .strictObject({ name: z.string().min(1), url: z.url().optional() })
    .default({ name: 'Zenne open data' }),
  catalogue: z
    .strictObject({
      title: z.string().min(1),
      description: z.string().min(1),
    })
    .default({
      title: 'Zenne open data',
      description: 'Sensor observations around Brussels published as NGSI-LD entities (FIWARE Smart Data Models).',
    }),
  people_counting: z
    .strictObject({
      /** Aggregation bucket; 15 minutes or coarser so a single passer-by cannot be timed. */
      bucket_s: z.number().int().min(MIN_CROWD_BUCKET_S, 'people counts are published in 15-minute buckets or coarser').default(MIN_CROWD_BUCKET_S),
      /** Buckets whose count is below this are suppressed (small counts can single out a person). */
      min_count: z.number().int().min(1).default(5),
    })
    .default({ bucket_s: MIN_CROWD_BUCKET_S, min_count: 5 }),
});

export type OpenDataConfigInput = z.input<typeof openDataConfigSchema>;
export type OpenDataConfig = z.output<typeof openDataConfigSchema>;
