import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FixtureDevice {
  id: string;
  profile: 'nova-sds011' | 'plantower-pms5003';
  bridge: 'sds011' | 'pms5003';
  /** pty path the agent reads. */
  port?: string;
}

// Vertices of UrbIS street axes (EPSG:31370 148880.31/171000.286 and
// 148860.396/171040.347) converted to WGS84.
const LOCATIONS = [
  { lon: 4.352853, lat: 50.849402, street: 'Rue des Fripiers' },
  { lon: 4.35257, lat: 50.849762, street: "Rue de l'Evêque" },
];

/** Writes a registry seed with one gateway and `devices`; returns its path. */
export function writeSeed(dir: string, gateway: string, secret: string, devices: FixtureDevice[]): string {
  const lines = [
    'sites: [{ id: e2e-site, name: End-to-end site }]',
    `gateways: [{ id: ${gateway}, site: e2e-site, secret: "${secret}" }]`,
    'devices:',
    ...devices.map((d, i) => {
      const loc = LOCATIONS[i % LOCATIONS.length]!;
      return `  - { id: ${d.id}, gateway: ${gateway}, profile: ${d.profile}, name: "${d.id}", site: e2e-site, street: "${loc.street}", location: { lon: ${loc.lon}, lat: ${loc.lat}, height: 3 } }`;
    }),
  ];
  const file = join(dir, 'seed.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Writes a `zenne-agent` config reading every device's pty; returns its path. */
export function writeAgentConfig(dir: string, opts: { gateway: string; secret: string; mqttUrl: string; devices: FixtureDevice[]; batchMaxWaitMs?: number }): string {
  const lines = [
    `gateway: { id: ${opts.gateway} }`,
    `cloud: { mqtt_url: "${opts.mqttUrl}", password: "${opts.secret}" }`,
    'state_dir: ./state',
    `uplink: { batch_max_readings: 500, batch_max_wait_ms: ${opts.batchMaxWaitMs ?? 200}, max_in_flight: 4 }`,
    'sources:',
    ...opts.devices.map((d) => `  - { id: src-${d.id}, kind: serial, port: "${d.port}", baud_rate: 9600, bridge: ${d.bridge}, profile: ${d.profile}, device: ${d.id} }`),
  ];
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
