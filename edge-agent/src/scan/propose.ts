import { basename } from 'node:path';
import { getProfile, listProfileIds } from '@zenne/device-profiles';
import { stringify } from 'yaml';
import type { OpcuaVariable } from './opcua-browse.ts';

/**
 * YAML snippets for the `sources:` list of an agent config, ready to paste.
 * Device ids are placeholders (`new-...`): the technician replaces them with
 * the ids registered in the cloud, which a scan cannot know.
 */

function idPart(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'x';
}

function asListItem(entry: Record<string, unknown>, comments: Record<string, string> = {}): string {
  const lines = stringify([entry], { lineWidth: 0 }).trimEnd().split('\n');
  return lines
    .map((line) => {
      const key = /^\s*-?\s*([a-z_]+):/.exec(line)?.[1];
      const comment = key ? comments[key] : undefined;
      return comment ? `${line}   # ${comment}` : line;
    })
    .map((line) => `  ${line}`)
    .join('\n');
}

const DEVICE_COMMENT = 'replace with the device id registered in the cloud';

export function proposeSerial(port: string, bridge: string, profiles: string[], baudRate: number): string {
  const name = idPart(basename(port));
  const others = profiles.slice(1);
  return asListItem(
    { id: `${bridge}-${name}`, kind: 'serial', port, baud_rate: baudRate, bridge, profile: profiles[0], device: `new-${bridge}-${name}` },
    { device: DEVICE_COMMENT, ...(others.length > 0 ? { profile: `or: ${others.join(', ')}` } : {}) },
  );
}

/** Profiles with a Modbus register map: the candidates for a unit that answered. */
export function modbusProfiles(): string[] {
  return listProfileIds().filter((id) => getProfile(id).modbus !== undefined);
}

export function proposeModbus(
  bus: { kind: 'modbus_tcp'; host: string; port: number } | { kind: 'modbus_rtu'; port: string; baud_rate: number },
  units: number[],
): string {
  const candidates = modbusProfiles();
  const where = bus.kind === 'modbus_tcp' ? `${bus.host}-${bus.port}` : basename(bus.port);
  const entry = {
    id: `modbus-${idPart(where)}`,
    ...bus,
    devices: units.map((unit) => ({ device: `new-unit-${unit}`, profile: candidates[0] ?? 'choose-a-modbus-profile', unit_id: unit, poll_period_s: 10 })),
  };
  const text = asListItem(entry, { devices: `profile: the model of each unit, one of ${candidates.join(', ')}; device: ${DEVICE_COMMENT}` });
  return text;
}

export function proposeOpcua(endpoint: string, variables: OpcuaVariable[]): string {
  const entry = {
    id: `opcua-${idPart(endpoint.replace(/^opc\.tcp:\/\//, ''))}`,
    kind: 'opcua',
    endpoint,
    devices: [
      {
        device: 'new-opcua-device',
        profile: listProfileIds().find((id) => getProfile(id).transport === 'opcua') ?? 'choose-an-opcua-profile',
        nodes: Object.fromEntries(variables.map((v) => [idPart(v.path.split('/').slice(-2).join('_')).replace(/-/g, '_'), v.node_id])),
      },
    ],
  };
  return asListItem(entry, {
    nodes: 'keys must be the profile channel fields: keep the nodes you need and rename their keys',
    device: DEVICE_COMMENT,
  });
}
