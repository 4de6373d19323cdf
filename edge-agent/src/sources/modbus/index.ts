import type { DeviceProfile } from '@zenne/device-profiles';
import type { SourceConfigFinding, SourceKind } from '../source-kind.ts';
import {
  modbusRtuSourceConfigSchema,
  modbusTcpSourceConfigSchema,
  type ModbusRtuSourceConfig,
  type ModbusTcpSourceConfig,
} from './config.ts';
import { checkDevicePlan } from './device-plan.ts';
import { ModbusSource } from './modbus-source.ts';
import { RtuTransport } from './rtu-transport.ts';
import { TcpTransport } from './tcp-transport.ts';

type ModbusConfig = ModbusRtuSourceConfig | ModbusTcpSourceConfig;

function busDevices(config: ModbusConfig) {
  return config.devices.map((entry, i) => ({ at: ['devices', i], device: entry.device, profile: entry.profile }));
}

/** Each device against its profile: a register map that covers its view (phase). */
function checkDevices(config: ModbusConfig, profiles: ReadonlyMap<string, DeviceProfile>): SourceConfigFinding[] {
  const errors: SourceConfigFinding[] = [];
  for (const [i, entry] of config.devices.entries()) {
    const profile = profiles.get(entry.device);
    if (!profile) continue;
    for (const finding of checkDevicePlan(entry, profile)) errors.push({ ...finding, key: `devices.${i}.${finding.key}` });
  }
  return errors;
}

function hint(key: string): string | undefined {
  if (key.endsWith('unit_id')) return 'the Modbus address set on the device (1-247), e.g. 1';
  if (key.endsWith('poll_period_s')) return 'seconds between two reads of this device, e.g. 10';
  if (key.endsWith('phase')) return 'for a three-phase meter: 1, 2 or 3 (leave it out for the whole meter)';
  if (key === 'devices') return 'a list of { device, profile, unit_id, poll_period_s }';
  return undefined;
}

export const modbusRtuSourceKind: SourceKind<ModbusRtuSourceConfig> = {
  kind: 'modbus_rtu',
  configSchema: modbusRtuSourceConfigSchema,
  pathKeys: ['port'],
  hint(key, profile) {
    if (key === 'baud_rate') {
      return profile?.serial ? `the ${profile.model} ships at ${profile.serial.baud_rate} baud` : 'the bus baud rate set on every device, e.g. 9600';
    }
    if (key === 'port') return 'the RS-485 adapter, e.g. /dev/ttyUSB0 or /dev/serial/by-id/usb-...';
    return hint(key);
  },
  devices: busDevices,
  describe: (config) =>
    `modbus_rtu ${config.port} @ ${config.baud_rate} baud ${config.data_bits}${config.parity[0]!.toUpperCase()}${config.stop_bits}, ${config.devices.length} device(s)`,
  check(config, profiles) {
    const warnings: SourceConfigFinding[] = [];
    const warned = new Set<string>();
    for (const profile of profiles.values()) {
      if (!profile.serial || profile.serial.baud_rate === config.baud_rate || warned.has(profile.id)) continue;
      warned.add(profile.id);
      warnings.push({
        key: 'baud_rate',
        message: `${config.baud_rate} baud, but the ${profile.model} ships at ${profile.serial.baud_rate} baud: unless it was reconfigured, expect no answer`,
      });
    }
    return { errors: checkDevices(config, profiles), warnings };
  },
  create: (config, context) => new ModbusSource(config, new RtuTransport(config), context),
};

export const modbusTcpSourceKind: SourceKind<ModbusTcpSourceConfig> = {
  kind: 'modbus_tcp',
  configSchema: modbusTcpSourceConfigSchema,
  pathKeys: [],
  hint(key) {
    if (key === 'host') return 'the IP address or name of the meter or RTU-to-TCP gateway, e.g. 192.168.1.50';
    if (key === 'port') return 'the Modbus TCP port, 502 unless the gateway was reconfigured';
    return hint(key);
  },
  devices: busDevices,
  describe: (config) => `modbus_tcp ${config.host}:${config.port}, ${config.devices.length} device(s)`,
  check: (config, profiles) => ({ errors: checkDevices(config, profiles), warnings: [] }),
  create: (config, context) => new ModbusSource(config, new TcpTransport(config.host, config.port), context),
};

export {
  modbusRtuSourceConfigSchema,
  modbusTcpSourceConfigSchema,
  type ModbusRtuSourceConfig,
  type ModbusTcpSourceConfig,
} from './config.ts';
export { ModbusSource } from './modbus-source.ts';
export { modbusDeviceStatsSchema, type ModbusDeviceStats } from './device-stats.ts';
