import { UNITS, type Quantity } from '@zenne/device-profiles/contracts';
import type { ApiClient } from '../../api/client.ts';
import type { DeviceFeature } from '../../api/schemas.ts';
import { t } from '../../i18n/i18n.ts';
import type { LegendSpec } from '../layer.ts';
import { PointDeviceLayer, type LatestReadings, type OpenPanel } from '../point-device-layer.ts';
import { NO_VALUE_COLOUR, type PointLook } from '../reading-point-style.ts';
import { lampPanel } from './lamp-panel.ts';
import { FAULT_COLOUR, LEVEL_BANDS, lampLook } from './lamp-style.ts';

/**
 * Street lighting: every lamp controller (a device reporting `lamp_level`, as the
 * generic-modbus-lamp-controller profile and its per-vendor copies do) as a point coloured by its
 * dimming level, ringed red on a fault. Latest values and the live feed are asked for these
 * devices only. Clicking a lamp opens its panel: level, power, energy, lamp time, faults, charts.
 */
export class StreetLightingLayer extends PointDeviceLayer {
  readonly id = 'street-lighting';
  protected readonly quantities: readonly Quantity[] = ['lamp_level', 'lamp_faults', 'lamp_power', 'energy', 'burning_hours'];

  get title(): string {
    return t('street-lighting.title');
  }

  protected selects(device: DeviceFeature): boolean {
    return device.properties.quantities.includes('lamp_level');
  }

  protected look(latest: LatestReadings): PointLook {
    return lampLook(latest);
  }

  protected openPanel(device: DeviceFeature, latest: LatestReadings, api: ApiClient): OpenPanel {
    return lampPanel(device, latest, api);
  }

  legend(): LegendSpec {
    return {
      title: t('street-lighting.legend'),
      unit: UNITS['%'].label,
      items: [
        ...LEVEL_BANDS.map((b) => ({ label: t(b.label), colour: b.colour, range: b.upper === 0 ? '0' : `${b.lower}–${b.upper}` })),
        { label: t('street-lighting.fault'), colour: FAULT_COLOUR, swatch: 'ring' as const },
        { label: t('legend.no-value'), colour: NO_VALUE_COLOUR, range: '' },
        { label: t('legend.suspect'), colour: LEVEL_BANDS[3]!.colour, swatch: 'ring' as const },
        { label: t('legend.bad'), colour: NO_VALUE_COLOUR, swatch: 'ring' as const },
      ],
      notes: [t('street-lighting.note.faults'), t('street-lighting.note.click')],
    };
  }
}
