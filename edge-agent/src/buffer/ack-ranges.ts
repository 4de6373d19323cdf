/**
 * Which record indices are acknowledged: everything below `committed`, plus
 * disjoint ranges above it (acks may arrive out of order). Adding the range
 * that starts at `committed` moves `committed` over every range it now touches.
 */
export class AckRanges {
  // Sorted, disjoint, non-adjacent, all above `committed`: [from, to) pairs.
  private ranges: Array<[number, number]> = [];

  constructor(
    public committed: number,
    ranges: ReadonlyArray<readonly [number, number]> = [],
  ) {
    for (const [from, to] of ranges) this.add(from, to);
  }

  /** Marks [from, to) acknowledged; returns true when anything changed. */
  add(from: number, to: number): boolean {
    from = Math.max(from, this.committed);
    if (to <= from) return false;
    const merged: Array<[number, number]> = [];
    let current: [number, number] = [from, to];
    let changed = true;
    for (const range of this.ranges) {
      if (range[1] < current[0] || range[0] > current[1]) merged.push(range);
      else {
        if (range[0] <= current[0] && range[1] >= current[1]) changed = false;
        current = [Math.min(range[0], current[0]), Math.max(range[1], current[1])];
      }
    }
    merged.push(current);
    merged.sort((a, b) => a[0] - b[0]);
    if (merged[0]![0] <= this.committed) this.committed = merged.shift()![1];
    this.ranges = merged;
    return changed;
  }

  has(index: number): boolean {
    return index < this.committed || this.ranges.some(([from, to]) => index >= from && index < to);
  }

  /** The first index ≥ `index` that is not acknowledged. */
  nextUnacked(index: number): number {
    let i = Math.max(index, this.committed);
    for (const [from, to] of this.ranges) if (i >= from && i < to) i = to;
    return i;
  }

  /** Acknowledged indices above `committed`. */
  get pendingCount(): number {
    return this.ranges.reduce((sum, [from, to]) => sum + (to - from), 0);
  }

  toJSON(): Array<[number, number]> {
    return this.ranges.map(([from, to]) => [from, to]);
  }
}
