import type { SourceKind } from '../source-kind.ts';
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
    if (key === 'port') return 'the device path, e.g. /dev/ttyUSB0 or /dev/serial/by-id/usb-...';
    return undefined;
  },
  check(config, profile) {
    const errors = [];
    const warnings = [];
    if (profile.transport !== 'serial') {
      errors.push({
        key: 'profile',
        message: `profile ${profile.id} describes a ${profile.transport} device, not a serial one`,
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
