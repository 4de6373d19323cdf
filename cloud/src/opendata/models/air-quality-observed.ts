import { direct, observationModel, percentAsFraction } from './observation-model.ts';
import { CLIMATE, measuresAny, POLLUTANTS, subjectContext } from './profile-traits.ts';

/**
 * AirQualityObserved (dataModel.Environment): outdoor air sensors, and
 * indoor ones that measure pollutants. Concentrations in µg/m³ (GQ), as the
 * model's examples; CO2 in ppm (59).
 */
export const airQualityObserved = observationModel({
  type: 'AirQualityObserved',
  context: subjectContext('Environment'),
  schema: 'https://smart-data-models.github.io/dataModel.Environment/AirQualityObserved/schema.json',
  dataset: {
    title: 'Air quality observed',
    description: 'Latest and past particulate matter, NO2, ozone, CO2 and climate readings of air-quality sensors.',
    theme: 'ENVI',
    keywords: ['air quality', 'PM2.5', 'PM10', 'NO2'],
  },
  matches: (device, profile) => measuresAny(profile, POLLUTANTS) || (device.building === undefined && measuresAny(profile, CLIMATE)),
  observedAtAttribute: 'dateObserved',
  fixed: (device) => ({ typeofLocation: device.building === undefined ? 'outdoor' : 'indoor' }),
  rules: [
    direct('pm1', 'pm1', 'GQ'),
    direct('pm25', 'pm2_5', 'GQ'),
    direct('pm10', 'pm10', 'GQ'),
    direct('no2', 'no2', 'GQ'),
    direct('o3', 'o3', 'GQ'),
    direct('co2', 'co2', '59'),
    direct('temperature', 'temperature', 'CEL'),
    { attribute: 'relativeHumidity', quantity: 'humidity', unitCode: 'C62', value: percentAsFraction },
    direct('pressure', 'pressure', 'A97'),
  ],
});
