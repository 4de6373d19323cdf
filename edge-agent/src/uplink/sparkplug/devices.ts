import { getProfile, type Quantity } from '@zenne/device-profiles';
import { findSourceKind, type SourceConfig } from '../../sources/index.ts';

/**
 * Map(device -> the quantities of its profile's channels), for every device
 * the sources read: the metrics each device's DBIRTH declares.
 */
export function sparkplugDevices(sources: readonly SourceConfig[]): Map<string, Quantity[]> {
  const devices = new Map<string, Quantity[]>();
  for (const source of sources) {
    for (const entry of findSourceKind(source.kind)!.devices(source)) {
      devices.set(entry.device, getProfile(entry.profile).channels.map((c) => c.quantity));
    }
  }
  return devices;
}
