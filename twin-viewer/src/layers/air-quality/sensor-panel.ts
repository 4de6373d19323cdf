import type { Quantity, Reading } from '@zenne/device-profiles/contracts';
import { QUANTITIES, UNITS } from '@zenne/device-profiles/contracts';
import type { ApiClient } from '../../api/client.ts';
import type { DeviceFeature } from '../../api/schemas.ts';
import { el, formatTime, formatValue } from '../../ui/format.ts';
import { historyChartSvg } from '../../ui/history-chart.ts';
import { EAQI_PM25_BANDS, eaqiPm25Band } from './eaqi.ts';

/** The panel's history window and bucket (docs/architecture.md `readings/history`). */
export const HISTORY_HOURS = 24;
export const HISTORY_BUCKET_S = 600;
const CHART_QUANTITIES: readonly Quantity[] = ['pm2_5', 'pm10'];
const CHART_COLOURS: Partial<Record<Quantity, string>> = { pm2_5: '#2563eb', pm10: '#9333ea' };

/** The "latest value" block; re-rendered when a live reading for the open device arrives. */
export function latestBlock(reading: Reading | null): HTMLElement {
  if (!reading) return el('p', { className: 'latest none', text: 'No PM2.5 reading yet.' });
  const band = reading.quality === 'bad' ? null : eaqiPm25Band(reading.value);
  const quality = reading.quality === 'good' ? 'good' : `${reading.quality}: ${(reading.reasons ?? []).join(', ').replaceAll('_', ' ')}`;
  return el('div', { className: 'latest' }, [
    el('span', { className: 'value', text: `${formatValue(reading.value)} ${UNITS[reading.unit].label}` }),
    el('span', {
      className: 'band',
      text: band ? band.label : 'not rated',
      attrs: { style: `--band: ${band?.colour ?? '#9e9e9e'}` },
    }),
    el('div', { className: 'meta', text: `PM2.5 · ${formatTime(reading.ts)} · quality ${quality}` }),
  ]);
}

/**
 * Builds the sensor panel: identity, latest PM2.5 and 24 h charts (PM2.5, and PM10 when the
 * device measures it). The charts fill in when their history arrives; `now` fixes the window.
 */
export function sensorPanel(device: DeviceFeature, reading: Reading | null, api: ApiClient, now = new Date()): {
  content: HTMLElement;
  setLatest(reading: Reading | null): void;
  /** Resolves when every chart has been drawn (or has shown why not). */
  charts: Promise<void>;
} {
  const p = device.properties;
  const model = [p.manufacturer, p.model].filter(Boolean).join(' ') || p.profile;
  let latest = latestBlock(reading);
  const facts = el('dl', { className: 'facts' }, [
    el('dt', { text: 'Street' }),
    el('dd', { text: p.street ?? '—' }),
    el('dt', { text: 'Model' }),
    el('dd', { text: model }),
    el('dt', { text: 'Device' }),
    el('dd', { text: p.device }),
  ]);
  const chartsBox = el('div', { className: 'charts' });
  const content = el('div', { className: 'sensor-panel', attrs: { 'data-device': p.device } }, [facts, latest, chartsBox]);

  const from = new Date(now.getTime() - HISTORY_HOURS * 3_600_000);
  const quantities = CHART_QUANTITIES.filter((q) => p.quantities.includes(q));
  const charts = Promise.all(
    quantities.map(async (quantity) => {
      const slot = el('figure', { className: 'chart', attrs: { 'data-quantity': quantity } }, [
        el('figcaption', { className: 'loading', text: `Loading ${QUANTITIES[quantity].label} history…` }),
      ]);
      chartsBox.append(slot);
      try {
        const history = await api.history(p.device, quantity, from, now, HISTORY_BUCKET_S);
        const svg = historyChartSvg(
          history.points.map((pt) => ({ t: Date.parse(pt.ts), avg: pt.avg, min: pt.min, max: pt.max })),
          {
            title: `${QUANTITIES[quantity].label}, last ${HISTORY_HOURS} h`,
            unit: UNITS[history.unit].label,
            from,
            to: now,
            bucketS: history.bucket_s,
            colour: CHART_COLOURS[quantity] ?? '#2563eb',
            thresholds: quantity === 'pm2_5' ? EAQI_PM25_BANDS.slice(0, -1).map((b) => ({ value: b.upper, colour: b.colour })) : [],
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
    setLatest(next) {
      const block = latestBlock(next);
      latest.replaceWith(block);
      latest = block;
    },
    charts,
  };
}
