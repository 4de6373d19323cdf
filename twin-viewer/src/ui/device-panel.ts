import type { DeviceFeature } from '../api/schemas.ts';
import type { ApiClient } from '../api/client.ts';
import { t } from '../i18n/i18n.ts';
import { el } from './format.ts';
import { historyChartSvg, increments, type ChartThreshold } from './history-chart.ts';
import { quantityLabel, type NamedQuantity } from './reading-text.ts';
import { UNITS } from '@zenne/device-profiles/contracts';

/** The panel's history window and bucket (docs/architecture.md `readings/history`). */
export const HISTORY_HOURS = 24;
export const HISTORY_BUCKET_S = 600;

export interface PanelChart {
  quantity: NamedQuantity;
  colour: string;
  /** Dashed reference lines, e.g. index band boundaries. */
  thresholds?: readonly ChartThreshold[];
  /** A cumulative counter (energy): charted as its increase per bucket. */
  cumulative?: boolean;
}

export interface DevicePanel {
  content: HTMLElement;
  /** Replaces the "latest value" block (a live reading for the open device arrived). */
  setLatest(block: HTMLElement): void;
  /** Resolves when every chart has been drawn (or has shown why not). */
  charts: Promise<void>;
}

/**
 * A device's details panel, shared by the layers: identity (street, model, device id), the
 * layer's own "latest value" block, and one 24 h history chart per quantity the device measures.
 * The content carries `className` and `data-device`; charts fill in as their history arrives.
 */
export function devicePanel(o: {
  device: DeviceFeature;
  className: string;
  latest: HTMLElement;
  charts: readonly PanelChart[];
  api: ApiClient;
  now?: Date;
}): DevicePanel {
  const p = o.device.properties;
  const now = o.now ?? new Date();
  const model = [p.manufacturer, p.model].filter(Boolean).join(' ') || p.profile;
  let latest = o.latest;
  const facts = el('dl', { className: 'facts' }, [
    el('dt', { text: t('panel.street') }),
    el('dd', { text: p.street ?? '—' }),
    el('dt', { text: t('panel.model') }),
    el('dd', { text: model }),
    el('dt', { text: t('panel.device') }),
    el('dd', { text: p.device }),
  ]);
  const chartsBox = el('div', { className: 'charts' });
  const content = el('div', { className: o.className, attrs: { 'data-device': p.device } }, [facts, latest, chartsBox]);

  const from = new Date(now.getTime() - HISTORY_HOURS * 3_600_000);
  const charts = Promise.all(
    o.charts
      .filter((c) => p.quantities.includes(c.quantity))
      .map(async (chart) => {
        const label = quantityLabel(chart.quantity);
        const slot = el('figure', { className: 'chart', attrs: { 'data-quantity': chart.quantity } }, [
          el('figcaption', { className: 'loading', text: t('chart.loading', { quantity: label }) }),
        ]);
        chartsBox.append(slot);
        try {
          const history = await o.api.history(p.device, chart.quantity, from, now, HISTORY_BUCKET_S);
          const points = history.points.map((pt) => ({ t: Date.parse(pt.ts), avg: pt.avg, min: pt.min, max: pt.max }));
          const unit = UNITS[history.unit].label;
          const svg = historyChartSvg(
            chart.cumulative ? increments(points, history.bucket_s) : points,
            {
              title: t('chart.title', { quantity: label, hours: HISTORY_HOURS }),
              unit: chart.cumulative ? t('chart.per-bucket', { unit, minutes: history.bucket_s / 60 }) : unit,
              from,
              to: now,
              bucketS: history.bucket_s,
              colour: chart.colour,
              thresholds: chart.thresholds ?? [],
            },
          );
          // The markup comes from historyChartSvg, which escapes every text it writes.
          slot.innerHTML = svg;
        } catch (err) {
          slot.replaceChildren(el('figcaption', { className: 'error', text: (err as Error).message }));
        }
      }),
  ).then(() => undefined);

  return {
    content,
    setLatest(block) {
      latest.replaceWith(block);
      latest = block;
    },
    charts,
  };
}
