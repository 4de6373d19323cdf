import type { SourceKind } from '../source-kind.ts';
import { MessageSource } from '../mqtt/message-source.ts';
import { checkMessageProfiles } from '../mqtt/profile-check.ts';
import { lorawanSourceConfigSchema, type LorawanSourceConfig } from './config.ts';
import { createLorawanDecoder } from './lorawan-decoder.ts';

export const lorawanSourceKind: SourceKind<LorawanSourceConfig> = {
  kind: 'lorawan',
  configSchema: lorawanSourceConfigSchema,
  pathKeys: [],
  hint(key) {
    if (key === 'network_server') return 'tts_v3 (The Things Stack / The Things Network) or chirpstack_v4';
    if (key === 'application') return 'TTS: my-app@ttn (application id @ tenant id); ChirpStack: the application UUID';
    if (key === 'devices') return 'a list of { dev_eui: A81758FFFE0312AB, device: ers-co2-01, profile: elsys-ers-co2 }';
    return undefined;
  },
  devices: (config) => config.devices.map((d, i) => ({ at: ['devices', i], device: d.device, profile: d.profile })),
  describe: (config) => `lorawan ${config.network_server} application ${config.application} via ${config.url}`,
  check(config, profiles) {
    const errors = checkMessageProfiles(
      config.devices.map((d, i) => ({ key: `devices.${i}.profile`, device: d.device })),
      profiles,
      'lorawan',
    );
    const seen = new Map<string, number>();
    for (const [i, d] of config.devices.entries()) {
      const eui = d.dev_eui?.toUpperCase();
      if (eui === undefined) continue;
      const earlier = seen.get(eui);
      if (earlier !== undefined) errors.push({ key: `devices.${i}.dev_eui`, message: `DevEUI ${eui} is already devices[${earlier}]` });
      else seen.set(eui, i);
    }
    return { errors, warnings: [] };
  },
  create: (config, context) =>
    new MessageSource({ id: config.id, kind: 'lorawan', broker: config, createDecoder: () => createLorawanDecoder(config) }, context),
};

export { lorawanSourceConfigSchema, type LorawanSourceConfig } from './config.ts';
