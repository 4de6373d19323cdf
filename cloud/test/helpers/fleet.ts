import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading } from '@zenne/device-profiles';

/** Two gateways with two SDS011 devices each, around Place de la Monnaie (coordinates from OpenStreetMap). */
export const FLEET_YAML = `
sites:
  - { id: brussels-centre, name: Brussels centre }
gateways:
  - { id: gw-monnaie, site: brussels-centre, secret: "monnaie-secret" }
  - { id: gw-bourse, site: brussels-centre, secret: "bourse-secret" }
devices:
  - { id: aq-monnaie-01, gateway: gw-monnaie, profile: nova-sds011, name: "Place de la Monnaie 1",
      site: brussels-centre, street: "Rue des Fripiers", location: { lon: 4.352853, lat: 50.849402, height: 3 } }
  - { id: aq-monnaie-02, gateway: gw-monnaie, profile: nova-sds011, name: "Place de la Monnaie 2",
      site: brussels-centre, location: { lon: 4.3533, lat: 50.8499, height: 3 } }
  - { id: aq-bourse-01, gateway: gw-bourse, profile: plantower-pms5003, name: "Place de la Bourse",
      site: brussels-centre, street: "Boulevard Anspach", location: { lon: 4.3490, lat: 50.8484, height: 4 } }
`;

export const SECRETS: Record<string, string> = { 'gw-monnaie': 'monnaie-secret', 'gw-bourse': 'bourse-secret' };

export async function writeFleet(dir: string, yaml = FLEET_YAML): Promise<string> {
  const file = join(dir, 'fleet.yaml');
  await writeFile(file, yaml);
  return file;
}

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0, 0);
let nextSeq = T0 * 1000;

/** A good pm2_5 reading with a fresh seq, `offsetS` seconds after 2026-11-23T08:00Z. */
export function pm25(device: string, value: number, offsetS = 0, fields: Partial<Reading> = {}): Reading {
  return {
    device,
    quantity: 'pm2_5',
    value,
    unit: 'ug/m3',
    ts: new Date(T0 + offsetS * 1000).toISOString(),
    seq: nextSeq++,
    quality: 'good',
    ...fields,
  };
}

export function batchOf(gateway: string, batch: string, readings: unknown[]) {
  return { v: 1, gateway, batch, sent: new Date().toISOString(), readings };
}
