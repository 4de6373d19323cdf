import { UNITS, type Quantity } from '@zenne/device-profiles/contracts';
import type { ApiClient } from '../../api/client.ts';
import type { DeviceFeature } from '../../api/schemas.ts';
import { t } from '../../i18n/i18n.ts';
import type { LegendSpec } from '../layer.ts';
import { PointDeviceLayer, type LatestReadings, type OpenPanel } from '../point-device-layer.ts';
import type { PointLook } from '../reading-point-style.ts';
import { EAQI_PM25_BANDS, NO_VALUE_COLOUR } from './eaqi.ts';
import { pointStyle } from './point-style.ts';
import { sensorPanel } from './sensor-panel.ts';

const QUANTITY = 'pm2_5';

/**
 * Air quality: every device that measures PM2.5 as a point, coloured by its latest PM2.5 on the
 * EAQI bands, updated live from `/api/v1/live?quantity=pm2_5`. Clicking a point opens the sensor
 * panel with 24 h charts.
 */
export class AirQualityLayer extends PointDeviceLayer {
  readonly id = 'air-quality';
  protected readonly quantities: readonly Quantity[] = [QUANTITY];

  get title(): string {
    return t('air-quality.title');
  }

  protected selects(device: DeviceFeature): boolean {
    return device.properties.quantities.includes(QUANTITY);
  }

  protected look(latest: LatestReadings): PointLook {
    return pointStyle(latest.get(QUANTITY) ?? null);
  }

  protected openPanel(device: DeviceFeature, latest: LatestReadings, api: ApiClient): OpenPanel {
    const panel = sensorPanel(device, latest.get(QUANTITY) ?? null, api);
    return { content: panel.content, update: (next) => panel.setLatest(next.get(QUANTITY) ?? null) };
  }

  legend(): LegendSpec {
    return {
      title: t('air-quality.legend'),
      unit: UNITS['ug/m3'].label,
      items: [
        ...EAQI_PM25_BANDS.map((b) => ({
          label: t(b.label),
          colour: b.colour,
          range: b.level === 6 ? `> ${b.lower}` : `${b.lower}–${b.upper}`,
        })),
        { label: t('legend.no-value'), colour: NO_VALUE_COLOUR, range: '' },
        { label: t('legend.suspect'), colour: EAQI_PM25_BANDS[2]!.colour, swatch: 'ring' as const },
        { label: t('legend.bad'), colour: NO_VALUE_COLOUR, swatch: 'ring' as const },
      ],
      notes: [t('air-quality.note.bands'), t('air-quality.note.latest')],
    };
  }
}
