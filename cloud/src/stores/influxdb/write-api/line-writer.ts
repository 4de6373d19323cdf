import type { InfluxDB } from '@influxdata/influxdb-client';
import type { InfluxStoreConfig } from '../config.ts';

/**
 * A write path for line protocol (ns precision).
 *
 * `write` sends all lines in one HTTP request and resolves once the server
 * acknowledged them (InfluxDB answers 204 after its WAL write); it rejects
 * when the server refused or did not answer. A rejected request may still
 * have been applied in part by the server (InfluxDB 1.x "partial write");
 * writing the same lines again is harmless, as equal points overwrite
 * themselves (point.ts).
 */
export interface LineWriter {
  write(lines: readonly string[]): Promise<void>;
}

export type LineWriterFactory = (influx: InfluxDB, config: InfluxStoreConfig) => LineWriter;
