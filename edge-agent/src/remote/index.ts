export { RemoteConfig, type RemoteConfigOptions } from './remote-config.ts';
