import { getProfile } from '@zenne/device-profiles';

/**
 * The only real NO2 figure near the demo streets in Zenne's shared data: the 2023 annual mean at
 * IRCEL-CELINE station 41B004 (Bruxelles Ste-Catherine, ~300 m from Place de la Monnaie), 20 µg/m³
 * (`timeseries/air-quality/brussels-no2-irceline/no2_anmean_station_brussels2023.json`,
 * IRCEL-CELINE via FARI-brussels/fari-twin-toolkit, CC BY 4.0). The shared data has annual means
 * only, no NO2 time series, so there is nothing to replay over the day.
 */
export const STE_CATHERINE_NO2_2023_UG_M3 = 20;

export const ZE03_NO2_PROFILE = 'winsen-ze03-no2';

/**
 * The ZE03-NO2 wire count for a NO2 mass concentration: the inverse of the profile's channel
 * scale (µg/m³ per count at EU reference conditions), rounded as the module quantises.
 */
export function ze03No2Count(ugPerM3: number): number {
  const channel = getProfile(ZE03_NO2_PROFILE).channels.find((c) => c.quantity === 'no2')!;
  return Math.round((ugPerM3 - channel.offset) / channel.scale);
}
