import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Command } from '@zenne/device-profiles';
import { commandRecordSchema, type CommandRecord, type CommandSubmission } from '../commands/command-schemas.ts';
import { cloudErrors } from '../errors.ts';
import { adminRequest } from './admin-client.ts';
import { parseFlags, requireFlag } from './flags.ts';

const HELP = `zenne-cloud command: send a command to devices (street lights: dim, switch, schedule)

Usage: zenne-cloud command --data-dir DIR (--device ID[,ID...] | --tag KEY=VALUE[,KEY=VALUE...])
                           [--timeout 30] [--no-wait] ACTION ARGS...

Actions:
  dim LEVEL                     set the light level now, 0-100 (%); it holds until the next schedule step
  switch on|off                 switch the lamps on or off
  schedule HH:MM=LEVEL ...      the nightly dimming profile, steps in time order (local time of the controllers)

The command goes to each device's gateway, which writes it to the device and
reads it back. This waits until every device has an outcome (done, failed,
rejected, expired, undeliverable or timeout), printing progress, then one line
per device. Exit code 0 when every device is done, 1 otherwise.

The cloud must be running on this machine with the same --data-dir (the
command goes through its loopback admin API, like \`zenne-cloud claim\`).

Flags:
  --data-dir DIR     data directory of the running cloud (required)
  --device IDS       comma-separated device ids
  --tag PAIRS        comma-separated KEY=VALUE registry tags a device must all carry, e.g. lamp_group=12
  --timeout SECONDS  how long the gateways have to carry it out (default 30, 1-3600)
  --no-wait          print the command id and return at once
  -h, --help         this help

Examples:
  zenne-cloud command --data-dir ./data --tag lamp_group=12 dim 50
  zenne-cloud command --data-dir ./data --device lamp-fripiers-01,lamp-fripiers-02 switch off
  zenne-cloud command --data-dir ./data --tag lamp_group=12 schedule 05:00=100 20:00=70 22:00=50
`;

const errorAnswerSchema = z.object({ code: z.string(), message: z.string() });

function badUsage(problem: string): Error {
  return cloudErrors.BAD_FLAG({ command: 'command', problem });
}

/** The command given by the positional words, e.g. `dim 50`. Range and order checks are the API's (one place). */
function parseAction(words: string[]): Command {
  const [action, ...args] = words;
  switch (action) {
    case 'dim':
      if (args.length !== 1 || !/^\d+$/.test(args[0]!)) throw badUsage('dim takes one level in percent, e.g. `dim 50`');
      return { action: 'dim', level: Number(args[0]) };
    case 'switch':
      if (args.length !== 1 || (args[0] !== 'on' && args[0] !== 'off')) throw badUsage('switch takes `on` or `off`');
      return { action: 'switch', state: args[0] };
    case 'schedule':
      if (args.length === 0) throw badUsage('schedule takes steps HH:MM=LEVEL, e.g. `schedule 05:00=100 20:00=70 22:00=50`');
      return {
        action: 'schedule',
        steps: args.map((step) => {
          const m = /^(\d\d:\d\d)=(\d+)$/.exec(step);
          if (!m) throw badUsage(`schedule step "${step}" is not HH:MM=LEVEL`);
          return { at: m[1]!, level: Number(m[2]) };
        }),
      };
    default:
      throw badUsage(action === undefined ? 'give an action: dim, switch or schedule' : `unknown action "${action}" (dim, switch, schedule)`);
  }
}

function parseTarget(device: string | undefined, tag: string | undefined): CommandSubmission['target'] {
  if ((device === undefined) === (tag === undefined)) throw badUsage('give exactly one of --device or --tag');
  if (device !== undefined) return { devices: device.split(',').map((d) => d.trim()).filter(Boolean) };
  const tags: Record<string, string> = {};
  for (const pair of tag!.split(',')) {
    const m = /^([^=]+)=(.*)$/.exec(pair.trim());
    if (!m) throw badUsage(`--tag "${pair}" is not KEY=VALUE`);
    tags[m[1]!] = m[2]!;
  }
  return { tags };
}

function line(d: CommandRecord['devices'][number]): string {
  const detail = d.observed ? JSON.stringify(d.observed) : (d.error?.message ?? '');
  return `${d.device.padEnd(28)} ${d.gateway.padEnd(18)} ${d.status.padEnd(13)} ${detail}\n`;
}

export async function commandCommand(args: string[]): Promise<number> {
  const { help, values: flags, positionals } = parseFlags('command', args, ['data-dir', 'device', 'tag', 'timeout', 'no-wait'], true);
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dir = resolve(requireFlag('command', 'data-dir', flags['data-dir']));
  const timeout = Number(flags.timeout ?? '30');
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600) throw badUsage(`--timeout "${flags.timeout}" is not a whole number of seconds, 1-3600`);
  const submission: CommandSubmission = { target: parseTarget(flags.device, flags.tag), command: parseAction(positionals), timeout_s: timeout };

  const sent = await adminRequest(dir, 'POST', '/api/v1/commands', submission);
  if (sent.status !== 202) {
    const e = errorAnswerSchema.parse(sent.json);
    process.stderr.write(`zenne-cloud command: ${e.code}: ${e.message}\n`);
    return 1;
  }
  let record = commandRecordSchema.parse(sent.json);
  process.stderr.write(`command ${record.id} sent to ${record.devices.length} device(s), expires at ${record.expires_at}\n`);
  if (flags['no-wait'] !== undefined) {
    process.stdout.write(`${record.id}\n`);
    return 0;
  }
  let shown = '';
  while (record.state === 'pending') {
    const progress = Object.entries(record.summary).map(([status, n]) => `${status} ${n}`).join(', ');
    if (progress !== shown) process.stderr.write(`  ${progress}\n`);
    shown = progress;
    await sleep(500);
    record = commandRecordSchema.parse((await adminRequest(dir, 'GET', `/api/v1/commands/${record.id}`)).json);
  }
  for (const d of record.devices) process.stdout.write(line(d));
  return record.devices.every((d) => d.status === 'done') ? 0 : 1;
}
