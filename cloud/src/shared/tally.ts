/**
 * Counts by reason, with every reason present from the start so a stats
 * reader sees zeros rather than missing keys.
 */
export class Tally<K extends string> {
  private readonly counts: Record<K, number>;

  constructor(reasons: readonly K[]) {
    this.counts = Object.fromEntries(reasons.map((r) => [r, 0])) as Record<K, number>;
  }

  add(reason: K, n = 1): void {
    this.counts[reason] += n;
  }

  get total(): number {
    return Object.values<number>(this.counts).reduce((a, b) => a + b, 0);
  }

  toJSON(): Record<K, number> {
    return { ...this.counts };
  }
}
