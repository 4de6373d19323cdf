import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** Every this many records a segment remembers the byte offset, so a read can start near any index. */
export const CHECKPOINT_INTERVAL = 128;

const SEGMENT_NAME = /^seg-(\d{16})\.log$/;

function segmentFileName(first: number): string {
  return `seg-${String(first).padStart(16, '0')}.log`;
}

/** The first record index encoded in a segment file name, or null for other files. */
export function parseSegmentFileName(name: string): number | null {
  const m = SEGMENT_NAME.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * One append-only file of the log, holding records `first .. first+count-1`.
 * `count` and `size` only cover records that are fsynced, so readers never see
 * a record that a crash could still take away.
 */
export class Segment {
  count = 0;
  size = 0;
  /** checkpoints[k] = byte offset of record `first + k * CHECKPOINT_INTERVAL`. */
  readonly checkpoints: number[] = [];
  /** Open for appending while this is the active (last) segment. */
  handle: FileHandle | undefined;

  constructor(
    readonly dir: string,
    readonly first: number,
  ) {}

  get path(): string {
    return join(this.dir, segmentFileName(this.first));
  }

  /** One past the last durable record. */
  get end(): number {
    return this.first + this.count;
  }

  /** Records a durable record of `bytes` bytes at the end. */
  grow(bytes: number): void {
    if (this.count % CHECKPOINT_INTERVAL === 0) this.checkpoints.push(this.size);
    this.count += 1;
    this.size += bytes;
  }

  /** Byte offset and index of the nearest checkpoint at or before `index`. */
  seek(index: number): { offset: number; index: number } {
    const k = Math.floor((index - this.first) / CHECKPOINT_INTERVAL);
    return { offset: this.checkpoints[k] ?? 0, index: this.first + k * CHECKPOINT_INTERVAL };
  }
}
