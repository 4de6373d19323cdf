import { createNormaliser, getProfile, type Channel, type Normaliser, type Quantity } from '@zenne/device-profiles';
import { agentErrors } from '../../errors.ts';
import type { OpcuaSourceConfig } from './config.ts';

/** One monitored node: the device and profile channel its values belong to. */
export interface MonitoredPoint {
  node_id: string;
  device: string;
  field: string;
  quantity: Quantity;
  sampling_interval_ms: number;
  /**
   * A normaliser over this channel alone: a data change carries one field, and
   * the profile's other channels must not be reported missing; it keeps the
   * channel's quality history (jumps, stuck values).
   */
  normaliser: Normaliser;
}

/**
 * The config's devices resolved against their profiles, one point per node.
 * Throws ZENNE_ERR_PROFILE_UNKNOWN for an unknown profile and
 * ZENNE_ERR_AGENT_OPCUA_NODE_FIELD_UNKNOWN for a field the profile has no channel for.
 */
export function resolvePoints(config: OpcuaSourceConfig): MonitoredPoint[] {
  return config.devices.flatMap((entry) => {
    const profile = getProfile(entry.profile);
    return Object.entries(entry.nodes).map(([field, nodeId]): MonitoredPoint => {
      const channel = channelOf(profile.channels, field);
      if (!channel) {
        throw agentErrors.OPCUA_NODE_FIELD_UNKNOWN({
          device: entry.device,
          source: config.id,
          field,
          profile: profile.id,
          fields: profile.channels.map((c) => c.field).join(', '),
        });
      }
      return {
        node_id: nodeId,
        device: entry.device,
        field,
        quantity: channel.quantity,
        sampling_interval_ms: entry.sampling_interval_ms ?? config.publishing_interval_ms,
        normaliser: createNormaliser({ ...profile, channels: [channel] }, { device: entry.device }),
      };
    });
  });
}

export function channelOf(channels: readonly Channel[], field: string): Channel | undefined {
  return channels.find((c) => c.field === field);
}
