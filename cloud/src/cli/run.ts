import { resolve } from 'node:path';
import { createCloud, DEFAULT_VIEWER_DIR } from '../cloud.ts';
import { createLogger } from '../shared/logger.ts';
import { parseFlags, portFlag, requireFlag } from './flags.ts';

const HELP = `zenne-cloud run: start the broker, ingest, store and HTTP API

Usage: zenne-cloud run --data-dir DIR [flags]

Flags:
  --data-dir DIR     where readings.duckdb and registry.duckdb live (created if needed; required)
  --host ADDR        address to listen on for MQTT and HTTP (default 127.0.0.1)
  --http-port N      HTTP port (default 8080; 0 = any free port)
  --mqtt-port N      MQTT port (default 1883; 0 = any free port)
  --seed FILE        seed file applied before gateways may connect (idempotent)
  --viewer-dir DIR   built twin viewer served at / (default ${DEFAULT_VIEWER_DIR})
  --log-level LEVEL  pino level: fatal, error, warn, info, debug, trace (default info)
  -h, --help         this help

Logs are JSON lines on stdout. When ready, one record has "msg":"cloud ready"
with http_url and mqtt_url. SIGINT/SIGTERM stop gracefully: batches already
received are stored and acknowledged, then the store is closed.

Examples:
  zenne-cloud run --data-dir ./data --seed ./fleet.yaml
  zenne-cloud run --data-dir /tmp/zenne --http-port 0 --mqtt-port 0 --log-level debug
  zenne-cloud run --data-dir ./data --host 0.0.0.0 --viewer-dir ./twin-viewer/dist
`;

export async function runCommand(args: string[]): Promise<number> {
  const { help, values: flags } = parseFlags('run', args, ['data-dir', 'host', 'http-port', 'mqtt-port', 'seed', 'viewer-dir', 'log-level']);
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dataDir = resolve(requireFlag('run', 'data-dir', flags['data-dir']));
  const logger = createLogger(flags['log-level']);
  const cloud = await createCloud({
    dataDir,
    host: flags.host,
    httpPort: portFlag('run', 'http-port', flags['http-port'], 8080),
    mqttPort: portFlag('run', 'mqtt-port', flags['mqtt-port'], 1883),
    seedFile: flags.seed === undefined ? undefined : resolve(flags.seed),
    viewerDir: flags['viewer-dir'] === undefined ? undefined : resolve(flags['viewer-dir']),
    logger,
  });
  try {
    await cloud.start();
  } catch (err) {
    await cloud.stop();
    throw err;
  }
  const counts = cloud.registry.counts();
  logger.info({ http_url: cloud.httpUrl, mqtt_url: cloud.mqttUrl, data_dir: dataDir, ...counts }, 'cloud ready');

  await new Promise<void>((done) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      logger.info({ signal }, 'cloud stopping');
      done();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await cloud.stop();
  logger.info({ readings_stored: cloud.stats().ingest.readings_stored }, 'cloud stopped');
  return 0;
}
