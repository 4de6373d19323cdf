import type { Quantity, Reading } from '@zenne/device-profiles';

/**
 * Which series a query reads. Real data has no scenario; a what-if run's
 * readings carry its scenario id and are only returned when asked for, so
 * simulated values never leak into real series.
 */
export interface ScenarioFilter {
  /** Absent: real data only. A scenario id: that scenario's readings only. */
  scenario?: string;
}

export interface LatestFilter extends ScenarioFilter {
  devices?: readonly string[];
  quantity?: Quantity;
}

export interface HistoryQuery extends ScenarioFilter {
  device: string;
  quantity: Quantity;
  /** Inclusive start. */
  from: Date;
  /** Exclusive end. */
  to: Date;
  /** Bucket width in seconds; buckets are aligned on multiples of it since the Unix epoch. */
  bucket_s: number;
}

export interface HistoryPoint {
  /** Bucket start, ISO-8601 UTC. */
  ts: string;
  avg: number;
  min: number;
  max: number;
  count: number;
}

export interface ListQuery extends ScenarioFilter {
  device: string;
  quantity?: Quantity;
  /** Inclusive start. */
  from: Date;
  /** Exclusive end. */
  to: Date;
  /** Most readings returned (the oldest first). */
  limit: number;
}

export interface CountFilter extends ScenarioFilter {
  device?: string;
  quantity?: Quantity;
}

export interface WriteResult {
  /** Readings newly kept. */
  stored: number;
  /** Readings whose key was already stored (earlier write or earlier in this batch). */
  duplicates: number;
  /**
   * Indexes (into the written array) of the duplicates, ascending, so a caller
   * that merged several gateway batches into one write can account for each.
   */
  duplicateIndexes: number[];
}

/**
 * A time-series store of canonical readings.
 *
 * Dedupe key: `(device, scenario, seq)` (scenario empty for real data), so a
 * what-if run can replay a real device's sequence numbers without colliding
 * with, or shadowing, the real series. Within one `writeBatch` the first
 * occurrence of a key wins.
 *
 * Lifecycle: the factory opens the store (creating it if needed). When
 * `writeBatch` resolves the readings are durable (they survive a crash);
 * when it rejects nothing of that call was kept. Calls may overlap; an
 * implementation serialises writes itself. `close()` resolves after pending
 * writes finished and the data is flushed; any call after it rejects with
 * `ZENNE_ERR_STORE_CLOSED`.
 */
export interface ReadingStore {
  readonly name: string;
  writeBatch(readings: readonly Reading[]): Promise<WriteResult>;
  /** The latest reading (by `ts`, then `seq`) per (device, quantity). */
  latest(filter?: LatestFilter): Promise<Reading[]>;
  /**
   * Aggregates per bucket over `[from, to)`, buckets with data only, ordered
   * by time. Readings of quality `bad` are not measurements and are left out.
   */
  history(query: HistoryQuery): Promise<HistoryPoint[]>;
  /** The stored readings themselves over `[from, to)`, every quality, ordered by `ts` then `seq`. */
  list(query: ListQuery): Promise<Reading[]>;
  count(filter?: CountFilter): Promise<number>;
  close(): Promise<void>;
}
