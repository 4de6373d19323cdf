import { isZenneError } from '@zenne/device-profiles';

const USAGE = `zenne-cloud: the Zenne cloud (MQTT broker, ingest, store, HTTP API, twin viewer)

Usage: zenne-cloud <command> [flags]

Commands:
  run          start the cloud (broker + ingest + HTTP API)
  seed         load sites, gateways and devices from a YAML file into the registry
  hash-secret  print the scrypt hash of a gateway secret read from stdin
  claim        issue a one-time claim code for a gateway (asks the running cloud)
  command      send a command (dim, switch, schedule) to devices and wait for the outcome
  ingest-worker   ingest from an external MQTT broker (Mosquitto, EMQX) as one of several workers
  mosquitto-auth  write Mosquitto password and ACL files for the gateways of a seed file

Examples:
  zenne-cloud run --data-dir ./data --seed ./fleet.yaml
  zenne-cloud run --data-dir /tmp/zenne --http-port 0 --mqtt-port 0
  zenne-cloud seed --data-dir ./data --file ./fleet.yaml
  printf '%s' 'my gateway secret' | zenne-cloud hash-secret
  zenne-cloud claim --data-dir ./data --gateway gw-monnaie --ttl 2h
  zenne-cloud command --data-dir ./data --tag lamp_group=12 dim 50
  zenne-cloud mosquitto-auth --seed ./fleet.yaml --out /etc/mosquitto/zenne
  zenne-cloud ingest-worker --broker mqtt://127.0.0.1:1883 --data-dir ./w1 --seed ./fleet.yaml --influx-config ./influx.yaml

Run \`zenne-cloud <command> --help\` for the flags of a command.
`;

// Loaded on demand: `run` pulls in DuckDB, aedes and fastify, which `--help` and `hash-secret` do not need.
const COMMANDS: Record<string, () => Promise<(args: string[]) => Promise<number>>> = {
  run: async () => (await import('./run.ts')).runCommand,
  seed: async () => (await import('./seed.ts')).seedCommand,
  'hash-secret': async () => (await import('./hash-secret.ts')).hashSecretCommand,
  claim: async () => (await import('./claim.ts')).claimCommand,
  command: async () => (await import('./command.ts')).commandCommand,
  'ingest-worker': async () => (await import('./ingest-worker.ts')).ingestWorkerCommand,
  'mosquitto-auth': async () => (await import('./mosquitto-auth.ts')).mosquittoAuthCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const load = COMMANDS[command];
  if (!load) {
    process.stderr.write(`zenne-cloud: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (err) {
    if (isZenneError(err)) {
      process.stderr.write(`zenne-cloud ${command}: ${err.code}: ${err.message}\n`);
      return err.kind === 'invalid_input' ? 2 : 1;
    }
    process.stderr.write(`zenne-cloud ${command}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
