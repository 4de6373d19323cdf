import { z } from 'zod';
import type { Source } from './source.ts';
import type { SourceContext, SourceKind } from './source-kind.ts';
import { serialSourceConfigSchema, serialSourceKind } from './serial/index.ts';
import { opcuaSourceConfigSchema, opcuaSourceKind } from './opcua/index.ts';
import { modbusRtuSourceConfigSchema, modbusRtuSourceKind, modbusTcpSourceConfigSchema, modbusTcpSourceKind } from './modbus/index.ts';
import { mqttSourceConfigSchema, mqttSourceKind } from './mqtt/index.ts';
import { lorawanSourceConfigSchema, lorawanSourceKind } from './lorawan/index.ts';

/**
 * Every source kind the agent can run. Add a kind here, and its config
 * schema to the union below, to make it configurable.
 */
export const sourceKinds = [serialSourceKind, opcuaSourceKind, modbusRtuSourceKind, modbusTcpSourceKind, mqttSourceKind, lorawanSourceKind] as const;

export const sourceConfigSchema = z.discriminatedUnion('kind', [
  serialSourceConfigSchema,
  opcuaSourceConfigSchema,
  modbusRtuSourceConfigSchema,
  modbusTcpSourceConfigSchema,
  mqttSourceConfigSchema,
  lorawanSourceConfigSchema,
]);
export type SourceConfig = z.infer<typeof sourceConfigSchema>;

/**
 * The kind whose `kind` matches. Each kind only ever receives configs its own
 * schema parsed (the union is discriminated on `kind`), which is what makes
 * widening its config type to the union sound.
 */
export function findSourceKind(kind: string): SourceKind<SourceConfig> | undefined {
  return sourceKinds.find((k) => k.kind === kind) as SourceKind<SourceConfig> | undefined;
}

export function createSource(config: SourceConfig, context: SourceContext): Source {
  const kind = findSourceKind(config.kind);
  if (!kind) throw new Error(`no source kind ${config.kind} (the config schema should have refused it)`);
  return kind.create(config, context);
}

export type { ReadingSink, Source, SourceState, SourceStats } from './source.ts';
export { sourceStatsSchema } from './source.ts';
export type { SourceContext, SourceKind } from './source-kind.ts';
