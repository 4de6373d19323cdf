import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { gatewayIdSchema, timestampSchema } from '@zenne/device-profiles';
import { writeFileAtomic } from '../atomic-file.ts';
import { commandStatsSchema } from '../commands/index.ts';
import { agentErrors } from '../errors.ts';
import { sourceStatsSchema } from '../sources/index.ts';
import { uplinkStatsSchema } from '../uplink/index.ts';

/** The agent rewrites status.json this often while it runs. */
export const STATUS_INTERVAL_MS = 2000;
/** A status older than this (five missed writes) means the agent is gone or hung. */
export const STATUS_STALE_AFTER_MS = 10_000;

const count = z.number().int().nonnegative();

/** `state_dir/status.json`: what `zenne-agent status` shows. */
export const agentStatusSchema = z.object({
  v: z.literal(1),
  pid: z.number().int().positive(),
  gateway: gatewayIdSchema,
  config_file: z.string(),
  state: z.enum(['running', 'stopping', 'stopped']),
  started_at: timestampSchema,
  updated_at: timestampSchema,
  sources: z.array(sourceStatsSchema),
  buffer: z.object({
    depth: count,
    oldest_age_s: z.number().nonnegative().nullable(),
    appended: count,
    acknowledged: count,
    torn_records: count,
    damaged_records: count,
    segments: count,
    bytes: count,
    dropped_readings: count,
    dropped_bytes: count,
    oldest_dropped_ts: timestampSchema.nullable(),
    /** Map(reason -> readings that could not be buffered), e.g. disk_full. */
    lost_readings: z.record(z.string(), count),
  }),
  uplink: uplinkStatsSchema,
  /** Downstream commands by outcome; absent in Sparkplug B mode, which takes none. */
  commands: commandStatsSchema.optional(),
});
export type AgentStatus = z.infer<typeof agentStatusSchema>;

export function statusFilePath(stateDir: string): string {
  return join(stateDir, 'status.json');
}

export async function writeStatus(stateDir: string, status: AgentStatus): Promise<void> {
  await writeFileAtomic(statusFilePath(stateDir), `${JSON.stringify(status, null, 2)}\n`, { durable: false });
}

/**
 * Reads status.json; throws ZENNE_ERR_AGENT_STATUS_MISSING when there is none
 * and ZENNE_ERR_AGENT_STATUS_INVALID when it does not parse.
 */
export async function readStatus(stateDir: string, configFile: string): Promise<AgentStatus> {
  const file = statusFilePath(stateDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw agentErrors.STATUS_MISSING({ file, config: configFile });
    throw agentErrors.STATUS_INVALID({ file, reason: (err as Error).message }, { cause: err });
  }
  try {
    return agentStatusSchema.parse(JSON.parse(text));
  } catch (err) {
    throw agentErrors.STATUS_INVALID({ file, reason: (err as Error).message.slice(0, 300) }, { cause: err });
  }
}
