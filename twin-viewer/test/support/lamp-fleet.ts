import { readFile, writeFile } from 'node:fs/promises';
import type { Reading } from '@zenne/device-profiles';
import { parse, stringify } from 'yaml';
import { luminaireSpecSchema } from '../../../simulations/src/devices/lamp-controller/luminaire.ts';
import { centralBrusselsLampPosts, type LampPost } from '../../../simulations/src/fleet/lamp-posts.ts';
import type { SequenceNumbers } from './gateway.ts';

export const LAMP_PROFILE = 'generic-modbus-lamp-controller';
/** The luminaire the lamp-controller simulator models by default (100 W rated, 0.5 W standby). */
const LUMINAIRE = luminaireSpecSchema.parse({});

/** The lamp posts around Place de la Monnaie (simulations/src/fleet/lamp-posts.ts), one controller each. */
export function lampPosts(): LampPost[] {
  return centralBrusselsLampPosts();
}

/**
 * Writes `target`: the fixture seed with one lamp controller per lamp post added, on `gateway`.
 * The device id is the post's id; its street is the post's street.
 */
export async function writeSeedWithLamps(fixture: string, target: string, gateway: string, posts: readonly LampPost[]): Promise<void> {
  const seed = parse(await readFile(fixture, 'utf8')) as { sites: Array<{ id: string }>; devices: unknown[] };
  const site = seed.sites[0]!.id;
  for (const post of posts) {
    seed.devices.push({ id: post.id, gateway, profile: LAMP_PROFILE, name: post.name, site, street: post.street, location: post.location });
  }
  await writeFile(target, stringify(seed));
}

/** The night profile of issue 5: 100 % at dusk, 70 % from 20:00, 50 % from 22:00, 100 % from 05:00, off by day. */
export function nightProfileLevel(at: Date): number {
  const [h, m] = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Brussels', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(at)
    .split(':')
    .map(Number) as [number, number];
  const minute = h * 60 + m;
  // Late November in Brussels: lit from about 16:45 to 08:15.
  if (minute >= 8 * 60 + 15 && minute < 16 * 60 + 45) return 0;
  if (minute >= 22 * 60 || minute < 5 * 60) return 50;
  if (minute >= 20 * 60) return 70;
  return 100;
}

/** Power of the simulator's luminaire at a level: linear from standby to rated (luminaire.ts). */
export function powerAt(level: number): number {
  return level === 0 ? LUMINAIRE.standby_power_w : LUMINAIRE.standby_power_w + ((LUMINAIRE.rated_power_w - LUMINAIRE.standby_power_w) * level) / 100;
}

export interface LampState {
  level: number;
  faults?: number;
  quality?: Reading['quality'];
}

/** The five readings a lamp controller reports at `ts`, as the edge would send them. */
export function lampReadings(seq: SequenceNumbers, device: string, state: LampState, ts: Date, counters = { energyWh: 812_345, onTimeH: 21_873 }): Reading[] {
  const quality = state.quality ?? 'good';
  const base = { device, ts: ts.toISOString() };
  const reasons = quality === 'good' ? {} : { reasons: ['out_of_plausible_range' as const] };
  return [
    { ...base, quantity: 'lamp_level', value: state.level, unit: '%', seq: seq.take(device), quality, ...reasons },
    { ...base, quantity: 'lamp_power', value: powerAt(state.level), unit: 'W', seq: seq.take(device), quality: 'good' },
    { ...base, quantity: 'energy', value: counters.energyWh, unit: 'Wh', seq: seq.take(device), quality: 'good' },
    { ...base, quantity: 'burning_hours', value: counters.onTimeH, unit: 'h', seq: seq.take(device), quality: 'good' },
    { ...base, quantity: 'lamp_faults', value: state.faults ?? 0, unit: '{flags}', seq: seq.take(device), quality: 'good' },
  ];
}

/**
 * 24 h of one lamp every 10 minutes on the night profile, ending `now`, with energy and lamp
 * time integrated from its power and level.
 */
export function lampDay(seq: SequenceNumbers, device: string, now: Date): Reading[] {
  const stepMs = 10 * 60_000;
  const out: Reading[] = [];
  let energyWh = 812_000;
  let onTimeH = 21_860;
  for (let t = now.getTime() - 24 * 3_600_000; t < now.getTime() - stepMs / 2; t += stepMs) {
    const level = nightProfileLevel(new Date(t));
    energyWh += (powerAt(level) * stepMs) / 3_600_000;
    if (level > 0) onTimeH += stepMs / 3_600_000;
    out.push(...lampReadings(seq, device, { level }, new Date(t), { energyWh: Math.round(energyWh), onTimeH: Math.round(onTimeH * 100) / 100 }));
  }
  return out;
}
