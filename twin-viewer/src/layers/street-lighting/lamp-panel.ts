import { UNITS, type Reading, type Unit } from '@zenne/device-profiles/contracts';
import type { ApiClient } from '../../api/client.ts';
import type { DeviceFeature } from '../../api/schemas.ts';
import { t } from '../../i18n/i18n.ts';
import { devicePanel } from '../../ui/device-panel.ts';
import { el, formatTime, formatValue } from '../../ui/format.ts';
import { qualityText, quantityLabel, type NamedQuantity } from '../../ui/reading-text.ts';
import type { LatestReadings, OpenPanel } from '../point-device-layer.ts';
import { NO_VALUE_COLOUR } from '../reading-point-style.ts';
import { decodeFaults, hasFault, levelBand } from './lamp-style.ts';

/** A value in another unit of the same dimension (UNITS: canonical = value × factor + offset). */
function convert(value: number, from: Unit, to: Unit): number {
  const canonical = value * UNITS[from].factor + UNITS[from].offset;
  return (canonical - UNITS[to].offset) / UNITS[to].factor;
}

/** Quantities shown as facts, in the unit a reader expects (energy in kWh, lamp time in hours). */
const FACTS: ReadonlyArray<{ quantity: NamedQuantity; unit: Unit }> = [
  { quantity: 'lamp_power', unit: 'W' },
  { quantity: 'energy', unit: 'kWh' },
  { quantity: 'burning_hours', unit: 'h' },
];

function faultChip(latest: LatestReadings): HTMLElement {
  const faults = latest.get('lamp_faults');
  if (!faults || faults.quality === 'bad') return el('span', { className: 'faults', text: t('legend.no-value') });
  if (!hasFault(latest)) return el('span', { className: 'faults ok', text: t('street-lighting.no-fault') });
  const { known, unknownBits } = decodeFaults(faults.value);
  const texts = known.map((key) => t(key));
  if (unknownBits) texts.push(t('street-lighting.fault.unknown', { flags: `0x${unknownBits.toString(16)}` }));
  return el('span', { className: 'faults fault', text: t('street-lighting.fault-list', { faults: texts.join(', ') }) });
}

function fact(reading: Reading | undefined, unit: Unit): string {
  return reading ? `${formatValue(convert(reading.value, reading.unit, unit))} ${UNITS[unit].label}` : '—';
}

/** The "latest" block of a lamp: level and its class, fault state, power, energy, lamp time. */
export function lampLatestBlock(latest: LatestReadings): HTMLElement {
  const level = latest.get('lamp_level');
  if (!level && latest.size === 0) return el('p', { className: 'latest none', text: t('street-lighting.no-reading') });
  const band = level && level.quality !== 'bad' ? levelBand(level.value) : null;
  const children: HTMLElement[] = [];
  if (level) {
    children.push(
      // A controller reports whole percents (the level register is an integer).
      el('span', { className: 'value', text: `${formatValue(level.value, 0)} ${UNITS[level.unit].label}` }),
      el('span', { className: 'band', text: band ? t(band.label) : t('reading.not-rated'), attrs: { style: `--band: ${band?.colour ?? NO_VALUE_COLOUR}` } }),
    );
  }
  children.push(faultChip(latest));
  children.push(
    el(
      'dl',
      { className: 'facts' },
      FACTS.flatMap((f) => [el('dt', { text: quantityLabel(f.quantity) }), el('dd', { text: fact(latest.get(f.quantity), f.unit) })]),
    ),
  );
  if (level) {
    children.push(
      el('div', {
        className: 'meta',
        text: t('reading.meta', { quantity: quantityLabel('lamp_level'), time: formatTime(level.ts), quality: qualityText(level) }),
      }),
    );
  }
  return el('div', { className: 'latest', attrs: { 'data-fault': String(hasFault(latest)) } }, children);
}

/** The lamp panel: identity, the latest block and 24 h charts of level, power and energy. */
export function lampPanel(device: DeviceFeature, latest: LatestReadings, api: ApiClient, now = new Date()): OpenPanel & { charts: Promise<void> } {
  const panel = devicePanel({
    device,
    className: 'lamp-panel',
    latest: lampLatestBlock(latest),
    api,
    now,
    charts: [
      { quantity: 'lamp_level', colour: '#c27c0e' },
      { quantity: 'lamp_power', colour: '#2563eb' },
      { quantity: 'energy', colour: '#7c3aed', cumulative: true },
    ],
  });
  return { content: panel.content, update: (next) => panel.setLatest(lampLatestBlock(next)), charts: panel.charts };
}
