import type { DeviceProfile, Quantity } from '@zenne/device-profiles';

/** Whether the profile has a channel for any of `quantities`. */
export function measuresAny(profile: DeviceProfile, quantities: readonly Quantity[]): boolean {
  return profile.channels.some((c) => quantities.includes(c.quantity));
}

/** A polyphase meter: its Modbus map has per-phase registers (profile `modbus.registers[].phase`). */
export function isPolyphase(profile: DeviceProfile): boolean {
  return profile.modbus?.registers.some((r) => r.phase !== undefined) ?? false;
}

export const ELECTRICAL: readonly Quantity[] = ['voltage', 'current', 'active_power', 'reactive_power', 'power_factor', 'frequency', 'energy', 'energy_export'];
export const LAMP: readonly Quantity[] = ['lamp_level', 'lamp_power', 'lamp_faults', 'burning_hours'];
export const POLLUTANTS: readonly Quantity[] = ['pm1', 'pm2_5', 'pm10', 'no2', 'o3'];
export const CLIMATE: readonly Quantity[] = ['temperature', 'humidity', 'co2', 'pressure', 'illuminance'];

const DATA_MODELS = 'https://raw.githubusercontent.com/smart-data-models';

/** The @context of a Smart Data Models subject (dataModel.<subject>/context.jsonld). */
export function subjectContext(subject: 'Environment' | 'Streetlighting' | 'Transportation' | 'Energy'): string {
  return `${DATA_MODELS}/dataModel.${subject}/master/context.jsonld`;
}
