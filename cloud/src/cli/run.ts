import { resolve } from 'node:path';
import { createCloud, DEFAULT_VIEWER_DIR, type CloudOptions } from '../cloud.ts';
import { cloudErrors } from '../errors.ts';
import { createLogger } from '../shared/logger.ts';
import { loadInfluxStoreConfig } from '../stores/influxdb/config.ts';
import { influxStore } from '../stores/influxdb/influx-store.ts';
import type { ReadingStore } from '../stores/store.ts';
import { choiceFlag, parseFlags, portFlag, requireFlag } from './flags.ts';

const HELP = `zenne-cloud run: start the broker, ingest, store and HTTP API

Usage: zenne-cloud run --data-dir DIR [flags]

Flags:
  --data-dir DIR     where readings.duckdb and registry.duckdb live (created if needed; required)
  --store KIND       reading store: duckdb (embedded, default) or influxdb
  --influx-config F  YAML config of the influxdb store (url, write_api, query_dialect,
                     database, ...; see cloud/src/stores/influxdb/README.md)
  --host ADDR        address to listen on for MQTT and HTTP (default 127.0.0.1)
  --http-port N      HTTP port (default 8080; 0 = any free port)
  --mqtt-port N      MQTT port (default 1883; 0 = any free port)
  --mqtts-port N     MQTT over TLS port (default 8883, or 0 when --mqtt-port is 0; off = no TLS listener)
  --tls-cert FILE    PEM certificate chain of the TLS listener (with --tls-key); without both, a
                     development CA and certificate are made at first start in DATA_DIR/tls
                     (gateways set cloud.ca_file to DATA_DIR/tls/ca.pem)
  --tls-key FILE     PEM private key of --tls-cert
  --tls-hosts LIST   comma-separated host names/addresses of a new development certificate
                     (default localhost, 127.0.0.1, ::1 and this machine's name)
  --seed FILE        seed file applied before gateways may connect (idempotent)
  --viewer-dir DIR   built twin viewer served at / (default ${DEFAULT_VIEWER_DIR})
  --log-level LEVEL  pino level: fatal, error, warn, info, debug, trace (default info)
  -h, --help         this help

Logs are JSON lines on stdout. When ready, one record has "msg":"cloud ready"
with http_url, mqtt_url and (with TLS) mqtts_url and tls_ca_file. SIGINT/SIGTERM stop gracefully: batches already
received are stored and acknowledged, then the store is closed.

Examples:
  zenne-cloud run --data-dir ./data --seed ./fleet.yaml
  zenne-cloud run --data-dir /tmp/zenne --http-port 0 --mqtt-port 0 --log-level debug
  zenne-cloud run --data-dir ./data --host 0.0.0.0 --viewer-dir ./twin-viewer/dist
  zenne-cloud run --data-dir ./data --store influxdb --influx-config ./influx.yaml
  zenne-cloud run --data-dir ./data --host 0.0.0.0 --tls-cert /etc/zenne/tls/fullchain.pem --tls-key /etc/zenne/tls/key.pem
`;

export async function runCommand(args: string[]): Promise<number> {
  const { help, values: flags } = parseFlags('run', args, ['data-dir', 'host', 'http-port', 'mqtt-port', 'mqtts-port', 'tls-cert', 'tls-key', 'tls-hosts', 'seed', 'viewer-dir', 'log-level', 'store', 'influx-config']);
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dataDir = resolve(requireFlag('run', 'data-dir', flags['data-dir']));
  const logger = createLogger(flags['log-level']);
  const mqttPort = portFlag('run', 'mqtt-port', flags['mqtt-port'], 1883);
  const cloud = await createCloud({
    dataDir,
    host: flags.host,
    httpPort: portFlag('run', 'http-port', flags['http-port'], 8080),
    mqttPort,
    mqttTls: tlsFlags(flags, mqttPort),
    seedFile: flags.seed === undefined ? undefined : resolve(flags.seed),
    viewerDir: flags['viewer-dir'] === undefined ? undefined : resolve(flags['viewer-dir']),
    // Last: every other flag is checked before a store is opened.
    store: await openStoreFlag(flags),
    logger,
  });
  try {
    await cloud.start();
  } catch (err) {
    await cloud.stop();
    throw err;
  }
  const counts = cloud.registry.counts();
  const tls = cloud.mqttsUrl ? { mqtts_url: cloud.mqttsUrl, ...(cloud.tlsCaFile ? { tls_ca_file: cloud.tlsCaFile } : {}) } : {};
  logger.info({ http_url: cloud.httpUrl, mqtt_url: cloud.mqttUrl, ...tls, data_dir: dataDir, ...counts }, 'cloud ready');

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

/** The TLS listener flags; undefined with `--mqtts-port off`. A free plain port means a free TLS port too, so test clouds never collide on 8883. */
function tlsFlags(flags: Record<string, string | undefined>, mqttPort: number): CloudOptions['mqttTls'] {
  if (flags['mqtts-port'] === 'off') {
    for (const flag of ['tls-cert', 'tls-key', 'tls-hosts']) {
      if (flags[flag] !== undefined) throw cloudErrors.BAD_FLAG({ command: 'run', problem: `--${flag} needs a TLS listener (not --mqtts-port off)` });
    }
    return undefined;
  }
  return {
    port: portFlag('run', 'mqtts-port', flags['mqtts-port'], mqttPort === 0 ? 0 : 8883),
    certFile: flags['tls-cert'] === undefined ? undefined : resolve(flags['tls-cert']),
    keyFile: flags['tls-key'] === undefined ? undefined : resolve(flags['tls-key']),
    hosts: flags['tls-hosts']?.split(',').map((h) => h.trim()).filter(Boolean),
  };
}

/** The `--store` choice; undefined leaves the cloud's default (DuckDB in the data directory). */
async function openStoreFlag(flags: Record<string, string | undefined>): Promise<ReadingStore | undefined> {
  const kind = choiceFlag('run', 'store', flags.store, ['duckdb', 'influxdb'] as const, 'duckdb');
  if (kind === 'duckdb') {
    if (flags['influx-config'] !== undefined) throw cloudErrors.BAD_FLAG({ command: 'run', problem: '--influx-config needs --store influxdb' });
    return undefined;
  }
  return influxStore(await loadInfluxStoreConfig(resolve(requireFlag('run', 'influx-config', flags['influx-config']))));
}
