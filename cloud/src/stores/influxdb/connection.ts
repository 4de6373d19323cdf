import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import type { InfluxStoreConfig } from './config.ts';

/** One HTTP client per store; the write path and the query dialect share it (and its token). */
export function connect(config: InfluxStoreConfig): InfluxDB {
  return new InfluxDB({ url: config.url, token: config.token, timeout: config.timeout_ms });
}

/** A short reason for logs and error messages: HTTP status and server text, or the network error. */
export function httpReason(err: unknown): string {
  if (err instanceof HttpError) return `HTTP ${err.statusCode}: ${(err.body ?? err.statusMessage ?? '').trim().slice(0, 300)}`;
  return err instanceof Error ? err.message : String(err);
}
