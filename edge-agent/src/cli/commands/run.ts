import { parseArgs } from 'node:util';
import { createAgent } from '../../agent.ts';
import { loadConfig } from '../../config/index.ts';
import { agentErrors } from '../../errors.ts';
import { createLogger } from '../../logger.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'run the gateway daemon: sources → durable buffer → cloud',
  help: `Usage: zenne-agent run --config FILE [--log-level LEVEL]

Reads the sensors of the config, keeps every reading in the durable buffer
(state_dir/buffer) until the cloud acknowledges it, and sends it over MQTT.
Logs are pino JSON lines on stdout. state_dir/status.json is rewritten every
2 s for \`zenne-agent status\`. SIGINT or SIGTERM stops it cleanly (the last
frames reach the buffer, the cloud is told "offline"); a second signal exits
at once (nothing confirmed is lost: the buffer is crash-safe).

Options:
  -c, --config FILE      agent config (YAML)
      --log-level LEVEL  trace, debug, info (default), warn, error
  -h, --help             this help

Examples:
  zenne-agent run --config /etc/zenne/agent.yaml
  zenne-agent run -c agent.yaml --log-level debug | npx pino-pretty

Exit codes: 0 stopped by a signal, 1 invalid config or fatal error, 2 usage error.
`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(this.help);
      return EXIT.OK;
    }
    if (!values.config) throw agentErrors.CLI_USAGE({ reason: 'run needs --config FILE' });
    const logger = createLogger(values['log-level'] ? { level: values['log-level'] } : {});
    const { config, warnings } = loadConfig(values.config);
    for (const warning of warnings) logger.warn({ config: config.file }, warning);
    const agent = createAgent(config, { logger });

    const stopped = new Promise<void>((resolve) => {
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) {
          logger.warn({ signal }, 'second signal: exiting now');
          process.exit(EXIT.FAILURE);
        }
        logger.info({ signal }, 'stopping');
        void agent.stop().then(resolve, (err: unknown) => {
          logger.error({ err }, 'stop failed');
          resolve();
        });
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    try {
      await agent.start();
    } catch (err) {
      await agent.stop().catch(() => undefined);
      throw err;
    }
    await stopped;
    return EXIT.OK;
  },
};
