import { z } from 'zod';

/**
 * Units are UCUM case-sensitive codes (https://ucum.org/ucum). Each unit belongs
 * to one dimension and converts to that dimension's canonical unit by
 * `canonical = value * factor + offset`.
 */
export const UNITS = {
  'ug/m3': { dimension: 'mass_concentration', factor: 1, offset: 0, label: 'µg/m³' },
  'mg/m3': { dimension: 'mass_concentration', factor: 1000, offset: 0, label: 'mg/m³' },
  ppm: { dimension: 'mixing_ratio', factor: 1, offset: 0, label: 'ppm' },
  ppb: { dimension: 'mixing_ratio', factor: 0.001, offset: 0, label: 'ppb' },
  Cel: { dimension: 'temperature', factor: 1, offset: 0, label: '°C' },
  K: { dimension: 'temperature', factor: 1, offset: -273.15, label: 'K' },
  '[degF]': { dimension: 'temperature', factor: 5 / 9, offset: -32 * (5 / 9), label: '°F' },
  '%': { dimension: 'ratio_percent', factor: 1, offset: 0, label: '%' },
  '1': { dimension: 'ratio_percent', factor: 100, offset: 0, label: '(fraction)' },
  hPa: { dimension: 'pressure', factor: 1, offset: 0, label: 'hPa' },
  Pa: { dimension: 'pressure', factor: 0.01, offset: 0, label: 'Pa' },
  lx: { dimension: 'illuminance', factor: 1, offset: 0, label: 'lx' },
  dB: { dimension: 'sound_level', factor: 1, offset: 0, label: 'dB' },
  V: { dimension: 'voltage', factor: 1, offset: 0, label: 'V' },
  A: { dimension: 'current', factor: 1, offset: 0, label: 'A' },
  mA: { dimension: 'current', factor: 0.001, offset: 0, label: 'mA' },
  W: { dimension: 'power', factor: 1, offset: 0, label: 'W' },
  kW: { dimension: 'power', factor: 1000, offset: 0, label: 'kW' },
  var: { dimension: 'reactive_power', factor: 1, offset: 0, label: 'var' },
  Hz: { dimension: 'frequency', factor: 1, offset: 0, label: 'Hz' },
  Wh: { dimension: 'energy', factor: 1, offset: 0, label: 'Wh' },
  kWh: { dimension: 'energy', factor: 1000, offset: 0, label: 'kWh' },
  h: { dimension: 'duration', factor: 1, offset: 0, label: 'h' },
  min: { dimension: 'duration', factor: 1 / 60, offset: 0, label: 'min' },
  s: { dimension: 'duration', factor: 1 / 3600, offset: 0, label: 's' },
  '{count}': { dimension: 'count', factor: 1, offset: 0, label: 'count' },
  // A bit field (one bit per fault); never converted, only carried.
  '{flags}': { dimension: 'flags', factor: 1, offset: 0, label: 'flags' },
  '/cm3': { dimension: 'number_concentration', factor: 1, offset: 0, label: '#/cm³' },
  '/dL': { dimension: 'number_concentration', factor: 0.01, offset: 0, label: '#/0.1 L' },
} as const;

export type Unit = keyof typeof UNITS;
export const unitSchema = z.enum(Object.keys(UNITS) as [Unit, ...Unit[]]);

/** The fixed quantity catalogue of docs/architecture.md; each has one canonical unit. */
export const QUANTITIES = {
  pm1: { unit: 'ug/m3', label: 'PM1', description: 'particulate matter ≤ 1 µm' },
  pm2_5: { unit: 'ug/m3', label: 'PM2.5', description: 'particulate matter ≤ 2.5 µm' },
  pm10: { unit: 'ug/m3', label: 'PM10', description: 'particulate matter ≤ 10 µm' },
  no2: { unit: 'ug/m3', label: 'NO₂', description: 'nitrogen dioxide' },
  o3: { unit: 'ug/m3', label: 'O₃', description: 'ozone' },
  co2: { unit: 'ppm', label: 'CO₂', description: 'carbon dioxide' },
  temperature: { unit: 'Cel', label: 'Temperature', description: 'air temperature' },
  humidity: { unit: '%', label: 'Humidity', description: 'relative humidity' },
  pressure: { unit: 'hPa', label: 'Pressure', description: 'air pressure' },
  illuminance: { unit: 'lx', label: 'Illuminance', description: 'illuminance' },
  noise_level: { unit: 'dB', label: 'Noise', description: 'A-weighted sound level' },
  voltage: { unit: 'V', label: 'Voltage', description: 'RMS voltage' },
  current: { unit: 'A', label: 'Current', description: 'RMS current' },
  active_power: { unit: 'W', label: 'Active power', description: 'active power' },
  reactive_power: { unit: 'var', label: 'Reactive power', description: 'reactive power' },
  power_factor: { unit: '1', label: 'Power factor', description: 'power factor' },
  frequency: { unit: 'Hz', label: 'Frequency', description: 'grid frequency' },
  energy: { unit: 'Wh', label: 'Energy', description: 'imported active energy (cumulative)' },
  energy_export: { unit: 'Wh', label: 'Energy export', description: 'exported active energy (cumulative)' },
  people_count: { unit: '{count}', label: 'Occupancy', description: 'people present' },
  people_flow_in: { unit: '{count}', label: 'People in', description: 'people entering per interval' },
  people_flow_out: { unit: '{count}', label: 'People out', description: 'people leaving per interval' },
  lamp_level: { unit: '%', label: 'Dimming level', description: 'lamp dimming level' },
  lamp_power: { unit: 'W', label: 'Lamp power', description: 'lamp power draw' },
  burning_hours: { unit: 'h', label: 'Burning hours', description: 'lamp burning hours (cumulative)' },
  lamp_faults: { unit: '{flags}', label: 'Lamp faults', description: 'fault flags of a lamp controller (bit field, 0 = no fault; bits in its profile)' },
} as const satisfies Record<string, { unit: Unit; label: string; description: string }>;

export type Quantity = keyof typeof QUANTITIES;
export const quantitySchema = z.enum(Object.keys(QUANTITIES) as [Quantity, ...Quantity[]]);
