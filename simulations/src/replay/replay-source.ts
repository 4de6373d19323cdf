import type { PmValues, RecordedSeries } from './recorded-series.ts';
import { createTimeShift, type ReplayPhase } from './time-shift.ts';

/**
 * Where a virtual sensor's measurements come from. `at()` is pure: the same
 * instant always gives the same values, so the live sensors and the history
 * seeding of the demo agree.
 */
export interface ReplaySource {
  /** Particulate values (µg/m³) the sensor "measures" at wall-clock `wallMs`. */
  at(wallMs: number): PmValues;
}

/** A recorded series replayed onto wall-clock time with a per-sensor phase. */
export function createReplaySource(series: RecordedSeries, phase: ReplayPhase, targetTimeZone?: string): ReplaySource {
  const toSeries = createTimeShift({ series, phase, ...(targetTimeZone ? { targetTimeZone } : {}) });
  return { at: (wallMs) => series.valueAt(toSeries(wallMs)) };
}
