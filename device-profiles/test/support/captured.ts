import { readFileSync } from 'node:fs';
import type { DecodedFrame } from '../../src/index.ts';

/** PyPMS CSV column → field name of the Zenne bridges' decoded frames. */
const FIELD_OF_COLUMN: Record<string, string> = {
  pm01: 'pm1',
  pm25: 'pm2_5',
  pm10: 'pm10',
  raw01: 'pm1_cf1',
  raw25: 'pm2_5_cf1',
  raw10: 'pm10_cf1',
};

/**
 * Frames as a bridge would decode them from a real capture in test/fixtures/captured/
 * (PM columns only; `time` is seconds since the epoch).
 */
export function capturedFrames(name: string): DecodedFrame[] {
  const text = readFileSync(new URL(`../fixtures/captured/${name}`, import.meta.url), 'utf8');
  const [header, ...rows] = text.trim().split('\n').map((line) => line.split(',').map((cell) => cell.trim()));
  return rows.map((cells) => {
    const fields: Record<string, number> = {};
    let ts = new Date(Number.NaN);
    header!.forEach((column, i) => {
      if (column === 'time') ts = new Date(Number(cells[i]) * 1000);
      const field = FIELD_OF_COLUMN[column];
      if (field) fields[field] = Number(cells[i]);
    });
    return { fields, ts };
  });
}
