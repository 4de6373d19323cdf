import type { InfluxStoreConfig } from '../config.ts';
import type { LineWriterFactory } from './line-writer.ts';
import { v1Write } from './v1-write.ts';
import { v2Write } from './v2-write.ts';

export type { LineWriter, LineWriterFactory } from './line-writer.ts';

/** The write paths, by `write_api` config value. */
export const writeApis: Record<InfluxStoreConfig['write_api'], LineWriterFactory> = { v1: v1Write, v2: v2Write };
