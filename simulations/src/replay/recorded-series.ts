/** One recorded particulate sample, at its original (UTC) observation time. */
export interface PmSample {
  /** Observation time, epoch milliseconds UTC. */
  t: number;
  /** PM2.5, µg/m³. */
  pm2_5: number;
  /** PM10, µg/m³. */
  pm10: number;
}

export type PmValues = Omit<PmSample, 't'>;

const DAY_MS = 86_400_000;

/**
 * A recorded series treated as cyclic over whole days: after the last sample
 * it continues with the first one, one period later. Between samples values are
 * interpolated linearly (the archive samples every ~145 s; the sensor itself
 * measures at 1 Hz, so a straight line is the least-assuming fill).
 */
export class RecordedSeries {
  /** Start of the cycle: UTC midnight of the first sample's day. */
  readonly startMs: number;
  /** Cycle length: the whole days the samples span. */
  readonly periodMs: number;
  private readonly samples: readonly PmSample[];

  constructor(samples: readonly PmSample[]) {
    if (samples.length < 2) throw new RangeError('a recorded series needs at least two samples');
    this.samples = [...samples].sort((a, b) => a.t - b.t);
    const first = this.samples[0]!.t;
    const last = this.samples.at(-1)!.t;
    this.startMs = Math.floor(first / DAY_MS) * DAY_MS;
    this.periodMs = (Math.floor(last / DAY_MS) + 1) * DAY_MS - this.startMs;
  }

  get length(): number {
    return this.samples.length;
  }

  /** Values at `seriesMs` (any time; folded into the cycle), linearly interpolated. */
  valueAt(seriesMs: number): PmValues {
    const t = this.startMs + mod(seriesMs - this.startMs, this.periodMs);
    const i = this.firstIndexAfter(t);
    // Before the first sample or after the last one: interpolate across the wrap.
    const next = i === this.samples.length ? { ...this.samples[0]!, t: this.samples[0]!.t + this.periodMs } : this.samples[i]!;
    const prev = i === 0 ? { ...this.samples.at(-1)!, t: this.samples.at(-1)!.t - this.periodMs } : this.samples[i - 1]!;
    const f = next.t === prev.t ? 0 : (t - prev.t) / (next.t - prev.t);
    return { pm2_5: lerp(prev.pm2_5, next.pm2_5, f), pm10: lerp(prev.pm10, next.pm10, f) };
  }

  /** Index of the first sample with `t > ms` (samples.length if none). */
  private firstIndexAfter(ms: number): number {
    let lo = 0;
    let hi = this.samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.samples[mid]!.t <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lerp(a: number, b: number, f: number): number {
  return a + (b - a) * f;
}

export function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
