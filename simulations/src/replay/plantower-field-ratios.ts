import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simErrors } from '../errors.ts';
import type { PmValues } from './recorded-series.ts';

/** Real Plantower captures (simulations/data/pypms-captures/NOTICE). */
export const PYPMS_CAPTURES_DIR = new URL('../../data/pypms-captures/', import.meta.url).pathname;

type Base = 'pm2_5' | 'pm10' | 'pm1';

/**
 * How each PMS5003 frame field follows from the replayed PM2.5/PM10: the
 * field is `base × Σnumerator / Σdenominator` over a real capture, times
 * `wireScale` (PyPMS prints particle counts per cm³; the wire carries them per
 * 0.1 L = 100 cm³, PMS5003 manual v2.3 appendix I, data 7–12).
 *
 * Which capture for what:
 * - PMSx003.csv is a plain PMS5003/7003 frame with all six count bins, and
 *   its CF=1 values equal its atmospheric ones at 5–8 µg/m³, the regime of
 *   the replayed series: it gives the CF=1 ratios of PM2.5/PM10 and the counts.
 * - Its PM1 is 0 in every frame (integer µg/m³ at that low load); a ratio of 0
 *   would pin PM1 at zero and make it a stuck channel. PMS5003T.csv (the same
 *   optical engine plus T/RH) reads 19–23 µg/m³ PM1 at 32–35 µg/m³ PM2.5,
 *   so PM1/PM2.5 and PM1's CF=1 ratio come from it.
 */
const DERIVATIONS: ReadonlyArray<{ field: string; base: Base; capture: string; numerator: string; denominator: string; wireScale?: number }> = [
  { field: 'pm1', base: 'pm2_5', capture: 'PMS5003T.csv', numerator: 'pm01', denominator: 'pm25' },
  { field: 'pm1_cf1', base: 'pm1', capture: 'PMS5003T.csv', numerator: 'raw01', denominator: 'pm01' },
  { field: 'pm2_5_cf1', base: 'pm2_5', capture: 'PMSx003.csv', numerator: 'raw25', denominator: 'pm25' },
  { field: 'pm10_cf1', base: 'pm10', capture: 'PMSx003.csv', numerator: 'raw10', denominator: 'pm10' },
  { field: 'n0_3', base: 'pm2_5', capture: 'PMSx003.csv', numerator: 'n0_3', denominator: 'pm25', wireScale: 100 },
  { field: 'n0_5', base: 'pm2_5', capture: 'PMSx003.csv', numerator: 'n0_5', denominator: 'pm25', wireScale: 100 },
  { field: 'n1_0', base: 'pm2_5', capture: 'PMSx003.csv', numerator: 'n1_0', denominator: 'pm25', wireScale: 100 },
  { field: 'n2_5', base: 'pm2_5', capture: 'PMSx003.csv', numerator: 'n2_5', denominator: 'pm25', wireScale: 100 },
  { field: 'n5_0', base: 'pm2_5', capture: 'PMSx003.csv', numerator: 'n5_0', denominator: 'pm25', wireScale: 100 },
  { field: 'n10_0', base: 'pm2_5', capture: 'PMSx003.csv', numerator: 'n10_0', denominator: 'pm25', wireScale: 100 },
];

export interface PlantowerFieldRatio {
  field: string;
  base: Base;
  ratio: number;
}

/** Reads the captures and computes one ratio per derived field. Throws `ZENNE_ERR_SIM_CAPTURE_INVALID`. */
export function loadPlantowerFieldRatios(dir: string = PYPMS_CAPTURES_DIR): PlantowerFieldRatio[] {
  const columns = new Map<string, Map<string, number[]>>();
  const column = (capture: string, name: string): number[] => {
    let table = columns.get(capture);
    if (!table) {
      table = readCaptureCsv(join(dir, capture), capture);
      columns.set(capture, table);
    }
    const values = table.get(name);
    if (!values) throw simErrors.CAPTURE_INVALID({ file: capture, reason: `no column "${name}"` });
    return values;
  };
  return DERIVATIONS.map((d) => {
    const denominator = sum(column(d.capture, d.denominator));
    if (denominator <= 0) throw simErrors.CAPTURE_INVALID({ file: d.capture, reason: `column "${d.denominator}" sums to ${denominator}` });
    return { field: d.field, base: d.base, ratio: (sum(column(d.capture, d.numerator)) / denominator) * (d.wireScale ?? 1) };
  });
}

/** All twelve PMS5003 data fields (µg/m³ and counts per 0.1 L) from replayed PM2.5/PM10. */
export function plantowerFields(values: PmValues, ratios: readonly PlantowerFieldRatio[]): Record<string, number> {
  const fields: Record<string, number> = { pm2_5: values.pm2_5, pm10: values.pm10 };
  // DERIVATIONS lists pm1 before anything based on it.
  for (const r of ratios) fields[r.field] = fields[r.base]! * r.ratio;
  return fields;
}

function readCaptureCsv(path: string, file: string): Map<string, number[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw simErrors.CAPTURE_INVALID({ file, reason: 'cannot read the file' }, { cause });
  }
  const [head, ...rows] = text.trim().split(/\r?\n/);
  const names = (head ?? '').split(',').map((s) => s.trim());
  const table = new Map<string, number[]>(names.map((n) => [n, []]));
  for (const [i, row] of rows.entries()) {
    const cells = row.split(',').map((s) => Number(s.trim()));
    if (cells.length !== names.length || cells.some((c) => !Number.isFinite(c))) {
      throw simErrors.CAPTURE_INVALID({ file, reason: `line ${i + 2} is not ${names.length} numbers` });
    }
    names.forEach((n, j) => table.get(n)!.push(cells[j]!));
  }
  return table;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
