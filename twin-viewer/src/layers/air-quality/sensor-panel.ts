import type { Reading } from '@zenne/device-profiles/contracts';
import { UNITS } from '@zenne/device-profiles/contracts';
import type { ApiClient } from '../../api/client.ts';
import type { DeviceFeature } from '../../api/schemas.ts';
import { t } from '../../i18n/i18n.ts';
import { devicePanel } from '../../ui/device-panel.ts';
import { el, formatTime, formatValue } from '../../ui/format.ts';
import { qualityText, quantityLabel } from '../../ui/reading-text.ts';
import { EAQI_PM25_BANDS, eaqiPm25Band, NO_VALUE_COLOUR } from './eaqi.ts';

/** The "latest value" block; re-rendered when a live reading for the open device arrives. */
export function latestBlock(reading: Reading | null): HTMLElement {
  if (!reading) return el('p', { className: 'latest none', text: t('air-quality.no-reading') });
  const band = reading.quality === 'bad' ? null : eaqiPm25Band(reading.value);
  return el('div', { className: 'latest' }, [
    el('span', { className: 'value', text: `${formatValue(reading.value)} ${UNITS[reading.unit].label}` }),
    el('span', {
      className: 'band',
      text: band ? t(band.label) : t('reading.not-rated'),
      attrs: { style: `--band: ${band?.colour ?? NO_VALUE_COLOUR}` },
    }),
    el('div', {
      className: 'meta',
      text: t('reading.meta', { quantity: quantityLabel('pm2_5'), time: formatTime(reading.ts), quality: qualityText(reading) }),
    }),
  ]);
}

/**
 * The air-quality sensor panel: identity, latest PM2.5 and 24 h charts of PM2.5 (with the EAQI
 * band boundaries) and PM10 when the device measures it. `now` fixes the window.
 */
export function sensorPanel(device: DeviceFeature, reading: Reading | null, api: ApiClient, now = new Date()): {
  content: HTMLElement;
  setLatest(reading: Reading | null): void;
  charts: Promise<void>;
} {
  const panel = devicePanel({
    device,
    className: 'sensor-panel',
    latest: latestBlock(reading),
    api,
    now,
    charts: [
      { quantity: 'pm2_5', colour: '#2563eb', thresholds: EAQI_PM25_BANDS.slice(0, -1).map((b) => ({ value: b.upper, colour: b.colour })) },
      { quantity: 'pm10', colour: '#9333ea' },
    ],
  });
  return { content: panel.content, setLatest: (next) => panel.setLatest(latestBlock(next)), charts: panel.charts };
}
