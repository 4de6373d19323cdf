import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { influxErrors } from '../../errors.ts';

/** InfluxQL identifiers and line-protocol names we generate are kept to a safe alphabet. */
const nameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (at most 64), starting with a letter or _');

/**
 * The store config (YAML file of `zenne-cloud run --store influxdb --influx-config FILE`).
 * Which server speaks what is in README.md ("Servers").
 */
export const influxStoreConfigSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  /** Sent as `Authorization: Token ...` (InfluxDB 2.x/3.x; 1.x without auth and VictoriaMetrics ignore it). */
  token: z.string().min(1).optional(),
  /** A file holding the token; relative to the config file. */
  token_file: z.string().min(1).optional(),
  /** `v2`: the client's write API, `/api/v2/write` (InfluxDB 2.x/3.x, VictoriaMetrics). `v1`: `/write?db=` (InfluxDB 1.x, 3.x). */
  write_api: z.enum(['v2', 'v1']).default('v2'),
  /** `influxql`: `/query?db=` (InfluxDB 1.x, 2.x with a DBRP mapping, 3.x). `victoria-metrics`: its `/api/v1/export`. */
  query_dialect: z.enum(['influxql', 'victoria-metrics']).default('influxql'),
  /** InfluxQL database and `/write` database. */
  database: nameSchema,
  /** v2 write bucket; defaults to `database` (InfluxDB 3.x: the database name). */
  bucket: z.string().min(1).optional(),
  /** v2 write organisation (InfluxDB 2.x; ignored by 3.x and VictoriaMetrics). */
  org: z.string().default(''),
  measurement: nameSchema.default('readings'),
  /** Run `CREATE DATABASE` at open (InfluxDB 1.x; 2.x/3.x buckets are created by the operator). */
  create_database: z.boolean().default(false),
  timeout_ms: z.number().int().positive().default(10_000),
}).refine((c) => !(c.token && c.token_file), { message: 'give token or token_file, not both', path: ['token_file'] });

export type InfluxStoreConfigInput = z.input<typeof influxStoreConfigSchema>;
export type InfluxStoreConfig = z.infer<typeof influxStoreConfigSchema>;

/** Reads and validates the YAML config file; `token_file` is read and folded into `token`. */
export async function loadInfluxStoreConfig(file: string): Promise<InfluxStoreConfig> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, 'utf8'));
  } catch (err) {
    throw influxErrors.CONFIG_INVALID({ file, reason: (err as Error).message }, { cause: err });
  }
  const parsed = influxStoreConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw influxErrors.CONFIG_INVALID({ file, reason: `${issue.path.join('.') || '(file)'}: ${issue.message}` });
  }
  const config = parsed.data;
  if (!config.token_file) return config;
  const tokenFile = resolve(dirname(file), config.token_file);
  try {
    return { ...config, token: (await readFile(tokenFile, 'utf8')).trim() };
  } catch (err) {
    throw influxErrors.CONFIG_INVALID({ file, reason: `token_file ${tokenFile}: ${(err as Error).message}` }, { cause: err });
  }
}
