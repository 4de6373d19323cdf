import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadProfiles, type DeviceProfile } from '@zenne/device-profiles';
import { buildHttpApp } from './api/http-app.ts';
import { newAdminToken, removeAdminFile, writeAdminFile } from './api/provisioning/admin-file.ts';
import { Provisioning } from './api/provisioning/provisioning.ts';
import type { CloudStats } from './api/api-context.ts';
import { AlertService, type AlertServiceOptions } from './alerts/alert-service.ts';
import { AlertStore, alertsFile } from './alerts/alert-store.ts';
import type { CloudBroker } from './broker/broker.ts';
import { embeddedBroker } from './broker/embedded-broker.ts';
import { loadTlsMaterial, type TlsMaterialOptions } from './broker/tls/tls-material.ts';
import { CommandService } from './commands/command-service.ts';
import { createOpenData, type OpenDataConfigInput } from './opendata/index.ts';
import { cloudErrors } from './errors.ts';
import { LossAccounting, accountingFile } from './ingest/accounting.ts';
import { GatewayStatusBoard } from './ingest/gateway-status.ts';
import { Ingest } from './ingest/ingest.ts';
import { LiveBus } from './ingest/live-bus.ts';
import { mqttOverWebSocket } from './feeds/mqtt-over-websocket.ts';
import { PublicMqttFeed } from './feeds/public-mqtt-feed.ts';
import { duckdbRegistry, duckdbRegistryFile } from './registry/duckdb/duckdb-registry.ts';
import { ClaimCodes, claimCodesFile } from './registry/claim-codes.ts';
import type { Registry, RegistryCounts } from './registry/registry.ts';
import { seedFromFile } from './registry/seed-file.ts';
import { prepareDataDir } from './shared/data-dir.ts';
import { silentLogger, type Logger } from './shared/logger.ts';
import { duckdbStore, duckdbStoreFile } from './stores/duckdb/duckdb-store.ts';
import type { ReadingStore } from './stores/store.ts';

/** `<repo>/twin-viewer/dist`, where `npm run build -w twin-viewer` writes the viewer. */
export const DEFAULT_VIEWER_DIR = fileURLToPath(new URL('../../twin-viewer/dist/', import.meta.url));

export interface CloudOptions {
  /** Holds readings.duckdb and registry.duckdb unless `store`/`registry` are given. */
  dataDir: string;
  host?: string;
  /** 0 picks a free port (default 8080). */
  httpPort?: number;
  /** 0 picks a free port (default 1883). */
  mqttPort?: number;
  viewerDir?: string;
  /** Seed file applied (idempotent upsert) before the broker accepts gateways. */
  seedFile?: string;
  logger?: Logger;
  profiles?: ReadonlyMap<string, DeviceProfile>;
  /** Reading store; default: DuckDB in `<dataDir>/readings.duckdb`. The cloud closes it on stop(). */
  store?: ReadingStore;
  /** Registry; default: DuckDB in `<dataDir>/registry.duckdb`. The cloud closes it on stop(). */
  registry?: Registry;
  /** MQTT side; default: the embedded aedes broker on `host:mqttPort`. The cloud closes it on stop(). */
  broker?: CloudBroker;
  ingest?: { maxWriteReadings?: number; lingerMs?: number; maxPendingReadings?: number };
  sseHeartbeatMs?: number;
  /**
   * The public read-only MQTT feed (default on; embedded broker only):
   * anonymous clients may subscribe under zenne/v1/public/, where each stored
   * reading is retained (people counters excepted). MQTT over WebSocket is
   * served on the HTTP server's `/mqtt` whatever this says.
   */
  publicFeed?: boolean;
  /**
   * MQTT over TLS beside plain MQTT (embedded broker only): port 0 picks a free
   * one; the user's certificate files, or a development CA and certificate
   * made at first start in `<dataDir>/tls` (gateways trust its ca.pem).
   */
  mqttTls?: { port: number } & TlsMaterialOptions;
  /** Licence, publisher and people-counting aggregation of the open data (every key has a default). */
  openData?: OpenDataConfigInput;
  /** Alert engine tick and webhook retry settings; rules and alerts live in `<dataDir>/alerts.duckdb`. */
  alerts?: Pick<AlertServiceOptions, 'tickMs' | 'webhooks'>;
}

export interface Cloud {
  readonly app: FastifyInstance;
  readonly registry: Registry;
  readonly store: ReadingStore;
  readonly live: LiveBus;
  readonly seeded: RegistryCounts | undefined;
  /** Set by start(). */
  readonly httpUrl: string;
  /** Set by start(). */
  readonly mqttUrl: string;
  /** `mqtts://...` once started with `mqttTls`. */
  readonly mqttsUrl: string | undefined;
  /** The development CA gateways must trust (`cloud.ca_file`), when the TLS listener uses it. */
  readonly tlsCaFile: string | undefined;
  stats(): CloudStats;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Assembles a Zenne cloud: registry, store, broker, ingest and HTTP API.
 *
 * Lifecycle: resolves with everything open but nothing listening (the HTTP
 * app already answers `app.inject()`). `start()` listens for MQTT and HTTP.
 * `stop()` is graceful: it refuses new MQTT connections, stops taking
 * batches, writes and acknowledges every batch already accepted, ends the
 * HTTP server (and SSE streams), disconnects the gateways, then closes the
 * store and the registry. Components passed in are closed too.
 */
export async function createCloud(options: CloudOptions): Promise<Cloud> {
  const logger = options.logger ?? silentLogger();
  const host = options.host ?? '127.0.0.1';
  const httpPort = options.httpPort ?? 8080;
  const profiles = options.profiles ?? loadProfiles();
  if (!options.registry || !options.store) await prepareDataDir(options.dataDir);
  const registry = options.registry ?? (await duckdbRegistry({ file: duckdbRegistryFile(options.dataDir) }));
  let store: ReadingStore | undefined;
  let alerts: AlertService | undefined;
  let accounting: LossAccounting | undefined;
  try {
    store = options.store ?? (await duckdbStore({ file: duckdbStoreFile(options.dataDir) }));
    const seeded = options.seedFile ? await seedFromFile(registry, options.seedFile, profiles) : undefined;
    if (seeded) logger.info({ file: options.seedFile, ...seeded }, 'registry seeded');
    const tls = options.mqttTls && !options.broker ? await loadTlsMaterial(options.dataDir, options.mqttTls) : undefined;
    if (tls) logger.info({ names: tls.names, valid_to: tls.validTo, ca_file: tls.caFile }, tls.caFile ? 'TLS listener uses the development certificate' : 'TLS listener uses the given certificate');
    const broker =
      options.broker ??
      (await embeddedBroker({
        registry,
        logger: logger.child({ component: 'broker' }),
        host,
        port: options.mqttPort ?? 1883,
        anonymousReaders: options.publicFeed ?? true,
        ...(tls ? { tls: { port: options.mqttTls!.port, cert: tls.cert, key: tls.key } } : {}),
      }));
    const live = new LiveBus();
    // The embedded broker only: an external broker's anonymous access and retained topics are its own configuration.
    const publicFeed = (options.publicFeed ?? true) && !options.broker
      ? new PublicMqttFeed({ broker, live, store, registry, profiles, logger: logger.child({ component: 'public-feed' }) })
      : undefined;
    const readyAccounting = (accounting = await LossAccounting.open({ file: accountingFile(options.dataDir), logger: logger.child({ component: 'accounting' }) }));
    const ingest = new Ingest({
      broker, store, registry, live, logger: logger.child({ component: 'ingest' }), onOutcome: (gateway, outcome) => readyAccounting.recordOutcome(gateway, outcome), ...options.ingest,
    });
    const statusBoard = new GatewayStatusBoard(broker);
    statusBoard.onStatus((status) => readyAccounting.recordStatus(status));
    const commands = new CommandService({ broker, registry, profiles, gatewayStatus: statusBoard, logger });
    alerts = await AlertService.open({
      store: await AlertStore.open(alertsFile(options.dataDir)), registry, live, readings: store, gatewayStatus: statusBoard, logger: logger.child({ component: 'alerts' }), ...options.alerts,
    });
    const readyAlerts = alerts;
    const caPem = tls?.caFile ? await readFile(tls.caFile, 'utf8') : undefined;
    const provisioning = new Provisioning(
      registry,
      await ClaimCodes.open(claimCodesFile(options.dataDir)),
      () => ({ mqttUrl: broker.tlsUrl ?? broker.url, ...(caPem ? { caPem } : {}) }),
      newAdminToken(),
    );
    const startedAt = Date.now();
    const stats = (): CloudStats => ({
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      ingest: ingest.stats(),
      broker: broker.stats(),
      gateway_status: statusBoard.stats(),
      registry: registry.counts(),
      provisioning: provisioning.stats(),
      commands: commands.stats(),
      alerts: readyAlerts.stats(),
      ...(publicFeed ? { public_feed: publicFeed.stats() } : {}),
    });
    const app = await buildHttpApp(
      {
        store,
        registry,
        profiles,
        live,
        provisioning,
        commands,
        alerts,
        accounting: readyAccounting,
        stats,
        viewerDir: options.viewerDir ?? DEFAULT_VIEWER_DIR,
        sseHeartbeatMs: options.sseHeartbeatMs ?? 15_000,
        openData: await createOpenData({ store, registry, profiles, dataDir: options.dataDir, config: options.openData }),
      },
      logger,
    );
    let httpUrl = '';
    const mqttWs = broker.acceptStream && mqttOverWebSocket(app.server, broker.acceptStream.bind(broker), logger.child({ component: 'mqtt-ws' }));
    const readyStore = store;
    let stopping: Promise<void> | undefined;

    return {
      app,
      registry,
      store,
      live,
      seeded,
      get httpUrl() {
        return httpUrl;
      },
      get mqttUrl() {
        return broker.url;
      },
      get mqttsUrl() {
        return broker.tlsUrl;
      },
      tlsCaFile: tls?.caFile,
      stats,
      async start() {
        // Subscribe before listening: a QoS 1 message published before its subscriber exists is acknowledged by the broker and lost.
        await readyAlerts.start();
        await ingest.start();
        await statusBoard.start();
        await commands.start();
        // Retained last values are in place before the first reader connects.
        await publicFeed?.start();
        await broker.start();
        try {
          const address = await app.listen({ host, port: httpPort });
          httpUrl = address.replace('0.0.0.0', '127.0.0.1');
        } catch (err) {
          throw cloudErrors.LISTEN_FAILED({ what: 'HTTP', host, port: httpPort, reason: (err as Error).message }, { cause: err });
        }
        await writeAdminFile(options.dataDir, { http_url: httpUrl, token: provisioning.adminToken });
      },
      stop() {
        stopping ??= (async () => {
          await removeAdminFile(options.dataDir);
          await broker.stopAccepting();
          mqttWs?.close();
          await ingest.stop();
          commands.stop();
          publicFeed?.stop();
          await app.close();
          await readyAlerts.stop();
          await broker.close();
          await readyAccounting.close();
          await readyStore.close();
          await registry.close();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await alerts?.stop();
    await accounting?.close();
    await store?.close();
    await registry.close();
    throw err;
  }
}
