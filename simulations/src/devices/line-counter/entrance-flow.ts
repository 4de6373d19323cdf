import type { LineCounterFields } from '@zenne/firmware-bridges';
import { mod } from '../../replay/recorded-series.ts';
import { timeZoneOffsetMs } from '../../replay/time-shift.ts';
import { MELBOURNE_CENTRAL_HOURLY } from './melbourne-central-counts.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Modelling assumptions (not data; see ./README.md): the counting line is a building entrance
 * on the Melbourne Central footway. The footway count covers both walking directions, so half
 * of it is taken as people entering; each visitor leaves DWELL_MS later.
 */
export const ENTRANCE_MODEL = {
  /** Share of the footway count that crosses the line inwards. */
  entryShare: 0.5,
  /** Time between a visitor's entry and exit. */
  dwellMs: 20 * 60_000,
  /** Zone whose local clock the Melbourne local hours are laid onto. */
  timeZone: 'Europe/Brussels',
} as const;

const counts = MELBOURNE_CENTRAL_HOURLY.counts;
/** Local-clock ms ("local epoch": a clock reading written as if it were UTC) of the series' first midnight. */
const SERIES_START_LOCAL = Date.parse(`${MELBOURNE_CENTRAL_HOURLY.firstDay}T00:00:00Z`);
const CYCLE_MS = counts.length * DAY_MS;
/** `prefix[day]`: pedestrians in the series before local day `day`; `prefix[counts.length]` is one cycle. */
const DAY_PREFIX = counts.reduce<number[]>((acc, day) => [...acc, acc.at(-1)! + day.reduce((sum, n) => sum + n, 0)], [0]);
const CYCLE_TOTAL = DAY_PREFIX.at(-1)!;

/**
 * Pedestrians counted on the footway from the series' start up to local-clock time `localMs`,
 * the series repeating every 14 days. Mondays fall on Mondays (the series starts on one and
 * lasts two whole weeks); within an hour the count grows linearly (the data is hourly).
 */
function footwayTotal(localMs: number): number {
  const sinceStart = localMs - SERIES_START_LOCAL;
  const cycles = Math.floor(sinceStart / CYCLE_MS);
  const inCycle = mod(sinceStart, CYCLE_MS);
  const day = Math.floor(inCycle / DAY_MS);
  const hour = Math.floor((inCycle - day * DAY_MS) / HOUR_MS);
  const row = counts[day]!;
  let total = cycles * CYCLE_TOTAL + DAY_PREFIX[day]!;
  for (let h = 0; h < hour; h += 1) total += row[h]!;
  return total + (row[hour]! * (inCycle - day * DAY_MS - hour * HOUR_MS)) / HOUR_MS;
}

/** Whole people who have entered by wall-clock `wallMs`, shifted back by `lagMs` (exits = entries `dwellMs` earlier). */
function entered(wallMs: number, lagMs = 0): number {
  const local = wallMs + timeZoneOffsetMs(ENTRANCE_MODEL.timeZone, wallMs) - lagMs;
  return Math.floor(ENTRANCE_MODEL.entryShare * footwayTotal(local));
}

/** End (ms) of the last counting interval of `intervalMs` that has closed at `wallMs`. */
export function lastClosedIntervalEnd(wallMs: number, intervalMs: number): number {
  return Math.floor(wallMs / intervalMs) * intervalMs;
}

/**
 * What the entrance counter reports for the interval (`endMs − intervalMs`, `endMs`]. Pure:
 * counts are differences of one whole-people cumulative, so consecutive intervals add up
 * exactly and the occupancy (in − out of all time = visitors of the last dwell) is never
 * negative and needs no daily reset. At the autumn daylight-saving change the local clock
 * runs back an hour; the one interval across it reports 0 rather than a negative count.
 */
export function entranceCounts(endMs: number, intervalMs: number): LineCounterFields {
  const startMs = endMs - intervalMs;
  const { dwellMs } = ENTRANCE_MODEL;
  return {
    interval_end_s: Math.floor(endMs / 1000),
    interval_s: Math.round(intervalMs / 1000),
    in: Math.max(0, entered(endMs) - entered(startMs)),
    out: Math.max(0, entered(endMs, dwellMs) - entered(startMs, dwellMs)),
    occupancy: entered(endMs) - entered(endMs, dwellMs),
  };
}
