import { constants } from 'node:fs';
import { access, chmod, mkdir, open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { loadProfiles, type DeviceProfile } from '@zenne/device-profiles';
import { agentErrors } from '../../errors.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';

/** The answer of POST /api/v1/provisioning/claim (cloud/src/api/provisioning). */
const credentialsSchema = z.object({
  gateway: z.string().min(1),
  mqtt_url: z.string().regex(/^mqtts?:\/\//),
  username: z.string().min(1),
  password: z.string().min(8),
  /** The cloud's development CA, when its TLS listener uses one. */
  ca_pem: z.string().includes('-----BEGIN CERTIFICATE-----').optional(),
  devices: z.array(z.object({ device: z.string(), profile: z.string(), name: z.string(), street: z.string().optional() })),
});
type Credentials = z.infer<typeof credentialsSchema>;
const refusalSchema = z.object({ code: z.string(), message: z.string() });

/** Readings carry the gateway's clock; beyond a minute off, time series from several gateways no longer line up. */
const MAX_SKEW_S = 60;
const HTTP_TIMEOUT_MS = 10_000;

async function request(cloud: string, path: string, init?: RequestInit): Promise<Response> {
  const url = `${cloud}${path}`;
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw agentErrors.PROVISION_CLOUD_UNREACHABLE({ url, reason: cause?.code ?? cause?.message ?? (err as Error).message }, { cause: err });
  }
}

/** Refuses before the code is spent when this clock and the cloud's (HTTP Date, RFC 9110 §6.6.1) differ by more than a minute. */
function checkClock(response: Response): void {
  const date = response.headers.get('date');
  if (date === null || Number.isNaN(Date.parse(date))) return;
  const now = new Date();
  const skew_s = Math.round((now.getTime() - Date.parse(date)) / 1000);
  if (Math.abs(skew_s) > MAX_SKEW_S) {
    throw agentErrors.PROVISION_CLOCK_SKEW({ skew_s, cloud_date: new Date(date).toISOString(), local_date: now.toISOString() });
  }
}

async function redeem(cloud: string, claim: string): Promise<Credentials> {
  checkClock(await request(cloud, '/healthz'));
  const response = await request(cloud, '/api/v1/provisioning/claim', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: claim }),
  });
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw agentErrors.PROVISION_BAD_ANSWER({ url: cloud, reason: `HTTP ${response.status} with a body that is not JSON` });
  }
  if (!response.ok) {
    const refusal = refusalSchema.safeParse(body);
    if (!refusal.success || response.status >= 500) {
      throw agentErrors.PROVISION_BAD_ANSWER({ url: cloud, reason: `HTTP ${response.status}${refusal.success ? `: ${refusal.data.message}` : ''}` });
    }
    throw agentErrors.PROVISION_CLAIM_REFUSED({ reason: `${refusal.data.code}: ${refusal.data.message}` });
  }
  const credentials = credentialsSchema.safeParse(body);
  if (!credentials.success) throw agentErrors.PROVISION_BAD_ANSWER({ url: cloud, reason: credentials.error.issues[0]!.message });
  return credentials.data;
}

/** Writes `data` readable by its owner only: created 0600 under a temp name, then renamed, so no reader ever sees it wider. */
async function writePrivateFile(path: string, data: string): Promise<void> {
  const temp = `${path}.tmp`;
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.chmod(0o600); // an old temp file keeps its mode through open()
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await chmod(path, 0o600);
  } catch (err) {
    throw agentErrors.PROVISION_WRITE_FAILED({ file: path, reason: (err as Error).message }, { cause: err });
  }
}

/** One commented-out `sources` entry per device: ports are local knowledge the technician adds. */
function sourceStubs(credentials: Credentials, profiles: ReadonlyMap<string, DeviceProfile>, configured: ReadonlySet<string>): string {
  const lines = [
    ' Devices of this gateway in the Zenne cloud. Uncomment each under `sources:`',
    ' and set where it is plugged in (serial ports: `ls -l /dev/serial/by-id/`);',
    ' then `zenne-agent validate --config THIS_FILE`.',
  ];
  for (const d of credentials.devices.filter((x) => !configured.has(x.device))) {
    const profile = profiles.get(d.profile);
    lines.push(` ${d.device}: ${d.name}${d.street ? `, ${d.street}` : ''}`);
    if (profile?.transport === 'serial') {
      lines.push(
        `   - { id: ${d.device}, kind: serial, port: /dev/ttyUSB0, baud_rate: ${profile.serial!.baud_rate}, bridge: ${profile.bridge},`,
        `       profile: ${d.profile}, device: ${d.device} }`,
      );
    } else {
      lines.push(`   profile ${d.profile} (transport ${profile?.transport ?? 'unknown'}): add it to a source of that kind, see edge-agent/README.md`);
    }
  }
  return lines.join('\n');
}

/** Creates or updates the agent config; keeps existing sources and every other key. Returns the devices not yet in a source. */
async function writeConfig(file: string, credentials: Credentials, secretFile: string, caFile: string | undefined, stateDir: string | undefined): Promise<number> {
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw agentErrors.PROVISION_WRITE_FAILED({ file, reason: (err as Error).message });
  }
  const doc = parseDocument(text ?? stringify({ gateway: {}, cloud: {}, sources: [] }));
  if (doc.errors.length > 0) throw agentErrors.PROVISION_WRITE_FAILED({ file, reason: `the existing file is not valid YAML: ${doc.errors[0]!.message}` });
  doc.setIn(['gateway', 'id'], credentials.gateway);
  doc.setIn(['cloud', 'mqtt_url'], credentials.mqtt_url);
  doc.setIn(['cloud', 'username'], credentials.username);
  doc.deleteIn(['cloud', 'password']);
  doc.setIn(['cloud', 'password_file'], `./${basename(secretFile)}`);
  if (caFile) doc.setIn(['cloud', 'ca_file'], `./${basename(caFile)}`);
  else doc.deleteIn(['cloud', 'ca_file']);
  if (stateDir !== undefined || !doc.has('state_dir')) doc.set('state_dir', stateDir ?? './state');
  if (!doc.has('sources')) doc.set('sources', []);
  const sources = (doc.toJS() as { sources?: Array<{ device?: string; devices?: Array<{ device?: string }> }> }).sources ?? [];
  const configured = new Set(sources.flatMap((s) => [s.device, ...(s.devices ?? []).map((d) => d.device)]).filter((d): d is string => d !== undefined));
  doc.comment = sourceStubs(credentials, loadProfiles(), configured);
  await writePrivateFile(file, doc.toString());
  return credentials.devices.filter((d) => !configured.has(d.device)).length;
}

export const provisionCommand: Command = {
  name: 'provision',
  summary: 'redeem a claim code: write the gateway credentials and a config to complete',
  help: `Usage: zenne-agent provision --cloud URL --claim CODE [--config FILE] [--state-dir DIR]

Redeems a one-time claim code issued by the operator (\`zenne-cloud claim\`):
the cloud gives this gateway its id, the MQTT URL, a fresh password and its
device list. Writes the password to <gateway>.secret next to the config
(mode 0600) and creates or updates the config (mode 0600) with the gateway
id, cloud URL and password_file. Each device comes as a commented-out source
to complete with its port. Existing sources and keys are kept.

Before redeeming, checks that the cloud answers and that this clock is
within 60 s of the cloud's; a failure there leaves the code unused.

Options:
  --cloud URL        the cloud HTTP API, e.g. http://cloud.example:8080 (required)
  --claim CODE       the claim code, e.g. K7QM-2XPD-9HTA-WE4C (required)
  -c, --config FILE  agent config to create or update (default ./agent.yaml)
  --state-dir DIR    state_dir to write in the config (default: keep, or ./state)
  -h, --help         this help

Examples:
  zenne-agent provision --cloud http://10.0.0.5:8080 --claim K7QM-2XPD-9HTA-WE4C
  zenne-agent provision --cloud http://cloud:8080 --claim k7qm2xpd9htawe4c -c /etc/zenne/agent.yaml --state-dir /var/lib/zenne

Exit codes: 0 provisioned, 1 refused or failed (the message says what to do), 2 usage error.
`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        cloud: { type: 'string' },
        claim: { type: 'string' },
        config: { type: 'string', short: 'c' },
        'state-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(this.help);
      return EXIT.OK;
    }
    if (!values.cloud || !URL.canParse(values.cloud) || !/^https?:$/.test(new URL(values.cloud).protocol)) {
      throw agentErrors.CLI_USAGE({ reason: 'provision needs --cloud http://HOST:PORT (the cloud HTTP API)' });
    }
    if (!values.claim) throw agentErrors.CLI_USAGE({ reason: 'provision needs --claim CODE (from `zenne-cloud claim`)' });
    const configFile = resolve(values.config ?? 'agent.yaml');
    // Fail on an unwritable folder now, while the code is still unused.
    try {
      await mkdir(dirname(configFile), { recursive: true });
      await access(dirname(configFile), constants.W_OK);
    } catch (err) {
      throw agentErrors.PROVISION_WRITE_FAILED({ file: configFile, reason: (err as Error).message }, { cause: err });
    }

    const cloud = values.cloud.replace(/\/+$/, '');
    process.stdout.write(`redeeming the claim code at ${cloud} ...\n`);
    const credentials = await redeem(cloud, values.claim);
    const secretFile = join(dirname(configFile), `${credentials.gateway}.secret`);
    await writePrivateFile(secretFile, `${credentials.password}\n`);
    // The development CA comes over the same connection as the password: trust on first use, like an SSH host key.
    const caFile = credentials.ca_pem ? join(dirname(configFile), `${credentials.gateway}.ca.pem`) : undefined;
    if (caFile) await writePrivateFile(caFile, credentials.ca_pem!);
    const toComplete = await writeConfig(configFile, credentials, secretFile, caFile, values['state-dir']);
    process.stdout.write(
      `gateway ${credentials.gateway} provisioned: MQTT ${credentials.mqtt_url} as ${credentials.username}\n` +
        `  password: ${secretFile} (0600)\n` +
        (caFile ? `  cloud CA: ${caFile} (the cloud's development CA)\n` : '') +
        `  config:   ${configFile} (0600)\n` +
        (toComplete > 0
          ? `next: set the port of ${toComplete} device(s) listed at the end of the config, then\n  zenne-agent validate --config ${configFile}\n  zenne-agent run --config ${configFile}\n`
          : `next: zenne-agent run --config ${configFile}\n`),
    );
    return EXIT.OK;
  },
};
