import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { getBridge } from '@zenne/firmware-bridges';
import { getVirtualDeviceKind } from '../devices/registry.ts';
import type { FleetGateway } from '../fleet/fleet-schema.ts';
import type { DemoPaths } from './data-dir.ts';
import { VirtualSensors } from './virtual-sensors.ts';

/** One serial source per virtual sensor of a fleet gateway, on its pty. */
export function serialSources(paths: DemoPaths, gateway: FleetGateway): object[] {
  return gateway.devices.map((d) => {
    const kind = getVirtualDeviceKind(d.kind);
    return {
      id: d.id,
      kind: 'serial',
      port: VirtualSensors.agentPort(paths.ptyDir(d.id)),
      baud_rate: getBridge(kind.id).serial.baud_rate,
      bridge: kind.id,
      profile: kind.profile,
      device: d.id,
    };
  });
}

/**
 * Writes `agents/<gw>/agent.yaml` (the agent config of docs/architecture.md;
 * relative paths are relative to the file) and returns its path. Rewritten on
 * every start because the broker and controller ports may change.
 */
export function writeAgentConfig(paths: DemoPaths, gateway: string, mqttUrl: string, sources: object[]): string {
  const config = {
    gateway: { id: gateway },
    cloud: { mqtt_url: mqttUrl, username: gateway, password_file: './secret' },
    state_dir: './state',
    uplink: { batch_max_readings: 500, batch_max_wait_ms: 1000, max_in_flight: 4 },
    sources,
  };
  const file = join(paths.agentDir(gateway), 'agent.yaml');
  writeFileSync(file, `# Written by the Zenne demo (simulations/src/demo) on every start.\n${stringify(config, { lineWidth: 0 })}`);
  return file;
}
