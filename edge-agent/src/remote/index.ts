export { RemoteConfig, type RemoteConfigOptions } from './remote-config.ts';
export { desiredConfigSchema, reportedConfigSchema, type DesiredConfig, type ReportedConfig } from './messages.ts';
