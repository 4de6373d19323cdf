import { mod } from './recorded-series.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * UTC offset of the recorded series' local time. Node 5331 is in Aberdeen and
 * the series runs 2019-05-10 → 2019-05-23, entirely inside British Summer Time
 * (31 March – 27 October 2019), so its local clock is UTC+1 throughout.
 */
export const ABERDEEN_BST_OFFSET_MS = 60 * MINUTE_MS;

/** Per-sensor phase, so that sensors replaying one series differ but stay real-shaped. */
export interface ReplayPhase {
  /** Whole days the sensor runs ahead in the series (0 … days in the series − 1). */
  days: number;
  /** A few minutes more, so that neighbours do not step in lockstep. */
  minutes: number;
}

export interface TimeShiftOptions {
  /** Start of the series cycle (UTC ms) and its length in whole days. */
  series: { startMs: number; periodMs: number };
  phase: ReplayPhase;
  /** UTC offset of the series' local clock. */
  sourceUtcOffsetMs?: number;
  /** IANA zone of the place the sensors pretend to be in. */
  targetTimeZone?: string;
}

/**
 * Maps wall-clock time onto the recorded series so that local time of day
 * matches (07:30 in Brussels replays 07:30 in Aberdeen, rush hours line up),
 * shifted by the sensor's phase and folded into the series' whole-day cycle.
 * Returns a function wall ms → series ms (UTC).
 */
export function createTimeShift(options: TimeShiftOptions): (wallMs: number) => number {
  const { series, phase } = options;
  const sourceOffset = options.sourceUtcOffsetMs ?? ABERDEEN_BST_OFFSET_MS;
  const zone = options.targetTimeZone ?? 'Europe/Brussels';
  const phaseMs = phase.days * DAY_MS + phase.minutes * MINUTE_MS;
  // "Local epoch" ms: a clock reading expressed as if it were UTC.
  const seriesStartLocal = series.startMs + sourceOffset;
  return (wallMs) => {
    const wallLocal = wallMs + timeZoneOffsetMs(zone, wallMs);
    // periodMs is whole days, so folding keeps the local time of day.
    const seriesLocal = seriesStartLocal + mod(wallLocal + phaseMs - seriesStartLocal, series.periodMs);
    return seriesLocal - sourceOffset;
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** UTC offset (ms) of `timeZone` at the instant `ms`, daylight saving included. */
export function timeZoneOffsetMs(timeZone: string, ms: number): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, Number(p.value)]));
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - (ms - mod(ms, 1000));
}
