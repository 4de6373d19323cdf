import { Point } from '@influxdata/influxdb-client';
import type { Quality, QualityReason, Quantity, Reading, Unit } from '@zenne/device-profiles';

/*
 * How a reading is laid out as an InfluxDB point (README.md "Data layout").
 *
 * Tags: device, quantity, unit, quality, reasons (comma-joined, absent when
 * none), scenario (absent for real data). Fields: value (float), seq (integer).
 * Everything but value and seq is a tag because VictoriaMetrics drops string
 * fields; every tag has a small, bounded set of values per device.
 *
 * InfluxDB keeps one point per (series, timestamp) and overwrites the rest.
 * A reading's `ts` has millisecond precision, so two readings of one series
 * in the same millisecond would be merged if the timestamp were `ts` alone.
 * The point time is `ts` in ns plus `seq mod 1e6` ns: distinct readings of a
 * series stay distinct (unless their seqs differ by a multiple of 1e6 within
 * the same millisecond), and a resent reading — same ts, same seq, same tags —
 * lands on the very same point, so storage is idempotent even when two writers
 * race. Readers recover `ts` by truncating to the millisecond.
 */

/** Names of the point's tags and fields; the dialects query them. */
export const TAG = { device: 'device', quantity: 'quantity', unit: 'unit', quality: 'quality', reasons: 'reasons', scenario: 'scenario' } as const;
export const FIELD = { value: 'value', seq: 'seq' } as const;

const NS_PER_MS = 1_000_000n;

/** Point time in ns since the epoch, as a decimal string (beyond 2^53). */
export function pointTimeNs(reading: Pick<Reading, 'ts' | 'seq'>): string {
  return (BigInt(Date.parse(reading.ts)) * NS_PER_MS + BigInt(reading.seq % 1_000_000)).toString();
}

/** InfluxDB's time range: int64 ns, the extremes reserved (1677-09-21 to 2262-04-11). */
const MIN_NS = -(2n ** 63n) + 2n;
const MAX_NS = 2n ** 63n - 2n;

/** The first ns of millisecond `ms`, clamped to InfluxDB's range, for time bounds in queries. */
export function msToNs(ms: number): string {
  const ns = BigInt(Math.trunc(ms)) * NS_PER_MS;
  return (ns < MIN_NS ? MIN_NS : ns > MAX_NS ? MAX_NS : ns).toString();
}

/** One line of line protocol for `reading`, in ns precision. */
export function toLineProtocol(measurement: string, reading: Reading): string {
  const point = new Point(measurement)
    .tag(TAG.device, reading.device)
    .tag(TAG.quantity, reading.quantity)
    .tag(TAG.unit, reading.unit)
    .tag(TAG.quality, reading.quality)
    .floatField(FIELD.value, reading.value)
    .intField(FIELD.seq, reading.seq)
    .timestamp(pointTimeNs(reading));
  if (reading.reasons?.length) point.tag(TAG.reasons, reading.reasons.join(','));
  if (reading.scenario) point.tag(TAG.scenario, reading.scenario);
  return point.toLineProtocol()!;
}

/** A stored point as the dialects read it back: tag values (absent or empty when not set), fields, time in ms. */
export interface StoredPoint {
  timeMs: number;
  value: number;
  seq: number;
  tags: Partial<Record<keyof typeof TAG, string | null>>;
}

export function pointToReading(p: StoredPoint): Reading {
  const reading: Reading = {
    device: p.tags.device!,
    quantity: p.tags.quantity as Quantity,
    value: p.value,
    unit: p.tags.unit as Unit,
    ts: new Date(p.timeMs).toISOString(),
    seq: p.seq,
    quality: p.tags.quality as Quality,
  };
  if (p.tags.reasons) reading.reasons = p.tags.reasons.split(',') as QualityReason[];
  if (p.tags.scenario) reading.scenario = p.tags.scenario;
  return reading;
}

/** Order of `latest()` and `list()` ties: by ts, then seq. */
export function byTimeThenSeq(a: Reading, b: Reading): number {
  return a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.seq - b.seq;
}

/** Keeps the newest reading (by ts, then seq) per (device, quantity), sorted by device then quantity. */
export function newestPerSeries(readings: Iterable<Reading>): Reading[] {
  const newest = new Map<string, Reading>();
  for (const r of readings) {
    const key = `${r.device}\u0000${r.quantity}`;
    const current = newest.get(key);
    if (!current || byTimeThenSeq(current, r) < 0) newest.set(key, r);
  }
  return [...newest.values()].sort((a, b) => a.device.localeCompare(b.device) || a.quantity.localeCompare(b.quantity));
}
