import type { Reading } from '@zenne/device-profiles';

/** The dedupe key of the ReadingStore contract: (device, scenario, seq); real data has the empty scenario. */
export function readingKey(r: { device: string; scenario?: string | null; seq: number | bigint }): string {
  return `${r.device}\u0000${r.scenario ?? ''}\u0000${r.seq}`;
}

/**
 * Splits a batch by key, as the contract demands ("within one writeBatch the
 * first occurrence of a key wins"): Map(key -> index of its first occurrence),
 * in batch order, and the indexes of the later occurrences, ascending.
 */
export function firstOccurrences(readings: readonly Reading[]): { firstIndexByKey: Map<string, number>; duplicateIndexes: number[] } {
  const firstIndexByKey = new Map<string, number>();
  const duplicateIndexes: number[] = [];
  readings.forEach((r, idx) => {
    const key = readingKey(r);
    if (firstIndexByKey.has(key)) duplicateIndexes.push(idx);
    else firstIndexByKey.set(key, idx);
  });
  return { firstIndexByKey, duplicateIndexes };
}
