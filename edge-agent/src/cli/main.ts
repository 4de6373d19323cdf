import type { Command } from './command.ts';
import { provisionCommand } from './commands/provision.ts';
import { runCommand } from './commands/run.ts';
import { scanCommand } from './commands/scan.ts';
import { statusCommand } from './commands/status.ts';
import { testDeviceCommand } from './commands/test-device.ts';
import { validateCommand } from './commands/validate.ts';
import { EXIT } from './exit-codes.ts';
import { reportError } from './report-error.ts';

const commands: Command[] = [runCommand, statusCommand, validateCommand, scanCommand, testDeviceCommand, provisionCommand];

const usage = `Usage: zenne-agent <command> [options]

The Zenne gateway agent: reads sensors, buffers every reading on disk and
sends it to the Zenne cloud over MQTT until the cloud acknowledges it.

Commands:
${commands.map((c) => `  ${c.name.padEnd(10)}${c.summary}`).join('\n')}

Run \`zenne-agent <command> --help\` for its options and examples.

Examples:
  zenne-agent validate --config /etc/zenne/agent.yaml
  zenne-agent run --config /etc/zenne/agent.yaml
  zenne-agent status --config /etc/zenne/agent.yaml
  zenne-agent provision --cloud http://10.0.0.5:8080 --claim K7QM-2XPD-9HTA-WE4C -c /etc/zenne/agent.yaml

Exit codes: 0 success, 1 failure (invalid config, fatal error), 2 usage error,
3 (status) agent not running or stale.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`error: unknown command "${name}"\n\n${usage}`);
    return EXIT.USAGE;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    return reportError(err);
  }
}

process.exitCode = await main(process.argv.slice(2));
