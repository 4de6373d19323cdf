export { createAgent, type Agent, type AgentDeps } from './agent.ts';
export { agentConfigSchema, loadConfig, parseConfigText, type AgentConfig, type LoadedConfig } from './config/index.ts';
export { DurableBuffer, type BufferedRecord, type BufferOptions, type BufferStats } from './buffer/index.ts';
export { MqttUplink, uplinkStatsSchema, type UplinkOptions, type UplinkStats } from './uplink/index.ts';
export {
  createSource,
  sourceConfigSchema,
  sourceKinds,
  sourceStatsSchema,
  type ReadingSink,
  type Source,
  type SourceConfig,
  type SourceKind,
  type SourceStats,
} from './sources/index.ts';
export { agentStatusSchema, readStatus, statusFilePath, type AgentStatus } from './status/status-file.ts';
export { agentErrors } from './errors.ts';
