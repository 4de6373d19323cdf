import type { SourceConfigFinding, SourceKind } from '../source-kind.ts';
import { opcuaSourceConfigSchema, type OpcuaSourceConfig } from './config.ts';
import { deferredSource } from '../deferred-source.ts';
import { channelOf } from './points.ts';

export const opcuaSourceKind: SourceKind<OpcuaSourceConfig> = {
  kind: 'opcua',
  configSchema: opcuaSourceConfigSchema,
  pathKeys: ['certificate_file', 'private_key_file', 'pki_dir'],
  hint(key) {
    if (key === 'endpoint') return 'the server URL, e.g. opc.tcp://bms.local:4840 (ask the BMS integrator, or run `zenne-agent scan`)';
    if (key === 'devices') {
      return 'one entry per device: { device: room-101, profile: generic-bms-room-climate, nodes: { temperature: "ns=2;s=AI-101.Present_Value" } }';
    }
    if (key === 'security_mode' || key === 'security_policy') {
      return 'None/None, or Sign|SignAndEncrypt with Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss as the server offers';
    }
    return undefined;
  },
  devices: (config) => config.devices.map((entry, i) => ({ at: ['devices', i], device: entry.device, profile: entry.profile })),
  describe: (config) =>
    `opcua ${config.endpoint} (${config.security_mode}), ${config.devices.reduce((n, d) => n + Object.keys(d.nodes).length, 0)} node(s) every ${config.publishing_interval_ms} ms`,
  check(config, profiles) {
    const errors: SourceConfigFinding[] = [];
    const warnings: SourceConfigFinding[] = [];
    for (const [i, entry] of config.devices.entries()) {
      const profile = profiles.get(entry.device);
      if (!profile) continue;
      if (profile.transport !== 'opcua') {
        errors.push({ key: `devices.${i}.profile`, message: `profile ${profile.id} describes a ${profile.transport} device, not one read over OPC UA` });
        continue;
      }
      for (const field of Object.keys(entry.nodes)) {
        if (!channelOf(profile.channels, field)) {
          const fields = profile.channels.map((c) => c.field).join(', ');
          errors.push({ key: `devices.${i}.nodes.${field}`, message: `profile ${profile.id} has no channel with field ${field} (its fields: ${fields})` });
        }
      }
      const unmapped = profile.channels.filter((c) => !Object.hasOwn(entry.nodes, c.field)).map((c) => c.field);
      if (unmapped.length > 0) {
        warnings.push({ key: `devices.${i}.nodes`, message: `no node for ${unmapped.join(', ')} of profile ${profile.id}: those quantities will not be read` });
      }
    }
    return { errors, warnings };
  },
  create: (config, context) =>
    deferredSource({ id: config.id, kind: 'opcua', device: config.id }, async () => {
      const { OpcuaSource } = await import('./opcua-source.ts');
      return new OpcuaSource(config, context);
    }),
};

export { opcuaDeviceSchema, opcuaSourceConfigSchema, type OpcuaDevice, type OpcuaSourceConfig } from './config.ts';
