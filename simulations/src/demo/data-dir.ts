import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { getVirtualDeviceKind } from '../devices/registry.ts';
import { lampSeedDevices, type DemoLighting } from './street-lighting.ts';
import { simErrors } from '../errors.ts';
import type { Fleet } from '../fleet/fleet-schema.ts';

/**
 * Layout of the demo data dir (default `.zenne/demo/`, gitignored):
 *   demo-state.json          what the demo has done (history seeded or not)
 *   cloud/                   the cloud's --data-dir (registry, readings)
 *   cloud-seed.yaml          sites, gateways (with secrets), devices: 0600
 *   agents/<gw>/secret       the gateway's MQTT password: 0600
 *   agents/<gw>/agent.yaml   its agent config; agents/<gw>/state/ its buffer
 *   ptys/<device>/{a,b}      the pty links (a: virtual sensor, b: agent)
 *   logs/*.log               one log per child process
 */
export interface DemoPaths {
  root: string;
  state: string;
  cloud: string;
  seed: string;
  logs: string;
  agentDir(gateway: string): string;
  ptyDir(device: string): string;
}

export function demoPaths(root: string): DemoPaths {
  return {
    root,
    state: join(root, 'demo-state.json'),
    cloud: join(root, 'cloud'),
    seed: join(root, 'cloud-seed.yaml'),
    logs: join(root, 'logs'),
    agentDir: (gateway) => join(root, 'agents', gateway),
    ptyDir: (device) => join(root, 'ptys', device),
  };
}

const demoStateSchema = z.strictObject({
  v: z.literal(1),
  created_at: z.string(),
  /** Set once the first start has stored the history; later starts skip seeding. */
  history_seeded_at: z.string().nullable(),
});
export type DemoState = z.infer<typeof demoStateSchema>;

/** Secrets are random, 32 bytes, URL-safe: fine in YAML and as an MQTT password. */
const SECRET_BYTES = 32;

export interface PreparedDataDir {
  paths: DemoPaths;
  state: DemoState;
  /** Map(gateway id -> MQTT password) */
  secrets: Map<string, string>;
}

/**
 * Creates the data dir on first use and (re)writes what derives from the
 * fleet. Gateway secrets are generated once (0600) and reused on every later
 * start, so the cloud's stored hashes keep matching. Throws
 * `ZENNE_ERR_SIM_DATA_DIR_INVALID` when an existing file is unusable.
 */
export function prepareDataDir(root: string, fleet: Fleet, lighting?: DemoLighting): PreparedDataDir {
  const paths = demoPaths(root);
  for (const dir of [paths.root, paths.cloud, paths.logs]) mkdirSync(dir, { recursive: true });

  const state = readState(paths) ?? { v: 1, created_at: new Date().toISOString(), history_seeded_at: null };
  writeState(paths, state);

  const secrets = new Map<string, string>();
  for (const gateway of [...fleet.gateways.map((g) => g.id), ...(lighting ? [lighting.config.gateway] : [])]) {
    const dir = paths.agentDir(gateway);
    mkdirSync(join(dir, 'state'), { recursive: true });
    const file = join(dir, 'secret');
    if (!existsSync(file)) writeFileSync(file, `${randomBytes(SECRET_BYTES).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    const secret = readFileSync(file, 'utf8').split('\n')[0]!.trim();
    if (secret.length < 8) throw simErrors.DATA_DIR_INVALID({ file, reason: 'the secret is shorter than 8 characters', dir: root });
    secrets.set(gateway, secret);
  }
  writeSecretFile(paths.seed, stringify(cloudSeed(fleet, secrets, lighting), { lineWidth: 0 }));
  return { paths, state, secrets };
}

/** Records that the history is in the cloud, so the next start does not seed again. */
export function markHistorySeeded(paths: DemoPaths, state: DemoState): DemoState {
  const next = { ...state, history_seeded_at: new Date().toISOString() };
  writeState(paths, next);
  return next;
}

/** The cloud seed file (architecture.md "Cloud seed file") for the fleet and its street lighting. */
export function cloudSeed(fleet: Fleet, secrets: ReadonlyMap<string, string>, lighting?: DemoLighting) {
  const gateways = [...fleet.gateways.map((g) => g.id), ...(lighting ? [lighting.config.gateway] : [])];
  return {
    sites: [fleet.site],
    gateways: gateways.map((id) => ({ id, site: fleet.site.id, secret: secrets.get(id)! })),
    devices: [...fleet.gateways.flatMap((g) =>
      g.devices.map((d) => ({
        id: d.id,
        gateway: g.id,
        profile: getVirtualDeviceKind(d.kind).profile,
        name: d.name,
        site: fleet.site.id,
        street: d.street,
        location: d.location,
        tags: { street_nl: d.street_nl, mount: 'lamp post', simulated: `virtual ${d.kind} replaying Sensor.Community node 5331` },
      })),
    ), ...(lighting ? lampSeedDevices(lighting, fleet.site.id) : [])],
  };
}

function readState(paths: DemoPaths): DemoState | undefined {
  if (!existsSync(paths.state)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(paths.state, 'utf8'));
  } catch (cause) {
    throw simErrors.DATA_DIR_INVALID({ file: paths.state, reason: (cause as Error).message, dir: paths.root }, { cause });
  }
  const parsed = demoStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw simErrors.DATA_DIR_INVALID({ file: paths.state, reason: `${issue.path.join('.')}: ${issue.message}`, dir: paths.root });
  }
  return parsed.data;
}

function writeState(paths: DemoPaths, state: DemoState): void {
  writeFileSync(paths.state, `${JSON.stringify(state, null, 2)}\n`);
}

function writeSecretFile(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  // writeFileSync's mode applies only when it creates the file.
  chmodSync(file, 0o600);
}
