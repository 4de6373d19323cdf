import type { InfluxStoreConfig } from '../config.ts';
import { influxQl } from './influxql.ts';
import type { ReadingQueriesFactory } from './reading-queries.ts';
import { victoriaMetrics } from './victoria-metrics.ts';

export type { ReadingQueries, ReadingQueriesFactory } from './reading-queries.ts';

/** The query dialects, by `query_dialect` config value. */
export const queryDialects: Record<InfluxStoreConfig['query_dialect'], ReadingQueriesFactory> = {
  influxql: influxQl,
  'victoria-metrics': victoriaMetrics,
};
