import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { loadProfiles } from '@zenne/device-profiles';
import { externalBroker } from '../broker/external/external-broker.ts';
import { cloudErrors } from '../errors.ts';
import { Ingest } from '../ingest/ingest.ts';
import { LiveBus } from '../ingest/live-bus.ts';
import { duckdbRegistry, duckdbRegistryFile } from '../registry/duckdb/duckdb-registry.ts';
import { seedFromFile } from '../registry/seed-file.ts';
import { prepareDataDir } from '../shared/data-dir.ts';
import { createLogger } from '../shared/logger.ts';
import { loadInfluxStoreConfig } from '../stores/influxdb/config.ts';
import { influxStore } from '../stores/influxdb/influx-store.ts';
import { choiceFlag, parseFlags, requireFlag } from './flags.ts';

const HELP = `zenne-cloud ingest-worker: ingest from an external MQTT broker, one worker of many

Usage: zenne-cloud ingest-worker --broker URL --data-dir DIR --seed FILE --influx-config F [flags]

Connects as a client to Mosquitto/EMQX, takes its share of the gateways'
batches through the shared subscription $share/GROUP/zenne/v1/gw/+/readings,
stores them in the InfluxDB store (shared by every worker; a DuckDB file cannot
be shared between processes) and publishes the acks through the broker.
Start several workers with one --share-group to split the load; a worker that
dies loses nothing: the gateways resend the batches it did not acknowledge and
the store drops the duplicates by (device, seq). Gateway logins and topics are
checked by the broker (see \`zenne-cloud mosquitto-auth\`). There is no HTTP API:
run \`zenne-cloud run --store influxdb\` on the same store for that.

Flags:
  --broker URL          external broker, mqtt://host:port or mqtts://host:port (required)
  --data-dir DIR        this worker's registry (registry.duckdb; required, one per worker)
  --seed FILE           seed file applied at start: the devices each gateway may send for (required)
  --store KIND          reading store: influxdb (the only one several processes can share; default)
  --influx-config F     YAML config of the influxdb store (see cloud/src/stores/influxdb/README.md; required)
  --share-group NAME    shared-subscription group (default zenne-ingest)
  --username NAME       MQTT username (default zenne-ingest)
  --password-file F     file holding the MQTT password (e.g. the ingest-password of mosquitto-auth)
  --client-id ID        MQTT client id, unique per worker (default zenne-ingest-HOST-PID)
  --mqtt-version N      5 (default) or 4 (MQTT 3.1.1)
  --stats-interval S    seconds between "ingest worker stats" log records (default 60; 0 = off)
  --log-level LEVEL     pino level: fatal, error, warn, info, debug, trace (default info)
  -h, --help            this help

Logs are JSON lines on stdout; when subscribed, one record has "msg":"ingest worker ready"
with broker_url, share_group and client_id. SIGINT/SIGTERM: leave the share group,
store and acknowledge what was received, close the store.

Examples:
  zenne-cloud ingest-worker --broker mqtt://127.0.0.1:1883 --data-dir ./w1 --seed ./fleet.yaml \\
    --influx-config ./influx.yaml --password-file /etc/mosquitto/zenne/ingest-password
  zenne-cloud ingest-worker --broker mqtt://mqtt.example:1883 --data-dir ./w2 --seed ./fleet.yaml \\
    --store influxdb --influx-config ./influx.yaml --share-group brussels --stats-interval 10
`;

const FLAGS = ['broker', 'data-dir', 'seed', 'store', 'influx-config', 'share-group', 'username', 'password-file', 'client-id', 'mqtt-version', 'stats-interval', 'log-level'];

export async function ingestWorkerCommand(args: string[]): Promise<number> {
  const { help, values: flags } = parseFlags('ingest-worker', args, FLAGS);
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const command = 'ingest-worker';
  const brokerUrl = requireFlag(command, 'broker', flags.broker);
  if (!/^mqtts?:\/\/[^/]+/.test(brokerUrl)) throw cloudErrors.BAD_FLAG({ command, problem: `--broker "${brokerUrl}" is not mqtt://host:port or mqtts://host:port` });
  const dataDir = resolve(requireFlag(command, 'data-dir', flags['data-dir']));
  const seedFile = resolve(requireFlag(command, 'seed', flags.seed));
  choiceFlag(command, 'store', flags.store, ['influxdb'] as const, 'influxdb');
  const influxConfig = resolve(requireFlag(command, 'influx-config', flags['influx-config']));
  const protocolVersion = Number(choiceFlag(command, 'mqtt-version', flags['mqtt-version'], ['5', '4'] as const, '5')) as 4 | 5;
  const statsIntervalS = Number(flags['stats-interval'] ?? 60);
  if (!Number.isFinite(statsIntervalS) || statsIntervalS < 0) throw cloudErrors.BAD_FLAG({ command, problem: `--stats-interval "${flags['stats-interval']}" is not a number of seconds >= 0` });
  const password = flags['password-file'] === undefined ? undefined : (await readFile(resolve(flags['password-file']), 'utf8')).trim();
  const shareGroup = flags['share-group'] ?? 'zenne-ingest';
  const clientId = flags['client-id'] ?? `zenne-ingest-${hostname()}-${process.pid}`;
  const logger = createLogger(flags['log-level']).child({ worker: clientId });

  await prepareDataDir(dataDir);
  const registry = await duckdbRegistry({ file: duckdbRegistryFile(dataDir) });
  try {
    const seeded = await seedFromFile(registry, seedFile, loadProfiles());
    logger.info({ file: seedFile, ...seeded }, 'registry seeded');
    const store = await influxStore(await loadInfluxStoreConfig(influxConfig));
    try {
      const broker = externalBroker({ url: brokerUrl, username: flags.username ?? 'zenne-ingest', password, clientId, shareGroup, protocolVersion, logger: logger.child({ component: 'broker' }) });
      const ingest = new Ingest({ broker, store, registry, live: new LiveBus(), logger: logger.child({ component: 'ingest' }) });
      await ingest.start();
      try {
        await broker.start();
        logger.info({ broker_url: brokerUrl, share_group: shareGroup, client_id: clientId, store: store.name }, 'ingest worker ready');
        const logStats = () => {
          const { connections, connected } = broker.stats();
          logger.info({ ingest: ingest.stats(), broker: { connections, connected } }, 'ingest worker stats');
        };
        const timer = statsIntervalS > 0 ? setInterval(logStats, statsIntervalS * 1000) : undefined;
        await untilSignal((signal) => logger.info({ signal }, 'ingest worker stopping'));
        clearInterval(timer);
        await broker.stopAccepting();
        await ingest.stop();
        logStats();
      } finally {
        await broker.close();
      }
    } finally {
      await store.close();
    }
  } finally {
    await registry.close();
  }
  logger.info('ingest worker stopped');
  return 0;
}

function untilSignal(onSignal: (signal: NodeJS.Signals) => void): Promise<void> {
  return new Promise((done) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      onSignal(signal);
      done();
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
