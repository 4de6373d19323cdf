import type { Quantity, Reading } from '@zenne/device-profiles';
import { QUANTITIES } from '@zenne/device-profiles';

/**
 * A fleet with one device per published model, for the open-data tests.
 * Coordinates from OpenStreetMap: Place de la Monnaie, the Bourse, the
 * Hôtel de Ville on the Grand-Place, and Place Flagey (about 2.7 km south-east).
 */
export const OPEN_DATA_GATEWAY = { id: 'gw-opendata', secret: 'opendata-secret' };

export const OPEN_DATA_FLEET_YAML = `
sites:
  - { id: brussels-centre, name: Brussels centre }
  - { id: ixelles, name: Ixelles }
buildings:
  - { id: hotel-de-ville, site: brussels-centre, name: "Hôtel de Ville", location: { lon: 4.3516, lat: 50.8463, height: 0 } }
gateways:
  - { id: ${OPEN_DATA_GATEWAY.id}, site: brussels-centre, secret: "${OPEN_DATA_GATEWAY.secret}" }
devices:
  - { id: aq-monnaie-01, gateway: gw-opendata, profile: nova-sds011, name: "Place de la Monnaie 1",
      site: brussels-centre, street: "Rue des Fripiers", location: { lon: 4.352853, lat: 50.849402, height: 3 } }
  - { id: aq-flagey-01, gateway: gw-opendata, profile: plantower-pms5003, name: "Place Flagey",
      site: ixelles, location: { lon: 4.3720, lat: 50.8275, height: 3 } }
  - { id: lamp-fripiers-01, gateway: gw-opendata, profile: generic-modbus-lamp-controller, name: "Lamp Rue des Fripiers 12",
      site: brussels-centre, street: "Rue des Fripiers", location: { lon: 4.3526, lat: 50.8490, height: 6 } }
  - { id: pc-bourse-entrance, gateway: gw-opendata, profile: generic-line-counter-serial, name: "Bourse staff entrance counter",
      site: brussels-centre, street: "Boulevard Anspach", location: { lon: 4.3490, lat: 50.8484, height: 3 } }
  - { id: meter-cabinet-01, gateway: gw-opendata, profile: eastron-sdm630, name: "Street cabinet Fripiers",
      site: brussels-centre, location: { lon: 4.3529, lat: 50.8492, height: 1 } }
  - { id: meter-kiosk-01, gateway: gw-opendata, profile: eastron-sdm120, name: "Kiosk Monnaie",
      site: brussels-centre, location: { lon: 4.3531, lat: 50.8496, height: 1 } }
  - { id: room-council-01, gateway: gw-opendata, profile: sht20-xy-md02, name: "Council room",
      site: brussels-centre, building: hotel-de-ville, location: { lon: 4.3516, lat: 50.8463, height: 8 } }
`;

/** The people counter's registry id and name must never be public. */
export const PEOPLE_COUNTER = { id: 'pc-bourse-entrance', name: 'Bourse staff entrance counter' };

/** 2026-11-23T08:00Z: start of the fixture day (a bucket boundary). */
export const T0 = Date.UTC(2026, 10, 23, 8, 0, 0, 0);
const MINUTE = 60_000;

/** Flows per minute in three quarter-hours, chosen around the default threshold of 5. */
const PEOPLE_BUCKETS = [
  // 08:00-08:15: in 20, out 12 → everything shown.
  { start: T0, in: [6, 5, 4, 5], out: [4, 4, 4] },
  // 08:15-08:30: in 3, out 1 → total 4 < 5, suppressed.
  { start: T0 + 15 * MINUTE, in: [1, 2], out: [1] },
  // 08:30-08:45: in 10, out 2 → total 12 shown, the split hidden (out < 5).
  { start: T0 + 30 * MINUTE, in: [4, 6], out: [2] },
];

let seq = T0 * 1000;

function reading(device: string, quantity: Quantity, value: number, at: number): Reading {
  return { device, quantity, value, unit: QUANTITIES[quantity].unit, ts: new Date(at).toISOString(), seq: seq++, quality: 'good' };
}

/** Every reading of the fixture, for one uplink batch. */
export function openDataReadings(): Reading[] {
  const out: Reading[] = [];
  for (let i = 0; i < 10; i++) {
    out.push(reading('aq-monnaie-01', 'pm2_5', 10 + i, T0 + i * MINUTE), reading('aq-monnaie-01', 'pm10', 18 + i, T0 + i * MINUTE));
  }
  // A fault flagged by the normaliser between two good readings: never published.
  out.push({ ...reading('aq-monnaie-01', 'pm2_5', 999.9, T0 + 2.5 * MINUTE), quality: 'bad', reasons: ['sensor_fault'] });
  out.push(
    reading('aq-flagey-01', 'pm1', 5.0, T0),
    reading('aq-flagey-01', 'pm2_5', 8.0, T0),
    reading('aq-flagey-01', 'pm10', 12.0, T0),
    reading('lamp-fripiers-01', 'lamp_level', 70, T0),
    reading('lamp-fripiers-01', 'lamp_power', 45.5, T0),
    reading('lamp-fripiers-01', 'energy', 123_456, T0),
    reading('lamp-fripiers-01', 'burning_hours', 1234, T0),
    reading('lamp-fripiers-01', 'lamp_faults', 0, T0),
    // Column door open and lantern failure at once: the column issue is the one reported.
    reading('lamp-fripiers-01', 'lamp_faults', 6, T0 + MINUTE),
    reading('meter-cabinet-01', 'active_power', 5400, T0),
    reading('meter-cabinet-01', 'power_factor', 0.95, T0),
    reading('meter-cabinet-01', 'frequency', 50.01, T0),
    reading('meter-cabinet-01', 'energy', 1_234_567, T0),
    reading('meter-cabinet-01', 'energy_export', 0, T0),
    reading('meter-cabinet-01', 'voltage', 231.2, T0),
    reading('meter-kiosk-01', 'voltage', 230.1, T0),
    reading('meter-kiosk-01', 'current', 2.1, T0),
    reading('meter-kiosk-01', 'active_power', 480, T0),
    reading('meter-kiosk-01', 'power_factor', 0.98, T0),
    reading('meter-kiosk-01', 'frequency', 50, T0),
    reading('meter-kiosk-01', 'energy', 9876, T0),
    reading('room-council-01', 'temperature', 21.5, T0),
    reading('room-council-01', 'humidity', 45, T0),
  );
  for (const bucket of PEOPLE_BUCKETS) {
    bucket.in.forEach((v, i) => out.push(reading(PEOPLE_COUNTER.id, 'people_flow_in', v, bucket.start + (i + 1) * MINUTE)));
    bucket.out.forEach((v, i) => out.push(reading(PEOPLE_COUNTER.id, 'people_flow_out', v, bucket.start + (i + 1) * MINUTE)));
    // Occupancy is never published: small values that must not appear anywhere.
    out.push(reading(PEOPLE_COUNTER.id, 'people_count', 2, bucket.start + 2 * MINUTE));
  }
  return out;
}
