import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadProfiles, type DeviceProfile } from '@zenne/device-profiles';
import { buildHttpApp } from './api/http-app.ts';
import { newAdminToken, removeAdminFile, writeAdminFile } from './api/provisioning/admin-file.ts';
import { Provisioning } from './api/provisioning/provisioning.ts';
import type { CloudStats } from './api/api-context.ts';
import type { CloudBroker } from './broker/broker.ts';
import { embeddedBroker } from './broker/embedded-broker.ts';
import { cloudErrors } from './errors.ts';
import { GatewayStatusBoard } from './ingest/gateway-status.ts';
import { Ingest } from './ingest/ingest.ts';
import { LiveBus } from './ingest/live-bus.ts';
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
  try {
    store = options.store ?? (await duckdbStore({ file: duckdbStoreFile(options.dataDir) }));
    const seeded = options.seedFile ? await seedFromFile(registry, options.seedFile, profiles) : undefined;
    if (seeded) logger.info({ file: options.seedFile, ...seeded }, 'registry seeded');
    const broker = options.broker ?? (await embeddedBroker({ registry, logger: logger.child({ component: 'broker' }), host, port: options.mqttPort ?? 1883 }));
    const live = new LiveBus();
    const ingest = new Ingest({ broker, store, registry, live, logger: logger.child({ component: 'ingest' }), ...options.ingest });
    const statusBoard = new GatewayStatusBoard(broker);
    const provisioning = new Provisioning(registry, await ClaimCodes.open(claimCodesFile(options.dataDir)), () => broker.url, newAdminToken());
    const startedAt = Date.now();
    const stats = (): CloudStats => ({
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      ingest: ingest.stats(),
      broker: broker.stats(),
      gateway_status: statusBoard.stats(),
      registry: registry.counts(),
      provisioning: provisioning.stats(),
    });
    const app = await buildHttpApp(
      {
        store,
        registry,
        profiles,
        live,
        provisioning,
        stats,
        viewerDir: options.viewerDir ?? DEFAULT_VIEWER_DIR,
        sseHeartbeatMs: options.sseHeartbeatMs ?? 15_000,
      },
      logger,
    );
    let httpUrl = '';
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
      stats,
      async start() {
        // Subscribe before listening: a QoS 1 message published before its subscriber exists is acknowledged by the broker and lost.
        await ingest.start();
        await statusBoard.start();
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
          await ingest.stop();
          await app.close();
          await broker.close();
          await readyStore.close();
          await registry.close();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await store?.close();
    await registry.close();
    throw err;
  }
}
