import { describe, expect, it } from 'vitest';
import { historyChartSvg, increments, splitAtGaps, type ChartPoint } from '../src/ui/history-chart.ts';

const to = new Date('2026-11-23T12:00:00.000Z');
const from = new Date(to.getTime() - 24 * 3_600_000);
const point = (minutesAgo: number, avg: number): ChartPoint => ({ t: to.getTime() - minutesAgo * 60_000, avg, min: avg - 1, max: avg + 2 });

describe('history chart', () => {
  it('breaks the line where buckets are missing', () => {
    const points = [point(60, 5), point(50, 6), point(40, 7), point(10, 8), point(0, 9)];
    expect(splitAtGaps(points, 600).map((s) => s.length)).toEqual([3, 2]);
  });

  it('charts a cumulative counter as its increase per bucket, nothing across a gap or a reset', () => {
    const points = [point(60, 1000), point(50, 1016), point(40, 1033), point(10, 1080), point(0, 3)];
    expect(increments(points, 600).map((p) => [Math.round((to.getTime() - p.t) / 60_000), p.avg, p.min, p.max])).toEqual([
      [50, 16, 16, 16],
      [40, 17, 17, 17],
    ]);
  });

  it('draws the average over a min–max band, one pair per unbroken run', () => {
    const svg = historyChartSvg([point(60, 5), point(50, 6), point(40, 7), point(10, 8), point(0, 9)], {
      title: 'PM2.5, last 24 h',
      unit: 'µg/m³',
      from,
      to,
      bucketS: 600,
    });
    expect(svg.match(/class="chart-avg"/g)).toHaveLength(2);
    expect(svg.match(/class="chart-band"/g)).toHaveLength(2);
    expect(svg).toContain('PM2.5, last 24 h');
    expect(svg).not.toContain('no readings');
  });

  it('labels the time axis every 6 h in Brussels time', () => {
    const svg = historyChartSvg([point(0, 3)], { title: 't', unit: 'u', from, to, bucketS: 600 });
    // 12:00 UTC on 23 November is 13:00 in Brussels (CET): ticks at 18:00, 00:00, 06:00, 12:00.
    for (const label of ['18:00', '00:00', '06:00', '12:00']) expect(svg).toContain(`>${label}<`);
    expect(svg).not.toContain('>13:00<');
  });

  it('shows thresholds inside the y range only, and says when there is no data', () => {
    const svg = historyChartSvg([], {
      title: 't',
      unit: 'u',
      from,
      to,
      bucketS: 600,
      thresholds: [
        { value: 0.5, colour: '#50f0e6' },
        { value: 500, colour: '#7d2181' },
      ],
    });
    expect(svg).toContain('no readings in this period');
    expect(svg).toContain('#50f0e6');
    expect(svg).not.toContain('#7d2181');
  });

  it('escapes the texts it writes', () => {
    const svg = historyChartSvg([], { title: '<script>', unit: '"u"', from, to, bucketS: 600 });
    expect(svg).not.toContain('<script>');
  });
});
