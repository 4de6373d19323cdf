import { resolve } from 'node:path';
import { z } from 'zod';
import { cloudErrors } from '../errors.ts';
import { adminRequest } from './admin-client.ts';
import { parseFlags, requireFlag } from './flags.ts';

const HELP = `zenne-cloud claim: issue a one-time claim code for a gateway

Usage: zenne-cloud claim --data-dir DIR --gateway ID [--ttl 24h]

Prints a code such as K7QM-2XPD-9HTA-WE4C. The technician installing the
gateway runs \`zenne-agent provision --cloud URL --claim CODE\`: the code is
redeemed once, the gateway gets a fresh MQTT password (its previous one stops
working) and its device list.

The cloud must be running on this machine with the same --data-dir: the
registry is a DuckDB file only the cloud process may open, so this command
asks the cloud over loopback HTTP, authenticated by the token the cloud keeps
in DIR/admin.json (mode 0600; readable by the cloud's user and root only).

Flags:
  --data-dir DIR   data directory of the running cloud (required)
  --gateway ID     a gateway registered in the cloud (required)
  --ttl DURATION   how long the code stays valid: N followed by m, h or d (default 24h; 1m to 30d)
  -h, --help       this help

Examples:
  zenne-cloud claim --data-dir ./data --gateway gw-monnaie
  zenne-cloud claim --data-dir /var/lib/zenne --gateway gw-monnaie --ttl 2h
`;

const UNIT_S = { m: 60, h: 3600, d: 86_400 } as const;
const answerSchema = z.union([
  z.object({ code: z.string(), gateway: z.string(), expires_at: z.string() }),
  z.object({ code: z.string(), message: z.string() }).transform((e) => ({ error: e })),
]);

function ttlSeconds(value: string): number {
  const m = /^(\d+)([mhd])$/.exec(value);
  const seconds = m ? Number(m[1]) * UNIT_S[m[2] as keyof typeof UNIT_S] : NaN;
  if (!(seconds >= 60 && seconds <= 30 * 86_400)) {
    throw cloudErrors.BAD_FLAG({ command: 'claim', problem: `--ttl "${value}" is not a duration between 1m and 30d, e.g. 30m, 24h, 7d` });
  }
  return seconds;
}

export async function claimCommand(args: string[]): Promise<number> {
  const { help, values: flags } = parseFlags('claim', args, ['data-dir', 'gateway', 'ttl']);
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dir = resolve(requireFlag('claim', 'data-dir', flags['data-dir']));
  const gateway = requireFlag('claim', 'gateway', flags.gateway);
  const ttl_s = ttlSeconds(flags.ttl ?? '24h');

  const { json } = await adminRequest(dir, 'POST', '/api/v1/admin/claims', { gateway, ttl_s });
  const answer = answerSchema.parse(json);
  if ('error' in answer) {
    process.stderr.write(`zenne-cloud claim: ${answer.error.code}: ${answer.error.message}\n`);
    return 1;
  }
  process.stdout.write(`${answer.code}\n`);
  process.stderr.write(`claim code for gateway ${answer.gateway}, valid once until ${answer.expires_at}\n`);
  return 0;
}
