import { z } from 'zod';
import { readingKey } from '../../reading-key.ts';
import type { HistoryPoint } from '../../store.ts';
import { byTimeThenSeq, FIELD, newestPerSeries, pointToReading, TAG, type StoredPoint } from '../point.ts';
import { lookupWindows, type ReadingQueriesFactory } from './reading-queries.ts';

/** One line of `/api/v1/export` (JSON lines): a series and its raw samples, oldest first. */
const exportLineSchema = z.object({
  metric: z.record(z.string(), z.string()),
  values: z.array(z.number()),
  timestamps: z.array(z.number()),
});
type ExportLine = z.infer<typeof exportLineSchema>;

interface LabelFilter {
  [label: string]: string | { not: string } | undefined;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

/**
 * VictoriaMetrics through its own HTTP API. An Influx line becomes one series
 * per field, named `<measurement>_<field>`, with the tags as labels (string
 * fields are dropped, hence the tag-only layout of point.ts); timestamps are
 * kept in milliseconds. Raw samples come from `/api/v1/export` and are
 * filtered, joined and aggregated here: exact, and simple, but the work grows
 * with the data read (see README.md, "Untested and limits").
 */
export const victoriaMetrics: ReadingQueriesFactory = (influx, config) => {
  const metric = (field: string) => `${config.measurement}_${field}`;

  function selector(field: string, labels: LabelFilter): string {
    const parts = [`__name__=${quote(metric(field))}`];
    for (const [label, want] of Object.entries(labels)) {
      if (want === undefined) continue;
      // In a series selector, label="" also matches series without that label (real data has no scenario).
      parts.push(typeof want === 'string' ? `${label}=${quote(want)}` : `${label}!=${quote(want.not)}`);
    }
    return `{${parts.join(',')}}`;
  }

  async function exportSeries(selectors: string[], window?: { fromMs: number; toMs: number }): Promise<ExportLine[]> {
    const form = new URLSearchParams();
    for (const s of selectors) form.append('match[]', s);
    if (window) {
      form.set('start', (window.fromMs / 1000).toFixed(3));
      form.set('end', (window.toMs / 1000).toFixed(3)); // inclusive
    }
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of influx.transport.iterate('/api/v1/export', form.toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })) text += decoder.decode(chunk, { stream: true });
    text += decoder.decode();
    return text.split('\n').filter((line) => line.trim() !== '').map((line) => exportLineSchema.parse(JSON.parse(line)));
  }

  function seriesKey(line: ExportLine): string {
    const { __name__: _name, ...labels } = line.metric;
    return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
  }

  /**
   * Points rebuilt from the value and seq series of the same tags. Both were
   * written by the same lines, so their samples pair up by position.
   */
  async function points(labelSets: LabelFilter[], window?: { fromMs: number; toMs: number }): Promise<StoredPoint[]> {
    const lines = await exportSeries(labelSets.flatMap((labels) => [selector(FIELD.value, labels), selector(FIELD.seq, labels)]), window);
    const seqByKey = new Map(lines.filter((l) => l.metric.__name__ === metric(FIELD.seq)).map((l) => [seriesKey(l), l]));
    const out: StoredPoint[] = [];
    for (const valueLine of lines.filter((l) => l.metric.__name__ === metric(FIELD.value))) {
      const seqLine = seqByKey.get(seriesKey(valueLine));
      if (!seqLine) continue;
      const tags: StoredPoint['tags'] = {};
      for (const tag of Object.keys(TAG) as (keyof typeof TAG)[]) tags[tag] = valueLine.metric[TAG[tag]] ?? null;
      const n = Math.min(valueLine.values.length, seqLine.values.length);
      for (let i = 0; i < n; i++) out.push({ timeMs: valueLine.timestamps[i]!, value: valueLine.values[i]!, seq: seqLine.values[i]!, tags });
    }
    return out;
  }

  async function getText(path: string): Promise<string> {
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of influx.transport.iterate(path, '', { method: 'GET' })) text += decoder.decode(chunk, { stream: true });
    return text + decoder.decode();
  }

  return {
    async open() {
      const health = await getText('/health');
      if (health.trim() !== 'OK') throw new Error(`/health answered "${health.trim().slice(0, 100)}", expected OK`);
    },

    async storedKeys(candidates) {
      const keys = new Set<string>();
      for (const w of lookupWindows(candidates)) {
        const selectors = w.devices.map((device) => selector(FIELD.seq, { [TAG.device]: device, [TAG.scenario]: w.scenario }));
        for (const line of await exportSeries(selectors, w)) {
          for (const seq of line.values) keys.add(readingKey({ device: line.metric[TAG.device]!, scenario: w.scenario, seq }));
        }
      }
      return keys;
    },

    // Ingested rows are searchable only after VictoriaMetrics' periodic (1 s) flush; force it, so a
    // resend right after a write is recognised as a duplicate.
    async makeWritesVisible() {
      await getText('/internal/force_flush');
    },

    async latest(filter) {
      if (filter.devices?.length === 0) return [];
      const base: LabelFilter = { [TAG.scenario]: filter.scenario ?? '', [TAG.quantity]: filter.quantity };
      const labelSets = filter.devices ? filter.devices.map((device) => ({ ...base, [TAG.device]: device })) : [base];
      return newestPerSeries((await points(labelSets)).map(pointToReading));
    },

    async history(q) {
      const fromMs = q.from.getTime();
      const toMs = q.to.getTime();
      const bucketMs = Math.round(q.bucket_s * 1000);
      const labels = { [TAG.device]: q.device, [TAG.quantity]: q.quantity, [TAG.scenario]: q.scenario ?? '', [TAG.quality]: { not: 'bad' } };
      const buckets = new Map<number, { sum: number; min: number; max: number; count: number }>();
      for (const line of await exportSeries([selector(FIELD.value, labels)], { fromMs, toMs: toMs - 1 })) {
        line.timestamps.forEach((t, i) => {
          if (t < fromMs || t >= toMs) return;
          const start = Math.floor(t / bucketMs) * bucketMs;
          const v = line.values[i]!;
          const b = buckets.get(start);
          if (!b) buckets.set(start, { sum: v, min: v, max: v, count: 1 });
          else Object.assign(b, { sum: b.sum + v, min: Math.min(b.min, v), max: Math.max(b.max, v), count: b.count + 1 });
        });
      }
      return [...buckets].sort(([a], [b]) => a - b).map(([start, b]): HistoryPoint => ({
        ts: new Date(start).toISOString(), avg: b.sum / b.count, min: b.min, max: b.max, count: b.count,
      }));
    },

    async list(q) {
      const fromMs = q.from.getTime();
      const toMs = q.to.getTime();
      const labels = { [TAG.device]: q.device, [TAG.scenario]: q.scenario ?? '', [TAG.quantity]: q.quantity };
      return (await points([labels], { fromMs, toMs: toMs - 1 }))
        .filter((p) => p.timeMs >= fromMs && p.timeMs < toMs)
        .map(pointToReading)
        .sort(byTimeThenSeq)
        .slice(0, Math.max(0, q.limit));
    },

    async count(filter) {
      const labels = { [TAG.scenario]: filter.scenario ?? '', [TAG.device]: filter.device, [TAG.quantity]: filter.quantity };
      return (await exportSeries([selector(FIELD.seq, labels)])).reduce((n, line) => n + line.values.length, 0);
    },
  };
};
