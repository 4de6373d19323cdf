import type { InfluxDB } from '@influxdata/influxdb-client';
import type { Reading } from '@zenne/device-profiles';
import type { CountFilter, HistoryPoint, HistoryQuery, LatestFilter, ListQuery } from '../../store.ts';
import type { InfluxStoreConfig } from '../config.ts';

/**
 * The read side of the InfluxDB store in one query language. Methods answer
 * with the semantics of the matching ReadingStore method (../../store.ts);
 * they throw the server's error as is (the store wraps it).
 */
export interface ReadingQueries {
  /** Prepares the database (creating it when configured) and proves the server answers. Called once, first. */
  open(): Promise<void>;
  /**
   * Keys (point.ts `readingKey`) of those `candidates` already stored. A
   * resent reading keeps its `ts`, so a lookup inside the candidates' time
   * window is exact.
   */
  storedKeys(candidates: readonly Reading[]): Promise<Set<string>>;
  /** Resolves once everything acknowledged so far is visible to queries. */
  makeWritesVisible(): Promise<void>;
  latest(filter: LatestFilter): Promise<Reading[]>;
  history(query: HistoryQuery): Promise<HistoryPoint[]>;
  list(query: ListQuery): Promise<Reading[]>;
  count(filter: CountFilter): Promise<number>;
}

export type ReadingQueriesFactory = (influx: InfluxDB, config: InfluxStoreConfig) => ReadingQueries;

/** Candidates grouped by scenario ('' = real data), with their devices and time window in ms. */
export function lookupWindows(candidates: readonly Reading[]): { scenario: string; devices: string[]; fromMs: number; toMs: number }[] {
  const windows = new Map<string, { devices: Set<string>; fromMs: number; toMs: number }>();
  for (const r of candidates) {
    const scenario = r.scenario ?? '';
    const ms = Date.parse(r.ts);
    const w = windows.get(scenario) ?? { devices: new Set<string>(), fromMs: ms, toMs: ms };
    w.devices.add(r.device);
    w.fromMs = Math.min(w.fromMs, ms);
    w.toMs = Math.max(w.toMs, ms);
    windows.set(scenario, w);
  }
  return [...windows].map(([scenario, w]) => ({ scenario, devices: [...w.devices], fromMs: w.fromMs, toMs: w.toMs }));
}
