import { direct, observationModel, percentAsFraction } from './observation-model.ts';
import { CLIMATE, measuresAny, POLLUTANTS, subjectContext } from './profile-traits.ts';

/*
 * The model gives CO2 "nominally in mg/L". At 25 °C and 101.325 kPa an ideal
 * gas occupies 24.45 L/mol and CO2 weighs 44.01 g/mol, so
 * mg/L = ppm × 44.01 / 24.45 / 1000.
 */
const CO2_MG_PER_L_PER_PPM = 44.01 / 24.45 / 1000;

/**
 * IndoorEnvironmentObserved (dataModel.Environment): climate sensors placed
 * in a registry building. People counts are never mapped here (its
 * `peopleCount` would publish a room's occupancy unaggregated).
 */
export const indoorEnvironmentObserved = observationModel({
  type: 'IndoorEnvironmentObserved',
  context: subjectContext('Environment'),
  schema: 'https://smart-data-models.github.io/data-models/dataModel.Environment/schema.json',
  dataset: {
    title: 'Indoor environment observed',
    description: 'Temperature, relative humidity, CO2, illuminance and pressure in public buildings.',
    theme: 'ENVI',
    keywords: ['indoor climate', 'CO2', 'temperature', 'humidity'],
  },
  matches: (device, profile) => device.building !== undefined && measuresAny(profile, CLIMATE) && !measuresAny(profile, POLLUTANTS),
  observedAtAttribute: 'dateObserved',
  rules: [
    // The model's schema has `minimum: 0` for temperature: a sub-zero room value cannot be published in it.
    { attribute: 'temperature', quantity: 'temperature', unitCode: 'CEL', value: (v) => (v >= 0 ? v : undefined) },
    { attribute: 'relativeHumidity', quantity: 'humidity', unitCode: 'C62', value: percentAsFraction },
    { attribute: 'co2', quantity: 'co2', unitCode: 'M1', value: (v) => v * CO2_MG_PER_L_PER_PPM },
    direct('illuminance', 'illuminance', 'LUX'),
    direct('atmosphericPressure', 'pressure', 'A97'),
  ],
});
