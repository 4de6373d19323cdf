import { t } from '../i18n/i18n.ts';

/**
 * A small SVG chart of bucketed history: the average as a line over a shaded min–max band.
 * Pure (returns markup), so it renders the same in the panel and in unit tests.
 */

export interface ChartPoint {
  /** Bucket start, ms since the epoch. */
  t: number;
  avg: number;
  min: number;
  max: number;
}

export interface ChartThreshold {
  value: number;
  colour: string;
}

export interface HistoryChartOptions {
  title: string;
  /** Unit label for the y axis, e.g. "µg/m³". */
  unit: string;
  from: Date;
  to: Date;
  /** Bucket width in seconds; a gap longer than 1.5 buckets breaks the line. */
  bucketS: number;
  /** Line and band colour. */
  colour?: string;
  /** Horizontal reference lines (e.g. index band boundaries), drawn when inside the y range. */
  thresholds?: readonly ChartThreshold[];
  /** IANA zone for the time axis; the twin is of Brussels. */
  timeZone?: string;
  width?: number;
  height?: number;
}

const M = { left: 40, right: 10, top: 22, bottom: 22 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 1, 2, 2.5 or 5 × 10^k, the smallest such step giving at most `count` intervals up to `max`. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * magnitude >= raw) return m * magnitude;
  return 10 * magnitude;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** Splits points (sorted by t) where consecutive buckets are further apart than 1.5 buckets. */
export function splitAtGaps(points: readonly ChartPoint[], bucketS: number): ChartPoint[][] {
  const segments: ChartPoint[][] = [];
  let current: ChartPoint[] = [];
  for (const p of points) {
    const prev = current[current.length - 1];
    if (prev && p.t - prev.t > bucketS * 1500) {
      segments.push(current);
      current = [];
    }
    current.push(p);
  }
  if (current.length) segments.push(current);
  return segments;
}

/**
 * A cumulative counter (energy, lamp time) as its increase per bucket: the difference of
 * consecutive bucket averages, stamped at the later bucket. Buckets across a gap (more than 1.5
 * buckets apart) give no increase, and a counter that went back (reset, replacement) gives none.
 */
export function increments(points: readonly ChartPoint[], bucketS: number): ChartPoint[] {
  const out: ChartPoint[] = [];
  for (const segment of splitAtGaps([...points].sort((a, b) => a.t - b.t), bucketS)) {
    for (let i = 1; i < segment.length; i++) {
      const rise = segment[i]!.avg - segment[i - 1]!.avg;
      if (rise >= 0) out.push({ t: segment[i]!.t, avg: rise, min: rise, max: rise });
    }
  }
  return out;
}

/** SVG markup of the chart; an empty history gives the axes and a "no readings" note. */
export function historyChartSvg(points: readonly ChartPoint[], o: HistoryChartOptions): string {
  const width = o.width ?? 340;
  const height = o.height ?? 160;
  const colour = o.colour ?? '#2b6cb0';
  const timeZone = o.timeZone ?? 'Europe/Brussels';
  const t0 = o.from.getTime();
  const t1 = o.to.getTime();
  const sorted = [...points].filter((p) => p.t >= t0 && p.t <= t1).sort((a, b) => a.t - b.t);

  const dataMax = sorted.reduce((m, p) => Math.max(m, p.max, p.avg), 0);
  const step = niceStep(Math.max(dataMax, 1) * 1.05, 4);
  const yMax = Math.ceil((Math.max(dataMax, 1) * 1.05) / step) * step;
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const x = (t: number): number => M.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (v: number): number => M.top + plotH - (Math.max(0, v) / yMax) * plotH;
  const f = (n: number): string => n.toFixed(1);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="history-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(t('chart.aria', { title: o.title, hours: Math.round((t1 - t0) / 3_600_000) }))}">`,
  );
  parts.push(`<text x="${M.left}" y="14" class="chart-title">${escapeXml(o.title)}</text>`);
  parts.push(`<text x="${width - M.right}" y="14" text-anchor="end" class="chart-unit">${escapeXml(t('chart.unit-note', { unit: o.unit }))}</text>`);

  for (let v = 0; v <= yMax + 1e-9; v += step) {
    parts.push(`<line x1="${M.left}" x2="${width - M.right}" y1="${f(y(v))}" y2="${f(y(v))}" class="chart-grid"/>`);
    parts.push(`<text x="${M.left - 4}" y="${f(y(v) + 3.5)}" text-anchor="end" class="chart-tick">${formatNumber(v)}</text>`);
  }

  const hourOf = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone });
  for (let hourStart = Math.ceil(t0 / 3_600_000) * 3_600_000; hourStart <= t1; hourStart += 3_600_000) {
    const hour = Number(hourOf.format(new Date(hourStart)));
    if (hour % 6 !== 0) continue;
    parts.push(`<line x1="${f(x(hourStart))}" x2="${f(x(hourStart))}" y1="${M.top}" y2="${M.top + plotH}" class="chart-grid"/>`);
    // A tick at either end of the axis is anchored inwards so its label is not clipped.
    const anchor = x(hourStart) < M.left + 16 ? 'start' : x(hourStart) > width - M.right - 16 ? 'end' : 'middle';
    parts.push(`<text x="${f(x(hourStart))}" y="${height - 6}" text-anchor="${anchor}" class="chart-tick">${String(hour).padStart(2, '0')}:00</text>`);
  }

  for (const th of o.thresholds ?? []) {
    if (th.value <= 0 || th.value >= yMax) continue;
    parts.push(
      `<line x1="${M.left}" x2="${width - M.right}" y1="${f(y(th.value))}" y2="${f(y(th.value))}" stroke="${th.colour}" class="chart-threshold"/>`,
    );
  }

  if (sorted.length === 0) {
    parts.push(`<text x="${f(M.left + plotW / 2)}" y="${f(M.top + plotH / 2)}" text-anchor="middle" class="chart-empty">${escapeXml(t('chart.empty'))}</text>`);
  }
  for (const seg of splitAtGaps(sorted, o.bucketS)) {
    if (seg.length === 1) {
      const p = seg[0]!;
      parts.push(`<line x1="${f(x(p.t))}" x2="${f(x(p.t))}" y1="${f(y(p.min))}" y2="${f(y(p.max))}" stroke="${colour}" class="chart-band-line"/>`);
      parts.push(`<circle cx="${f(x(p.t))}" cy="${f(y(p.avg))}" r="2.5" fill="${colour}" class="chart-avg-dot"/>`);
      continue;
    }
    const upper = seg.map((p) => `${f(x(p.t))},${f(y(p.max))}`);
    const lower = seg.map((p) => `${f(x(p.t))},${f(y(p.min))}`).reverse();
    parts.push(`<path d="M${upper.join('L')}L${lower.join('L')}Z" fill="${colour}" class="chart-band"/>`);
    parts.push(`<path d="M${seg.map((p) => `${f(x(p.t))},${f(y(p.avg))}`).join('L')}" stroke="${colour}" class="chart-avg"/>`);
  }
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" class="chart-frame"/>`);
  parts.push('</svg>');
  return parts.join('');
}
