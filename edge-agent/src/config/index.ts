export { loadConfig, parseConfigText, type LoadedConfig } from './load-config.ts';
export { agentConfigSchema, type AgentConfig, type AgentConfigFile, type BufferConfig, type CloudLink, type UplinkConfig } from './schema.ts';
