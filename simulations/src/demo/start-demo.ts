import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaultInjection } from '../devices/device.ts';
import { getVirtualDeviceKind } from '../devices/registry.ts';
import { simErrors } from '../errors.ts';
import { BRUSSELS_DEMO_FLEET, loadFleet, type Fleet } from '../fleet/fleet-schema.ts';
import { createReplaySource, type ReplaySource } from '../replay/replay-source.ts';
import { loadSensorCommunitySeries } from '../replay/sensor-community-csv.ts';
import { serialSources, writeAgentConfig } from './agent-config.ts';
import { ManagedChild } from './child-process.ts';
import { isErrorRecord, parseJsonLine, startCloud } from './cloud-process.ts';
import { markHistorySeeded, prepareDataDir } from './data-dir.ts';
import { seedHistory } from './history-seed.ts';
import { ensureSocat } from './socat.ts';
import { BRUSSELS_DEMO_LIGHTING, lampSource, loadLighting, startStreetLights, type DemoLighting } from './street-lighting.ts';
import { ensureViewerBuilt, viewerDistDir } from './viewer-build.ts';
import { VirtualSensors } from './virtual-sensors.ts';

/** The repository root (this file is simulations/src/demo/start-demo.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Seeded samples are 150 s apart, about the ~145 s cadence of the replayed archive: no detail the data lacks. */
const HISTORY_STEP_MS = 150_000;

/** Where the demo tells its user what happens. All methods are optional-output hooks. */
export interface DemoReporter {
  /** A step starts or ends ("starting the cloud"). */
  step(line: string): void;
  /** Output of a long external step (apt-get, vite). */
  detail(line: string): void;
  /** A progress line that replaces the previous one. */
  progress(line: string): void;
  /** Something went wrong in a running part (a child exited, logged an error). */
  warn(line: string): void;
}

const SILENT: DemoReporter = { step() {}, detail() {}, progress() {}, warn() {} };

export interface DemoOptions {
  /** Default: the repository this file is in. */
  repoRoot?: string;
  /** Default: `<repoRoot>/.zenne/demo`. */
  dataDir?: string;
  /** Default: simulations/fleet/brussels-demo.yaml. */
  fleetFile?: string;
  /** Street lights (a Modbus segment controller and its gateway); default simulations/fleet/brussels-lighting.yaml, `false` for none. */
  lightingFile?: string | false;
  /** 0 = any free port. Defaults 8080 and 1883. */
  httpPort?: number;
  mqttPort?: number;
  /** Listen address of the cloud. Default 127.0.0.1. */
  host?: string;
  /** History seeded on the first start. Default 24 h. */
  historyHours?: number;
  /** Install socat with apt-get when missing and root. Default true. */
  installSocat?: boolean;
  /** Wire faults every virtual sensor injects (off by default). */
  faults?: FaultInjection;
  /** Build the viewer when twin-viewer/dist is missing. Default true; when false the cloud serves no viewer if none is built. */
  buildViewer?: boolean;
  reporter?: Partial<DemoReporter>;
  /** Called once if the cloud exits while the demo runs (the demo cannot go on; call `stop()`). */
  onCloudExit?: (err: Error) => void;
  /** Aborting during start-up stops what was started and rejects with the abort reason. */
  signal?: AbortSignal;
}

export interface RunningDemo {
  /** The twin viewer, e.g. http://127.0.0.1:8080/ */
  viewerUrl: string;
  /** The HTTP API root, e.g. http://127.0.0.1:8080/api/v1 */
  apiUrl: string;
  mqttUrl: string;
  dataDir: string;
  logsDir: string;
  fleet: Fleet;
  /** The street lights and their gateway, unless started with `lightingFile: false`. */
  lighting: DemoLighting | undefined;
  /** Map(gateway id -> agent config file) */
  agentConfigs: ReadonlyMap<string, string>;
  /** True when this start stored the history (first start of the data dir). */
  seededHistory: boolean;
  /**
   * Stops agents, then virtual sensors, then socat, then the cloud, each
   * waiting for the previous; resolves when every child process has exited.
   * Idempotent.
   */
  stop(): Promise<void>;
}

/**
 * Starts the whole demo: cloud, history (first start only), one pty pair and
 * virtual sensor per fleet device, a Modbus segment controller with the street
 * lights, one agent per gateway. On a failure it
 * stops what it had started and rethrows.
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const report: DemoReporter = { ...SILENT, ...options.reporter };
  const repoRoot = resolve(options.repoRoot ?? REPO_ROOT);
  const dataDir = resolve(options.dataDir ?? join(repoRoot, '.zenne', 'demo'));
  const fleet = loadFleet(options.fleetFile ?? BRUSSELS_DEMO_FLEET);
  const lighting = options.lightingFile === false ? undefined : loadLighting(options.lightingFile ?? BRUSSELS_DEMO_LIGHTING);
  const devices = fleet.gateways.flatMap((g) => g.devices);
  for (const d of devices) getVirtualDeviceKind(d.kind);

  const socat = await ensureSocat({ install: options.installSocat ?? true, onOutput: report.detail });
  if (socat === 'installed') report.step('socat installed');

  options.signal?.throwIfAborted();
  const { paths, state, secrets } = prepareDataDir(dataDir, fleet, lighting);
  if (options.buildViewer ?? true) {
    let viewerLines = 0;
    const viewer = await ensureViewerBuilt(repoRoot, join(paths.logs, 'viewer-build.log'), (line) => {
      if (viewerLines++ === 0) report.step('building the twin viewer (npm run build -w twin-viewer)');
      report.detail(line);
    });
    report.step(viewer === 'built' ? 'twin viewer built' : 'twin viewer already built');
  }

  // Every pty pair and child adds a process 'exit' listener that kills it if the demo dies.
  const previousMaxListeners = process.getMaxListeners();
  process.setMaxListeners(previousMaxListeners + devices.length + fleet.gateways.length + 2);

  let cloud: ManagedChild | undefined;
  const agents: ManagedChild[] = [];
  let sensors: VirtualSensors | undefined;
  let streetLights: Awaited<ReturnType<typeof startStreetLights>> | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (agents.length > 0) {
        report.step('stopping agents');
        await Promise.all(agents.map((a) => a.stop()));
      }
      if (streetLights) {
        report.step('stopping the street-light controller');
        await streetLights.server.close();
      }
      if (sensors) {
        report.step('stopping virtual sensors');
        await sensors.stopSensors();
        report.step('stopping socat');
        await sensors.closePtys();
      }
      if (cloud) {
        report.step('stopping the cloud');
        await cloud.stop();
      }
      process.setMaxListeners(previousMaxListeners);
      if (cloud) report.step('stopped');
    })();
    return stopping;
  };
  const watch = (child: ManagedChild) =>
    child.on('unexpected-exit', (code: number | null, signal: string | null) =>
      report.warn(simErrors.CHILD_EXITED({ name: child.name, code, signal, log: child.logFile }).message),
    );

  try {
    options.signal?.throwIfAborted();
    report.step('starting the cloud');
    const started = await startCloud({
      repoRoot,
      dataDir: paths.cloud,
      seedFile: paths.seed,
      host: options.host ?? '127.0.0.1',
      httpPort: options.httpPort ?? 8080,
      mqttPort: options.mqttPort ?? 1883,
      ...((options.buildViewer ?? true) ? { viewerDir: viewerDistDir(repoRoot) } : {}),
      logFile: join(paths.logs, 'cloud.log'),
      onError: (record) => report.warn(`cloud: ${record.msg ?? 'error'} (see ${join(paths.logs, 'cloud.log')})`),
    });
    cloud = started.child;
    watch(cloud);
    cloud.on('unexpected-exit', (code: number | null, signal: string | null) =>
      options.onCloudExit?.(simErrors.CHILD_EXITED({ name: 'cloud', code, signal, log: started.child.logFile })),
    );
    report.step(`cloud ready at ${started.httpUrl}`);

    const { series, rejected } = loadSensorCommunitySeries();
    for (const err of rejected) report.warn(err.message);
    // Map(device id -> replay source); the history and the live sensors share it.
    const sources = new Map<string, ReplaySource>(
      devices.map((d) => [d.id, createReplaySource(series, { days: d.replay.phase_days, minutes: d.replay.phase_minutes })]),
    );

    let seededHistory = false;
    if (!state.history_seeded_at) {
      const hours = options.historyHours ?? 24;
      const toMs = Date.now();
      report.step(`storing the last ${hours} h of replayed history for ${devices.length} sensors`);
      const perGateway = new Map<string, { done: number; total: number }>();
      const result = await seedHistory({
        mqttUrl: started.mqttUrl,
        fleet,
        secrets,
        sources,
        fromMs: toMs - hours * 3_600_000,
        toMs,
        stepMs: HISTORY_STEP_MS,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: ({ gateway, done, total }) => {
          perGateway.set(gateway, { done, total });
          report.progress(`history: ${[...perGateway].map(([g, p]) => `${g} ${p.done}/${p.total}`).join(', ')}`);
        },
      });
      markHistorySeeded(paths, state);
      seededHistory = true;
      report.step(`history stored: ${result.readings} readings${result.duplicates ? ` (${result.duplicates} already there)` : ''}`);
    }

    options.signal?.throwIfAborted();
    report.step(`starting ${devices.length} virtual sensors on pty pairs`);
    sensors = new VirtualSensors(devices, paths.ptyDir, sources, options.faults);
    await sensors.start();

    options.signal?.throwIfAborted();
    // Map(gateway id -> its sources): the sensor gateways, then the street-lighting one.
    const gatewaySources = new Map<string, object[]>(fleet.gateways.map((g) => [g.id, serialSources(paths, g)]));
    if (lighting) {
      streetLights = await startStreetLights(lighting);
      report.step(`started a street-light segment controller with ${lighting.lamps.length} luminaires on Modbus TCP port ${streetLights.port}`);
      gatewaySources.set(lighting.config.gateway, [lampSource(lighting, streetLights.port)]);
    }
    const agentConfigs = new Map<string, string>();
    for (const [gateway, sources] of gatewaySources) {
      const config = writeAgentConfig(paths, gateway, started.mqttUrl, sources);
      agentConfigs.set(gateway, config);
      const logFile = join(paths.logs, `agent-${gateway}.log`);
      const agent = new ManagedChild({
        name: `agent ${gateway}`,
        command: process.execPath,
        args: [join(repoRoot, 'edge-agent', 'bin', 'zenne-agent.js'), 'run', '--config', config],
        cwd: repoRoot,
        logFile,
        onLine: (line) => {
          const record = parseJsonLine(line);
          if (isErrorRecord(record)) report.warn(`agent ${gateway}: ${record.msg ?? 'error'} (see ${logFile})`);
        },
      });
      agents.push(agent);
      watch(agent);
    }
    report.step(`started ${agents.length} agents`);

    return {
      viewerUrl: `${started.httpUrl}/`,
      apiUrl: `${started.httpUrl}/api/v1`,
      mqttUrl: started.mqttUrl,
      dataDir,
      logsDir: paths.logs,
      fleet,
      lighting,
      agentConfigs,
      seededHistory,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
