import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

/** PM2.5/PM10 pairs of the real Sensor.Community SDS011 series (node 5331), in recorded order. */
export function realPmSeries(): Array<{ pm2_5: number; pm10: number }> {
  const dir = join(root, 'simulations/data/sensor-community-5331');
  const out: Array<{ pm2_5: number; pm10: number }> = [];
  for (const f of readdirSync(dir).filter((n) => n.includes('sds011') && n.endsWith('.csv')).sort()) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').slice(1)) {
      const c = line.split(';');
      if (c.length > 9 && c[6] && c[9]) out.push({ pm2_5: Number(c[9]), pm10: Number(c[6]) });
    }
  }
  if (out.length === 0) throw new Error(`no readings found in ${dir}`);
  return out;
}
