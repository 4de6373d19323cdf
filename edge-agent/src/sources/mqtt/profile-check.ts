import { findCodec, getProfile, listCodecIds, type DeviceProfile } from '@zenne/device-profiles';
import { agentErrors } from '../../errors.ts';
import type { SourceConfigFinding } from '../source-kind.ts';

type Transport = 'mqtt' | 'lorawan';

/** Why `profile` cannot decode messages of `transport`, or undefined when it can. */
function unusable(profile: DeviceProfile, transport: Transport): string | undefined {
  if (profile.transport !== transport) return `it describes a ${profile.transport} device, not a ${transport} one`;
  const payload = profile.payload;
  if (!payload) return 'it has no `payload` section saying how messages are decoded';
  if (transport === 'mqtt' && payload.format === 'codec') return 'its payload is a binary codec; an mqtt source reads JSON or SenML';
  if (transport === 'lorawan') {
    if (payload.format !== 'codec') return `its payload format is ${payload.format}; LoRaWAN uplinks need a codec`;
    if (!findCodec(payload.codec)) return `codec "${payload.codec}" is not registered (known: ${listCodecIds().join(', ')})`;
  }
  return undefined;
}

/**
 * The profile by id, ready for a message source of `transport`; throws
 * ZENNE_ERR_PROFILE_UNKNOWN_ID or ZENNE_ERR_AGENT_MQTT_PROFILE_UNUSABLE.
 */
export function messageProfile(id: string, transport: Transport, source: string): DeviceProfile {
  const profile = getProfile(id);
  const reason = unusable(profile, transport);
  if (reason) throw agentErrors.MQTT_PROFILE_UNUSABLE({ profile: id, kind: transport, source, reason });
  return profile;
}

/**
 * Config-time findings for the profiles of a message source's devices
 * (`profiles`: Map(device -> profile), as the config loader resolved them);
 * `entries` say at which config key each device's profile is named.
 */
export function checkMessageProfiles(
  entries: ReadonlyArray<{ key: string; device: string }>,
  profiles: ReadonlyMap<string, DeviceProfile>,
  transport: Transport,
): SourceConfigFinding[] {
  const errors: SourceConfigFinding[] = [];
  const reported = new Set<string>();
  for (const { key, device } of entries) {
    const profile = profiles.get(device);
    if (!profile || reported.has(key)) continue;
    const reason = unusable(profile, transport);
    if (reason) {
      reported.add(key);
      errors.push({ key, message: `profile ${profile.id} cannot be used here: ${reason}` });
    }
  }
  return errors;
}
