import type { SourceKind } from '../source-kind.ts';
import { mqttSourceConfigSchema, type MqttSourceConfig } from './config.ts';

/** Every device of the config with the subscription that names it: the fixed `device`, or each of `devices`. */
function mqttDevices(config: MqttSourceConfig): Array<{ index: number; device: string; profile: string }> {
  return config.subscriptions.flatMap((s, index) =>
    (s.device !== undefined ? [s.device] : (s.devices ?? [])).map((device) => ({ index, device, profile: s.profile })),
  );
}
import { MessageSource } from './message-source.ts';
import { createMqttDecoder } from './mqtt-decoder.ts';
import { checkMessageProfiles } from './profile-check.ts';

export const mqttSourceKind: SourceKind<MqttSourceConfig> = {
  kind: 'mqtt',
  configSchema: mqttSourceConfigSchema,
  pathKeys: [],
  hint(key) {
    if (key === 'url') return 'the broker on the gateway LAN, e.g. mqtt://127.0.0.1:1883';
    if (key === 'subscriptions') return 'a list of { topic, profile, device } or { topic: "site/{device}/senml", profile }';
    return undefined;
  },
  devices: (config) => mqttDevices(config).map(({ index, device, profile }) => ({ at: ['subscriptions', index], device, profile })),
  describe: (config) => `mqtt ${config.url}, topics ${config.subscriptions.map((s) => s.topic).join(', ')}`,
  check(config, profiles) {
    const entries = mqttDevices(config).map(({ index, device }) => ({ key: `subscriptions.${index}.profile`, device }));
    return { errors: checkMessageProfiles(entries, profiles, 'mqtt'), warnings: [] };
  },
  create: (config, context) =>
    new MessageSource({ id: config.id, kind: 'mqtt', broker: config, createDecoder: () => createMqttDecoder(config) }, context),
};

export { mqttSourceConfigSchema, type MqttSourceConfig } from './config.ts';
export { MessageSource } from './message-source.ts';
