import { z } from 'zod';
import { gatewayIdSchema, MAX_BATCH_READINGS } from '@zenne/device-profiles';
import { bufferFullPolicies } from '../buffer/index.ts';
import { sourceConfigSchema } from '../sources/index.ts';
import { sparkplugIdSchema } from '../uplink/sparkplug/topics.ts';

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'];

export const cloudConfigSchema = z
  .strictObject({
    mqtt_url: z.string().refine(
      (value) => {
        try {
          return MQTT_PROTOCOLS.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      { message: 'expected an MQTT URL' },
    ),
    /** Defaults to the gateway id (the cloud's broker expects exactly that). */
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** A file holding the password (first line); relative to the config file. */
    password_file: z.string().min(1).optional(),
    /**
     * PEM file of the CA that signed the cloud broker's certificate, for an
     * `mqtts://` URL (the cloud's development CA is `DATA_DIR/tls/ca.pem`);
     * relative to the config file. Without it the system's trusted CAs apply.
     */
    ca_file: z.string().min(1).optional(),
  })
  .refine((c) => (c.password === undefined) !== (c.password_file === undefined), {
    message: 'set exactly one of password and password_file',
    path: ['password'],
  });

export const uplinkConfigSchema = z.strictObject({
  batch_max_readings: z.number().int().min(1).max(MAX_BATCH_READINGS).default(500),
  batch_max_wait_ms: z.number().int().min(0).max(60_000).default(1000),
  max_in_flight: z.number().int().min(1).max(64).default(4),
  /** Longest wait between two connection attempts to the cloud. */
  reconnect_max_ms: z.number().int().min(100).max(600_000).default(30_000),
  /**
   * A batch not acknowledged this long after it was published is published
   * again (the cloud drops duplicates): behind an external broker with
   * several ingest workers, one that dies holding batches never answers.
   */
  ack_timeout_ms: z.number().int().min(1000).max(600_000).default(30_000),
  /** How often the retained `online` status is refreshed. */
  status_interval_ms: z.number().int().min(1000).max(600_000).default(10_000),
  /**
   * Cap on readings per second sent from the backlog that built up while the
   * cloud was unreachable (batches marked `historical`); live readings are not
   * limited.
   */
  backfill_max_readings_per_s: z.number().min(1).max(100_000).default(1000),
  /**
   * `zenne` (when absent): UplinkBatch JSON to the Zenne cloud, acknowledged by it.
   * `sparkplug_b`: Eclipse Sparkplug B 3.0 for an industrial MQTT host (needs `sparkplug`).
   */
  mode: z.enum(['zenne', 'sparkplug_b']).optional(),
});

/** Sparkplug B topic elements (`uplink.mode: sparkplug_b`): spBv1.0/{group_id}/.../{edge_node_id}. */
export const sparkplugConfigSchema = z.strictObject({
  group_id: sparkplugIdSchema,
  /** Defaults to the gateway id. */
  edge_node_id: sparkplugIdSchema.optional(),
});

const MIB = 1024 * 1024;

export const bufferConfigSchema = z.strictObject({
  /** Bytes the buffer's segment files may take on disk; keep it below the free space of state_dir's file system. */
  max_bytes: z.number().int().min(MIB).max(2 ** 50).default(256 * MIB),
  /** What an append does when the buffer is at max_bytes. */
  full_policy: z.enum(bufferFullPolicies).default('drop_oldest'),
});

/**
 * The agent's YAML config file (snake_case keys; paths relative to the file).
 * Checks across sources and against bridges and profiles (unique ids and
 * devices, known profile ...) are made by the loader, which can name the
 * known values.
 */
export const agentConfigSchema = z.strictObject({
  gateway: z.strictObject({ id: gatewayIdSchema }),
  cloud: cloudConfigSchema,
  state_dir: z.string().min(1),
  buffer: bufferConfigSchema.default(bufferConfigSchema.parse({})),
  uplink: uplinkConfigSchema.default(uplinkConfigSchema.parse({})),
  sources: z.array(sourceConfigSchema).min(1),
  sparkplug: sparkplugConfigSchema.optional(),
}).refine((c) => c.uplink.mode !== 'sparkplug_b' || c.sparkplug !== undefined, {
  message: 'uplink.mode sparkplug_b needs a sparkplug section with group_id',
  path: ['sparkplug'],
});

export type AgentConfigFile = z.infer<typeof agentConfigSchema>;
export type UplinkConfig = z.infer<typeof uplinkConfigSchema>;
export type BufferConfig = z.infer<typeof bufferConfigSchema>;

/**
 * The config the agent runs with: the file's content with paths made
 * absolute, the password read and the username defaulted.
 */
export type AgentConfig = Omit<AgentConfigFile, 'cloud'> & {
  /** Absolute path of the file it was loaded from. */
  file: string;
  cloud: CloudLink;
};

/** How the agent reaches the cloud broker: URL, login, and the CA (PEM) to trust for TLS when not the system's. */
export interface CloudLink {
  mqtt_url: string;
  username: string;
  password: string;
  ca?: string;
}
