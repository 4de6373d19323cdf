import { join } from 'node:path';
import { simErrors } from '../errors.ts';
import type { Fleet, FleetDevice } from './fleet-schema.ts';
import { lambert72ToWgs84 } from './lambert72.ts';
import { loadStreetAxes, URBIS_DIR, type StreetAxis } from './street-axes.ts';

/** Sensors per street for one gateway, all taken from one UrbIS cell. */
export interface GatewayPlan {
  id: string;
  name: string;
  /** Short area tag used in device ids: `aq-<area>-01`. */
  area: string;
  /** Folder under simulations/data/urbis/. */
  cell: string;
  streets: Array<{ street: string; sensors: number }>;
}

/**
 * The Brussels demo: two gateways in the pentagon's centre, 12 sensors each,
 * on the streets a pedestrian walks between De Brouckère and the Grand-Place.
 */
export const BRUSSELS_DEMO_PLAN: { site: Fleet['site']; gateways: GatewayPlan[] } = {
  site: { id: 'brussels-centre', name: 'Brussels centre' },
  gateways: [
    {
      id: 'gw-monnaie',
      name: 'Place de la Monnaie',
      area: 'monnaie',
      cell: 'bxl-e148500-n171000',
      streets: [
        { street: 'Place de la Monnaie', sensors: 3 },
        { street: 'Rue Neuve', sensors: 2 },
        { street: 'Place De Brouckère', sensors: 2 },
        { street: 'Boulevard Anspach', sensors: 2 },
        { street: 'Rue du Fossé aux Loups', sensors: 1 },
        { street: "Rue de l'Evêque", sensors: 1 },
        { street: 'Rue des Fripiers', sensors: 1 },
      ],
    },
    {
      id: 'gw-grand-place',
      name: 'Bourse – Grand-Place',
      area: 'grand-place',
      cell: 'bxl-e148500-n170500',
      streets: [
        { street: 'Place de la Bourse', sensors: 1 },
        { street: 'Grand-Place', sensors: 3 },
        { street: 'Rue des Bouchers', sensors: 2 },
        { street: 'Petite rue des Bouchers', sensors: 1 },
        { street: 'Rue du Marché aux Herbes', sensors: 2 },
        { street: 'Rue au Beurre', sensors: 1 },
        { street: 'Rue Charles Buls', sensors: 1 },
        { street: 'Rue de la Colline', sensors: 1 },
      ],
    },
  ],
};

/** Lamp-post mount height above the street (m). */
export const MOUNT_HEIGHT_M = 3;
/** Alternating kinds give the demo both wire protocols on every street. */
const KINDS = ['sds011', 'pms5003'] as const;
/** Days in the replayed Sensor.Community series (simulations/src/replay). */
const SERIES_DAYS = 14;

/**
 * Places every planned sensor on its street's centre line: the ground-level
 * axes carrying that STRNAMEFRE (ordered by INSPIRE_ID) are walked as one
 * line and the street's n sensors stand at (k + ½)/n of its length.
 * Deterministic: the same plan and data give the same fleet.
 */
export function placeFleet(plan = BRUSSELS_DEMO_PLAN, urbisDir = URBIS_DIR): Fleet {
  let globalIndex = 0;
  const gateways = plan.gateways.map((gw) => {
    const file = join(urbisDir, gw.cell, 'street_axes.geojson');
    const cell = loadStreetAxes(file);
    const devices: FleetDevice[] = [];
    for (const { street, sensors } of gw.streets) {
      const axes = cell.axes.filter((a) => a.nameFr === street && a.level === 0).sort((a, b) => a.id.localeCompare(b.id));
      if (axes.length === 0) throw simErrors.STREET_NOT_FOUND({ street, file });
      const total = axes.reduce((s, a) => s + axisLength(a), 0);
      for (let k = 0; k < sensors; k++) {
        const p = pointAlong(axes, ((k + 0.5) / sensors) * total);
        const wgs = lambert72ToWgs84(p.x, p.y);
        const n = devices.length + 1;
        // Phases spread the 24 sensors over the 14 days (5 is coprime with 14)
        // and a few minutes, so neighbours differ yet replay real hours.
        const i = globalIndex++;
        devices.push({
          id: `aq-${gw.area}-${String(n).padStart(2, '0')}`,
          kind: KINDS[(n - 1) % KINDS.length]!,
          name: sensors > 1 ? `${street} ${k + 1}` : street,
          street,
          street_nl: axes[0]!.nameNl,
          location: { lon: round(wgs.lon, 7), lat: round(wgs.lat, 7), height: MOUNT_HEIGHT_M },
          lambert72: { x: round(p.x, 2), y: round(p.y, 2) },
          replay: { phase_days: (i * 5) % SERIES_DAYS, phase_minutes: (i * 7) % 23 },
        });
      }
    }
    return { id: gw.id, name: gw.name, devices };
  });
  return { site: plan.site, gateways };
}

function axisLength(axis: StreetAxis): number {
  let len = 0;
  for (let i = 1; i < axis.points.length; i++) {
    len += Math.hypot(axis.points[i]!.x - axis.points[i - 1]!.x, axis.points[i]!.y - axis.points[i - 1]!.y);
  }
  return len;
}

function pointAlong(axes: readonly StreetAxis[], distance: number): { x: number; y: number } {
  let left = distance;
  for (const axis of axes) {
    for (let i = 1; i < axis.points.length; i++) {
      const a = axis.points[i - 1]!;
      const b = axis.points[i]!;
      const len = Math.hypot(b.x - a.x, b.y - a.y);
      if (left <= len && len > 0) return { x: a.x + ((b.x - a.x) * left) / len, y: a.y + ((b.y - a.y) * left) / len };
      left -= len;
    }
  }
  const last = axes.at(-1)!.points.at(-1)!;
  return { x: last.x, y: last.y };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
