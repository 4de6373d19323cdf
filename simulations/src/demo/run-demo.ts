/**
 * The demo process proper: started by ./cli.ts in its own process group, so
 * that a Ctrl-C in the terminal reaches neither it nor the socat processes it
 * owns; cli.ts forwards one SIGTERM, and the stop runs in order.
 * It also runs standalone (`node --import tsx simulations/src/demo/run-demo.ts`).
 */
import { isAbsolute, join, relative } from 'node:path';
import { isZenneError } from '@zenne/device-profiles';
import { virtualDeviceKinds } from '../devices/registry.ts';
import { consoleReporter } from './console-reporter.ts';
import { demoOptionsOrExit } from './demo-args.ts';
import { onStopSignals } from './signals.ts';
import { REPO_ROOT, startDemo, type RunningDemo } from './start-demo.ts';

const options = demoOptionsOrExit(process.argv.slice(2));

const reporter = consoleReporter();
const startup = new AbortController();
let demo: RunningDemo | undefined;
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  reporter.endProgress();
  await demo?.stop();
  process.exit(code);
}

function requestStop(): void {
  if (demo) {
    void shutdown(0);
  } else if (!stopping) {
    // Still starting: startDemo stops what it has started and rejects (see the catch below).
    stopping = true;
    reporter.endProgress();
    startup.abort();
  }
}

onStopSignals(requestStop, () => {
  process.stderr.write('stopping anyway: killing what is left\n');
  // The 'exit' hooks of every child and pty pair send SIGKILL.
  process.exit(130);
});
// cli.ts went away (killed): stop as for Ctrl-C rather than run on unattended.
process.on('disconnect', requestStop);

try {
  demo = await startDemo({
    ...options,
    reporter,
    signal: startup.signal,
    onCloudExit: (err) => {
      reporter.warn(err.message);
      if (demo) void shutdown(1);
      else if (!stopping) startup.abort(err);
    },
  });
} catch (err) {
  reporter.endProgress();
  // Aborted by Ctrl-C: a clean stop. Aborted because the cloud died: a failure, reported above.
  if (startup.signal.aborted) process.exit(isZenneError(startup.signal.reason) ? 1 : 0);
  if (isZenneError(err)) process.stderr.write(`${err.code}: ${err.message}\n`);
  else process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}

/** Paths under the working directory are shown relative to it, others absolute. */
const show = (path: string) => {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
};
const devices = demo.fleet.gateways.flatMap((g) => g.devices);
const kinds = virtualDeviceKinds.map((k) => `${devices.filter((d) => d.kind === k.id).length} × ${k.id.toUpperCase()}`).join(', ');
const firstConfig = [...demo.agentConfigs.values()][0]!;
process.stdout.write(`
Zenne demo is running.
  Twin viewer   ${demo.viewerUrl}
  HTTP API      ${demo.apiUrl}   (interactive docs: ${demo.apiUrl}/docs)
  MQTT broker   ${demo.mqttUrl}
  Gateways      ${demo.fleet.gateways.map((g) => `${g.id} (${g.devices.length} sensors)`).join(', ')}
  Sensors       ${kinds}, replaying Sensor.Community node 5331 (ODbL 1.0)
  History       ${demo.seededHistory ? 'stored on this first start' : 'kept from earlier runs'}
  Data, logs    ${show(demo.dataDir)}, ${show(demo.logsDir)}
  Agent status  node ${show(join(REPO_ROOT, 'edge-agent', 'bin', 'zenne-agent.js'))} status --config ${show(firstConfig)}
Press Ctrl-C to stop.
`);
