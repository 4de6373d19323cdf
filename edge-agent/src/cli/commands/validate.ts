import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.ts';
import { agentErrors } from '../../errors.ts';
import { findSourceKind } from '../../sources/index.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a config file (schema, bridges, profiles) without starting anything',
  help: `Usage: zenne-agent validate --config FILE

Checks the agent config: every key and value, that each source's bridge and
profile exist and agree, unique source ids and devices, the password file.
Prints every problem with its line and how to fix it. Opens no port and no
connection.

Options:
  -c, --config FILE   agent config (YAML)
  -h, --help          this help

Examples:
  zenne-agent validate --config /etc/zenne/agent.yaml
  zenne-agent validate -c edge-agent/examples/agent.yaml

Exit codes: 0 valid (warnings may be printed), 1 invalid or unreadable, 2 usage error.
`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(this.help);
      return EXIT.OK;
    }
    if (!values.config) throw agentErrors.CLI_USAGE({ reason: 'validate needs --config FILE' });
    const { config, warnings } = loadConfig(values.config);
    process.stdout.write(`${config.file}: valid — gateway ${config.gateway.id}, cloud ${config.cloud.mqtt_url}, state_dir ${config.state_dir}\n`);
    for (const source of config.sources) {
      const kind = findSourceKind(source.kind)!;
      const devices = kind.devices(source).map((d) => `${d.device} (${d.profile})`).join(', ');
      process.stdout.write(`  ${source.id}: ${kind.describe(source)} → ${devices}\n`);
    }
    for (const warning of warnings) process.stdout.write(`  warning: ${warning}\n`);
    return EXIT.OK;
  },
};
