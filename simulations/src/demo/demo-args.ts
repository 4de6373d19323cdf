import { parseArgs } from 'node:util';
import type { DemoOptions } from './start-demo.ts';

export const HELP = `zenne demo: the Brussels air-quality twin on one machine

Starts the cloud (broker, store, API, twin viewer), 24 virtual SDS011/PMS5003
sensors on pty serial ports replaying real Sensor.Community data, and one edge
agent per gateway. The first start also stores 24 h of history. Ctrl-C stops
everything in order (agents, sensors, socat, cloud); a second Ctrl-C, two
seconds later or more, kills what is left.

Usage: npm start [-- flags]      (or: node simulations/bin/zenne-demo.js [flags])

Flags:
  --http-port N        HTTP port of the API and viewer (default 8080; 0 = any free port)
  --mqtt-port N        MQTT port of the broker (default 1883; 0 = any free port)
  --host ADDR          address the cloud listens on (default 127.0.0.1)
  --data-dir DIR       demo state, secrets, cloud data and logs (default .zenne/demo)
  --fleet FILE         fleet file (default simulations/fleet/brussels-demo.yaml)
  --history-hours N    history stored on the first start (default 24)
  --bad-checksum-every N  every sensor sends a frame with a wrong checksum every N frames
  --garbage-every N    every sensor sends a few bytes of line noise before every Nth frame
                       (both: demos of the agents' robustness; see zenne-agent status)
  --no-install         do not install socat with apt-get when it is missing
  --no-viewer-build    do not build twin-viewer/dist when it is missing
  -h, --help           this help

Examples:
  npm start
  npm start -- --http-port 9080 --mqtt-port 11883
  npm start -- --data-dir /tmp/zenne-demo --history-hours 6
  npm start -- --bad-checksum-every 20 --garbage-every 50
  node simulations/bin/zenne-demo.js --help
`;

export type DemoArgs =
  | { help: true }
  | { help: false; options: Omit<DemoOptions, 'reporter' | 'signal' | 'onCloudExit'> }
  | { help: false; error: string };

/** Parses the demo's command line; never throws (a bad flag comes back as `error`). */
export function parseDemoArgs(args: string[]): DemoArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'http-port': { type: 'string' },
        'mqtt-port': { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        fleet: { type: 'string' },
        'history-hours': { type: 'string' },
        'bad-checksum-every': { type: 'string' },
        'garbage-every': { type: 'string' },
        'no-install': { type: 'boolean', default: false },
        'no-viewer-build': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { help: false, error: (err as Error).message };
  }
  if (values.help) return { help: true };
  const httpPort = port('http-port', values['http-port'], 8080);
  const mqttPort = port('mqtt-port', values['mqtt-port'], 1883);
  if (typeof httpPort === 'string') return { help: false, error: httpPort };
  if (typeof mqttPort === 'string') return { help: false, error: mqttPort };
  const historyHours = values['history-hours'] === undefined ? 24 : Number(values['history-hours']);
  if (!(historyHours >= 0 && historyHours <= 24 * 14)) {
    return { help: false, error: `--history-hours "${values['history-hours']}" must be a number of hours from 0 to 336` };
  }
  const badChecksumEvery = count('bad-checksum-every', values['bad-checksum-every']);
  const garbageEvery = count('garbage-every', values['garbage-every']);
  if (typeof badChecksumEvery === 'string') return { help: false, error: badChecksumEvery };
  if (typeof garbageEvery === 'string') return { help: false, error: garbageEvery };
  const faults = {
    ...(badChecksumEvery ? { bad_checksum_every_n_frames: badChecksumEvery } : {}),
    ...(garbageEvery ? { garbage_every_n_frames: garbageEvery } : {}),
  };
  return {
    help: false,
    options: {
      ...(Object.keys(faults).length > 0 ? { faults } : {}),
      httpPort,
      mqttPort,
      ...(values.host ? { host: values.host } : {}),
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values.fleet ? { fleetFile: values.fleet } : {}),
      historyHours,
      installSocat: !values['no-install'],
      buildViewer: !values['no-viewer-build'],
    },
  };
}

/** A port, or the error message. */
function port(name: string, value: string | undefined, fallback: number): number | string {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) return `--${name} "${value}" is not a port (0-65535, 0 = any free port)`;
  return n;
}

/** A positive whole number of frames, undefined when absent, or the error message. */
function count(name: string, value: string | undefined): number | undefined | string {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) return `--${name} "${value}" must be a whole number of frames, 1 or more`;
  return n;
}

/**
 * For the demo's entry points: prints the help (exit 0) or the flag error
 * (exit 2) and ends the process; otherwise returns the options.
 */
export function demoOptionsOrExit(args: string[]): Extract<DemoArgs, { options: unknown }>['options'] {
  const parsed = parseDemoArgs(args);
  if (parsed.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\nRun with --help for usage.\n`);
    process.exit(2);
  }
  return parsed.options;
}
