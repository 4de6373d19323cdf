import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readingDraftSchema, type Reading, type ReadingDraft } from '@zenne/device-profiles';
import { agentErrors } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { AckRanges } from './ack-ranges.ts';
import { syncDir, writeFileAtomic } from '../atomic-file.ts';
import { lockDir } from './dir-lock.ts';
import { decodeRecord, encodeRecord } from './record-codec.ts';
import { parseSegmentFileName, Segment } from './segment.ts';

const STATE_FILE = 'state.json';
const DEFAULT_SEGMENT_MAX_BYTES = 8 * 1024 * 1024;
const READ_CHUNK_BYTES = 256 * 1024;
/** With a size limit, segments are this fraction of it, so dropping the oldest one frees a small slice. */
const SEGMENTS_PER_LIMIT = 8;
const MIN_SEGMENT_BYTES = 4 * 1024;
/** An overflow episode ends once the buffer is back under this fraction of its limit. */
const OVERFLOW_CLEARED_FRACTION = 0.9;

/** What happens when an append would take the buffer over `maxBytes`. */
export const bufferFullPolicies = ['drop_oldest'] as const;
export type BufferFullPolicy = (typeof bufferFullPolicies)[number];
/** Why readings handed to append() were not buffered. */
export type LossReason = 'disk_full' | 'io_error';

/**
 * state.json: what the log alone cannot tell after a restart. `committed` is
 * the first record not yet acknowledged, `acked` the acknowledged ranges
 * above it, `next_seq` the next sequence number per device (needed once the
 * records that carried the last one are deleted).
 */
const bufferStateSchema = z.strictObject({
  v: z.literal(1),
  committed: z.number().int().nonnegative(),
  acked: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])),
  next_seq: z.record(z.string(), z.number().int().nonnegative()),
});

export interface BufferOptions {
  /**
   * Bytes of segment files the buffer may hold (unbounded when absent). An
   * append that would go beyond it first applies `fullPolicy`.
   */
  maxBytes?: number;
  /** `drop_oldest` (the only policy so far): delete the oldest segments, counting their unsent readings. */
  fullPolicy?: BufferFullPolicy;
  /** A segment file is closed and a new one started beyond this size (default 8 MiB, or maxBytes / 8). */
  segmentMaxBytes?: number;
  logger?: Logger;
  /** Wall clock in ms (seq start values, oldest age). */
  now?: () => number;
}

/** A buffered reading with its position in the log and its JSON as stored. */
export interface BufferedRecord {
  index: number;
  reading: Reading;
  json: string;
}

export interface BufferStats {
  /** Readings not yet acknowledged. */
  depth: number;
  /** Readings appended since open. */
  appended: number;
  /** Readings acknowledged since open. */
  acknowledged: number;
  /** Partly written records cut off at open (a crash or power cut during a write). */
  torn_records: number;
  /** Readings lost to damage found in the middle of the log at open. */
  damaged_records: number;
  segments: number;
  bytes: number;
  /** Unsent readings deleted by the full policy since open. */
  dropped_readings: number;
  /** Bytes of segment files deleted by the full policy since open. */
  dropped_bytes: number;
  /** Observation time of the oldest reading the full policy dropped; null when none was. */
  oldest_dropped_ts: string | null;
  /** Map(reason -> readings handed to append() that could not be written). */
  lost_readings: Partial<Record<LossReason, number>>;
}

interface PendingAppend {
  items: Array<{ drafts: ReadingDraft[]; resolve: (readings: Reading[]) => void; reject: (err: unknown) => void }>;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The agent's durable reading buffer: an append-only log of segment files
 * (`seg-<first index>.log`, records framed by length + CRC-32) in one folder.
 *
 * Lifecycle and guarantees:
 * - `open()` takes the folder's lock, recovers (cuts off a torn last record,
 *   restores sequence counters) and never loses a record whose append resolved.
 * - `append()` gives each reading the next `seq` of its device and resolves
 *   once the records are fsynced; concurrent appends share one fsync.
 * - `read()` returns unacknowledged records in log order; `ack()` marks a
 *   range acknowledged (in any order) and resolves once that is durable:
 *   acknowledged records are never returned again, even after a restart.
 * - Segments whose records are all acknowledged are deleted.
 * - With `maxBytes`, an append that would exceed it first deletes the oldest
 *   segments (`drop_oldest`), counted in stats() and warned once per episode.
 * - A failed write (ENOSPC included) rejects that append with nothing of it
 *   left in the log (cut off, or a torn record cut at the next open); later
 *   appends work again as soon as the disk does.
 * - `close()` waits for pending writes and releases the lock.
 */
export class DurableBuffer {
  private readonly segments: Segment[];
  private readonly acks: AckRanges;
  // Map(device -> next seq to give)
  private readonly nextSeq: Map<string, number>;
  private readonly segmentMaxBytes: number;
  private readonly log: Logger;
  private readonly now: () => number;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: PendingAppend | null = null;
  private readonly listeners = new Set<() => void>();
  private closed = false;
  private oldest: { index: number; ts: number } | undefined;
  private readonly counters: {
    appended: number;
    acknowledged: number;
    torn_records: number;
    damaged_records: number;
    dropped_readings: number;
    dropped_bytes: number;
  };
  private oldestDroppedTs: string | null = null;
  private readonly lost: Partial<Record<LossReason, number>> = {};
  private readonly maxBytes: number | undefined;
  private readonly fullPolicy: BufferFullPolicy;
  /** Readings dropped in the current overflow episode; undefined while not overflowing. */
  private overflow: { dropped: number } | undefined;
  private writeFailing = false;

  private constructor(
    readonly dir: string,
    init: { segments: Segment[]; acks: AckRanges; nextSeq: Map<string, number>; torn: number; damaged: number },
    options: BufferOptions,
    private readonly unlock: () => Promise<void>,
  ) {
    this.segments = init.segments;
    this.acks = init.acks;
    this.nextSeq = init.nextSeq;
    this.maxBytes = options.maxBytes;
    this.fullPolicy = options.fullPolicy ?? 'drop_oldest';
    this.segmentMaxBytes =
      options.segmentMaxBytes ??
      (options.maxBytes === undefined
        ? DEFAULT_SEGMENT_MAX_BYTES
        : Math.min(DEFAULT_SEGMENT_MAX_BYTES, Math.max(MIN_SEGMENT_BYTES, Math.floor(options.maxBytes / SEGMENTS_PER_LIMIT))));
    this.log = options.logger ?? silentLogger();
    this.now = options.now ?? Date.now;
    this.counters = {
      appended: 0,
      acknowledged: 0,
      torn_records: init.torn,
      damaged_records: init.damaged,
      dropped_readings: 0,
      dropped_bytes: 0,
    };
  }

  /** Opens (creating if needed) the buffer in `dir` and recovers it. */
  static async open(dir: string, options: BufferOptions = {}): Promise<DurableBuffer> {
    const log = options.logger ?? silentLogger();
    await mkdir(dir, { recursive: true });
    const unlock = await lockDir(dir);
    try {
      const state = await readState(dir);
      const acks = new AckRanges(state.committed, state.acked);
      const nextSeq = new Map(Object.entries(state.next_seq));
      const names = (await readdir(dir)).sort();
      for (const name of names) if (name.endsWith('.tmp')) await rm(join(dir, name), { force: true });
      const firsts = names.map(parseSegmentFileName).filter((n): n is number => n !== null);
      const segments: Segment[] = [];
      let torn = 0;
      let damaged = 0;
      for (const [i, first] of firsts.entries()) {
        const segment = new Segment(dir, first);
        const isLast = i === firsts.length - 1;
        const scan = await scanSegment(segment, nextSeq);
        if (scan.badOffset !== undefined) {
          const file = segment.path;
          const handle = await open(file, 'r+');
          await handle.truncate(scan.badOffset);
          await handle.sync();
          await handle.close();
          if (isLast) {
            torn += 1;
            const error = agentErrors.BUFFER_TORN_RECORD({ file, bytes: scan.fileSize - scan.badOffset });
            log.warn({ code: error.code, hint: error.hint }, error.message);
          } else {
            const lost = firsts[i + 1]! - segment.end;
            damaged += lost;
            const error = agentErrors.BUFFER_CORRUPT_SEGMENT({ file, offset: scan.badOffset, lost });
            log.error({ code: error.code, hint: error.hint, reason: scan.reason }, error.message);
          }
        }
        const previous = segments.at(-1);
        if (previous && previous.end > segment.first) {
          throw agentErrors.BUFFER_STATE_INVALID({ file: segment.path, reason: `overlaps ${previous.path}` });
        }
        // Records missing between two segments (damage above) can never be sent: count them as acknowledged.
        if (previous && previous.end < segment.first) acks.add(previous.end, segment.first);
        segments.push(segment);
      }
      // Segments acknowledged before a crash but not yet deleted.
      while (segments.length > 1 && segments[0]!.end <= acks.committed) {
        await rm(segments.shift()!.path, { force: true });
      }
      const nextIndex = Math.max(acks.committed, segments.at(-1)?.end ?? 0);
      const last = segments.at(-1);
      if (last && last.end === nextIndex) {
        last.handle = await open(last.path, 'r+');
      } else {
        segments.push(await createSegment(dir, nextIndex));
      }
      const buffer = new DurableBuffer(dir, { segments, acks, nextSeq, torn, damaged }, options, unlock);
      log.info({ dir, depth: buffer.depth(), segments: segments.length, torn_records: torn, damaged_records: damaged }, 'buffer open');
      return buffer;
    } catch (err) {
      await unlock();
      throw err;
    }
  }

  /** One past the last durable record. */
  get nextIndex(): number {
    return this.segments.at(-1)!.end;
  }

  /** Index of the oldest record not yet acknowledged (= nextIndex when empty). */
  firstUnacked(): number {
    return this.acks.nextUnacked(this.acks.committed);
  }

  depth(): number {
    return this.nextIndex - this.acks.committed - this.acks.pendingCount;
  }

  /** Seconds since the observation time of the oldest unacknowledged reading; null when empty. */
  async oldestAge(): Promise<number | null> {
    const index = this.firstUnacked();
    if (index >= this.nextIndex) return null;
    if (this.oldest?.index !== index) {
      const [record] = await this.read(index, { maxRecords: 1, maxBytes: Number.POSITIVE_INFINITY });
      if (!record) return null;
      this.oldest = { index: record.index, ts: Date.parse(record.reading.ts) };
    }
    return Math.max(0, (this.now() - this.oldest.ts) / 1000);
  }

  stats(): BufferStats {
    return {
      depth: this.depth(),
      ...this.counters,
      segments: this.segments.length,
      bytes: this.bytes(),
      oldest_dropped_ts: this.oldestDroppedTs,
      lost_readings: { ...this.lost },
    };
  }

  private bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  /** Calls `listener` after every durable append; returns the unsubscribe function. */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends readings (given their `seq` here) and resolves with them once they
   * are on disk. Rejects with ZENNE_ERR_AGENT_BUFFER_READING_INVALID when a
   * draft is not a valid ReadingDraft (nothing of that call is written).
   */
  append(drafts: ReadingDraft[]): Promise<Reading[]> {
    if (this.closed) return Promise.reject(agentErrors.BUFFER_CLOSED());
    for (const draft of drafts) {
      const checked = readingDraftSchema.safeParse(draft);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        return Promise.reject(
          agentErrors.BUFFER_READING_INVALID({
            device: String((draft as { device?: unknown }).device),
            reason: `${issue?.path.join('.')}: ${issue?.message}`,
          }),
        );
      }
    }
    if (drafts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      if (!this.pending) {
        const batch: PendingAppend = { items: [] };
        this.pending = batch;
        void this.exclusive(async () => {
          this.pending = null;
          await this.write(batch);
        });
      }
      this.pending.items.push({ drafts, resolve, reject });
    });
  }

  /**
   * Unacknowledged records from index `from` on, in log order, up to
   * `maxRecords` and `maxBytes` of JSON (at least one record when any is left).
   */
  async read(from: number, limits: { maxRecords: number; maxBytes: number }): Promise<BufferedRecord[]> {
    const out: BufferedRecord[] = [];
    let bytes = 0;
    let index = this.acks.nextUnacked(from);
    while (out.length < limits.maxRecords && index < this.nextIndex) {
      const segment = this.segments.find((s) => index >= s.first && index < s.end);
      if (!segment) break;
      const start = segment.seek(index);
      let handle;
      try {
        handle = await open(segment.path, 'r');
      } catch (err) {
        // Deleted meanwhile because everything in it was acknowledged: move on.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          index = this.acks.nextUnacked(Math.max(index, segment.end));
          continue;
        }
        throw err;
      }
      let cursor = start.index;
      try {
        let chunk = Buffer.alloc(0);
        let chunkAt = start.offset;
        let offset = start.offset;
        const end = segment.end;
        while (cursor < end) {
          const decoded = decodeRecord(chunk, offset - chunkAt);
          if (decoded.kind === 'incomplete') {
            const have = chunkAt + chunk.length;
            const want = Math.min(READ_CHUNK_BYTES, segment.size - have);
            if (want <= 0) throw new Error(`segment ${segment.path} is shorter than its records`);
            const more = Buffer.allocUnsafe(want);
            const { bytesRead } = await handle.read(more, 0, want, have);
            chunk = Buffer.concat([chunk.subarray(offset - chunkAt), more.subarray(0, bytesRead)]);
            chunkAt = offset;
            continue;
          }
          if (decoded.kind === 'damaged') {
            throw agentErrors.BUFFER_CORRUPT_SEGMENT({ file: segment.path, offset, lost: end - cursor }, { cause: decoded.reason });
          }
          offset = chunkAt + decoded.end;
          if (cursor >= index && !this.acks.has(cursor)) {
            if (out.length > 0 && bytes + decoded.json.length > limits.maxBytes) return out;
            out.push({ index: cursor, reading: JSON.parse(decoded.json) as Reading, json: decoded.json });
            bytes += decoded.json.length;
            if (out.length >= limits.maxRecords) return out;
          }
          cursor += 1;
        }
      } finally {
        await handle.close();
      }
      index = this.acks.nextUnacked(cursor);
    }
    return out;
  }

  /**
   * Marks records [from, to) acknowledged and resolves once that is durable;
   * then deletes segments with nothing left to send. Acks may come in any
   * order and may repeat.
   */
  ack(from: number, to: number): Promise<void> {
    if (this.closed) return Promise.reject(agentErrors.BUFFER_CLOSED());
    if (to > this.nextIndex || from < 0 || to < from) {
      return Promise.reject(new RangeError(`ack [${from}, ${to}) outside the log [0, ${this.nextIndex})`));
    }
    return this.exclusive(async () => {
      const before = this.depth();
      if (!this.acks.add(from, to)) return;
      this.counters.acknowledged += before - this.depth();
      await this.saveState();
      while (this.segments.length > 1 && this.segments[0]!.end <= this.acks.committed) {
        await rm(this.segments.shift()!.path, { force: true });
      }
      if (this.overflow && this.maxBytes !== undefined && this.bytes() <= this.maxBytes * OVERFLOW_CLEARED_FRACTION) {
        this.log.info({ dir: this.dir, dropped_readings: this.overflow.dropped, bytes: this.bytes() }, 'buffer below its limit again');
        this.overflow = undefined;
      }
    });
  }

  /** Waits for pending appends and acks, then releases the folder. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exclusive(async () => {
      await this.segments.at(-1)?.handle?.close();
    });
    await this.unlock();
  }

  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(batch: PendingAppend): Promise<void> {
    const results: Reading[][] = [];
    const records: Buffer[] = [];
    for (const { drafts } of batch.items) {
      const readings = drafts.map((draft): Reading => {
        const seq = this.nextSeq.get(draft.device) ?? this.now() * 1000;
        this.nextSeq.set(draft.device, seq + 1);
        return { ...draft, seq };
      });
      results.push(readings);
      for (const reading of readings) records.push(encodeRecord(JSON.stringify(reading)));
    }
    const total = records.reduce((sum, r) => sum + r.length, 0);
    try {
      if (this.maxBytes !== undefined && this.bytes() + total > this.maxBytes) await this.makeRoom(total, this.maxBytes);
      let segment = this.segments.at(-1)!;
      if (segment.count > 0 && segment.size + total > this.segmentMaxBytes) segment = await this.rollOver();
      const bytes = Buffer.concat(records);
      let written = 0;
      try {
        while (written < bytes.length) {
          const { bytesWritten } = await segment.handle!.write(bytes, written, bytes.length - written, segment.size + written);
          written += bytesWritten;
        }
        await segment.handle!.datasync();
      } catch (err) {
        // Leave no partial record behind for the next append to follow.
        await segment.handle!.truncate(segment.size).catch(() => undefined);
        throw err;
      }
      for (const record of records) segment.grow(record.length);
      this.counters.appended += records.length;
    } catch (cause) {
      const diskFull = (cause as NodeJS.ErrnoException).code === 'ENOSPC';
      const reason: LossReason = diskFull ? 'disk_full' : 'io_error';
      this.lost[reason] = (this.lost[reason] ?? 0) + records.length;
      const error = diskFull ? agentErrors.BUFFER_DISK_FULL({ dir: this.dir, count: records.length }, { cause }) : undefined;
      if (!this.writeFailing) {
        this.writeFailing = true;
        if (error) this.log.error({ code: error.code, hint: error.hint }, error.message);
        else this.log.error({ err: message(cause), dir: this.dir }, 'buffer append failed');
      }
      for (const item of batch.items) item.reject(error ?? cause);
      return;
    }
    if (this.writeFailing) {
      this.writeFailing = false;
      this.log.info({ dir: this.dir, lost_readings: this.lost }, 'buffer appends work again');
    }
    batch.items.forEach((item, i) => item.resolve(results[i]!));
    for (const listener of this.listeners) listener();
  }

  private async rollOver(): Promise<Segment> {
    const current = this.segments.at(-1)!;
    // The new segment first: if it cannot be created (full disk) the current one stays the active one.
    const next = await createSegment(this.dir, current.end);
    await current.handle!.close();
    current.handle = undefined;
    this.segments.push(next);
    return next;
  }

  /**
   * `drop_oldest`: deletes whole segments from the oldest on until `incoming`
   * bytes fit under `limit` (the active segment is rolled over first when it
   * is the oldest). The acknowledgement that covers them is made durable before
   * a file goes, so a crash in between never leaves a hole in the log.
   */
  private async makeRoom(incoming: number, limit: number): Promise<void> {
    while (this.bytes() + incoming > limit) {
      if (this.segments.length === 1) {
        // Nothing older to drop: an append larger than the whole limit is still written.
        if (this.segments[0]!.count === 0) return;
        await this.rollOver();
      }
      const victim = this.segments[0]!;
      const before = this.depth();
      const [oldest] = before > 0 ? await this.read(victim.first, { maxRecords: 1, maxBytes: Number.POSITIVE_INFINITY }) : [];
      this.acks.add(victim.first, victim.end);
      const dropped = before - this.depth();
      await this.saveState();
      await rm(victim.path, { force: true });
      this.segments.shift();
      this.counters.dropped_bytes += victim.size;
      if (dropped === 0) continue;
      this.counters.dropped_readings += dropped;
      if (oldest && oldest.index < victim.end && (this.oldestDroppedTs === null || oldest.reading.ts < this.oldestDroppedTs)) {
        this.oldestDroppedTs = oldest.reading.ts;
      }
      if (!this.overflow) {
        this.overflow = { dropped: 0 };
        const error = agentErrors.BUFFER_FULL({ dir: this.dir, max_bytes: limit, policy: this.fullPolicy });
        this.log.warn({ code: error.code, hint: error.hint, oldest_dropped_ts: this.oldestDroppedTs }, error.message);
      }
      this.overflow.dropped += dropped;
    }
  }

  private async saveState(): Promise<void> {
    const state: z.infer<typeof bufferStateSchema> = {
      v: 1,
      committed: this.acks.committed,
      acked: this.acks.toJSON(),
      next_seq: Object.fromEntries(this.nextSeq),
    };
    await writeFileAtomic(join(this.dir, STATE_FILE), JSON.stringify(state));
  }
}

async function readState(dir: string): Promise<z.infer<typeof bufferStateSchema>> {
  const file = join(dir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { v: 1, committed: 0, acked: [], next_seq: {} };
    throw agentErrors.BUFFER_STATE_INVALID({ file, reason: message(err) }, { cause: err });
  }
  try {
    return bufferStateSchema.parse(JSON.parse(text));
  } catch (err) {
    throw agentErrors.BUFFER_STATE_INVALID({ file, reason: message(err) }, { cause: err });
  }
}

async function createSegment(dir: string, first: number): Promise<Segment> {
  const segment = new Segment(dir, first);
  segment.handle = await open(segment.path, 'wx');
  await syncDir(dir);
  return segment;
}

/**
 * Reads a whole segment, filling its count and checkpoints and raising
 * `nextSeq` above every seq it holds. Stops at the first record that is not
 * whole and intact (`badOffset`).
 */
async function scanSegment(
  segment: Segment,
  nextSeq: Map<string, number>,
): Promise<{ fileSize: number; badOffset?: number; reason?: string }> {
  const bytes = await readFile(segment.path);
  let offset = 0;
  while (offset < bytes.length) {
    const decoded = decodeRecord(bytes, offset);
    if (decoded.kind !== 'record') {
      return { fileSize: bytes.length, badOffset: offset, reason: decoded.kind === 'damaged' ? decoded.reason : 'incomplete record' };
    }
    let reading: { device?: unknown; seq?: unknown };
    try {
      reading = JSON.parse(decoded.json) as typeof reading;
    } catch {
      return { fileSize: bytes.length, badOffset: offset, reason: 'payload is not JSON' };
    }
    if (typeof reading.device !== 'string' || typeof reading.seq !== 'number') {
      return { fileSize: bytes.length, badOffset: offset, reason: 'payload is not a reading' };
    }
    nextSeq.set(reading.device, Math.max(nextSeq.get(reading.device) ?? 0, reading.seq + 1));
    segment.grow(decoded.end - offset);
    offset = decoded.end;
  }
  return { fileSize: bytes.length };
}
