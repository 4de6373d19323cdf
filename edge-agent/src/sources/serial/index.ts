import { getBridge, isBridgeId } from '@zenne/firmware-bridges';
import type { SourceConfigFinding, SourceKind } from '../source-kind.ts';
import { serialSourceConfigSchema, type SerialSourceConfig } from './config.ts';
import { SerialSource } from './serial-source.ts';

export const serialSourceKind: SourceKind<SerialSourceConfig> = {
  kind: 'serial',
  configSchema: serialSourceConfigSchema,
  pathKeys: ['port'],
  hint(key, profile) {
    if (key === 'baud_rate') {
      return profile?.serial
        ? `the ${profile.model} talks at ${profile.serial.baud_rate} baud`
        : 'the baud rate from the device datasheet, e.g. 9600';
    }
    if (key === 'poll_period_s') return `seconds between read commands, e.g. ${profile?.sample_period_s ?? 10}`;
    if (key === 'port') return 'the device path, e.g. /dev/ttyUSB0 or /dev/serial/by-id/usb-...';
    return undefined;
  },
  devices: (config) => [{ at: [], device: config.device, profile: config.profile, bridge: config.bridge }],
  describe: (config) => `serial ${config.port} @ ${config.baud_rate} baud, bridge ${config.bridge}`,
  check(config, profiles) {
    const errors: SourceConfigFinding[] = [];
    const warnings: SourceConfigFinding[] = [];
    const profile = profiles.get(config.device);
    if (!profile) return { errors, warnings };
    if (profile.transport !== 'serial') {
      errors.push({
        key: 'profile',
        message: `profile ${profile.id} describes a ${profile.transport} device, not a serial one`,
      });
    }
    if (config.poll_period_s !== undefined && isBridgeId(profile.bridge) && !getBridge(profile.bridge).pollCommand) {
      warnings.push({
        key: 'poll_period_s',
        message: `the ${profile.model} reports by itself (bridge ${profile.bridge} has no poll command): poll_period_s is ignored`,
      });
    }
    if (profile.serial && profile.serial.baud_rate !== config.baud_rate) {
      warnings.push({
        key: 'baud_rate',
        message: `${config.baud_rate} baud, but the ${profile.model} talks at ${profile.serial.baud_rate} baud: expect garbage bytes and no frames`,
      });
    }
    return { errors, warnings };
  },
  create: (config, context) => new SerialSource(config, context),
};

export { serialSourceConfigSchema, type SerialSourceConfig } from './config.ts';
export { SerialSource } from './serial-source.ts';
