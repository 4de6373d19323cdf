import { Transform, type TransformCallback } from 'node:stream';
import type { FrameError, ParserCounters } from '../bridge.ts';
import { hex } from './hex.ts';

/** What is wrong with a complete candidate frame (one that starts with a header). */
export interface FrameFault {
  kind: 'bad_checksum' | 'bad_tail' | 'bad_length';
  detail: string;
}

/** The fixed-length framing of one message type of a wire protocol. */
export interface FrameLayout {
  /** Used in error details, e.g. "SDS011 data frame". */
  readonly name: string;
  readonly frameLength: number;
  /** Accepted headers, all of the same length; a frame starts with one of them. */
  readonly headers: readonly Buffer[];
  /** Checks a candidate of exactly `frameLength` bytes that starts with a header. */
  check(frame: Buffer): FrameFault | undefined;
}

type HeaderMatch = 'full' | 'partial' | 'none';

const GARBAGE_PREVIEW_BYTES = 16;
const GARBAGE_REPORT_BYTES = 1024;

/**
 * Hunts fixed-length frames in a byte stream and hands each valid one to
 * `accept`. Every decision depends only on the bytes, never on how they were
 * chunked, so a stream fed one byte at a time yields the same frames and
 * errors as one fed in a single write.
 *
 * Resynchronisation rules (the same for every family):
 * - bytes that cannot start a header are garbage; one `frame-error` per run,
 *   emitted when the next header (or the end of the stream) is reached, and
 *   every 1024 bytes of a longer run;
 * - a candidate that fails `check` and contains another header at offset k
 *   is a frame cut short by the next one: `truncated`, k bytes dropped and
 *   scanning resumes at that header (a frame whose checksum and tail are right
 *   is accepted even if header bytes occur inside it, e.g. a device id AA C0);
 * - otherwise the fault is counted and the whole candidate is dropped;
 * - at the end of the stream an incomplete frame is `truncated`.
 *
 * Lifecycle: one instance per byte stream; `end()` flushes what is left.
 */
export abstract class FrameScanner extends Transform {
  /** Bytes received but not yet consumed; always starts at a possible header once scanned. */
  #pending: Buffer = Buffer.alloc(0);
  /** Garbage run not yet reported: its length and its first bytes. */
  #garbage = { bytes: 0, preview: [] as number[] };
  readonly #counters: ParserCounters = {
    frames: 0,
    bad_checksum: 0,
    bad_tail: 0,
    bad_length: 0,
    truncated: 0,
    garbage_bytes: 0,
  };

  protected constructor(protected readonly layout: FrameLayout) {
    super({ readableObjectMode: true, writableObjectMode: false });
    const first = layout.headers[0];
    if (!first || first.length === 0 || layout.headers.some((h) => h.length !== first.length)) {
      throw new Error(`${layout.name}: headers must be non-empty and of one length`);
    }
  }

  /** A snapshot of what this parser has seen so far. */
  get counters(): Readonly<ParserCounters> {
    return { ...this.#counters };
  }

  /** Called with each frame that passed `check`, in stream order. */
  protected abstract accept(frame: Buffer): void;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#scan(false);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#scan(true);
    callback();
  }

  #scan(final: boolean): void {
    const { frameLength, name } = this.layout;
    for (;;) {
      this.#skipGarbage();
      const buf = this.#pending;
      if (buf.length === 0 || this.#headerAt(buf, 0) === 'partial') {
        if (final) {
          this.#addGarbage(buf);
          this.#pending = Buffer.alloc(0);
          this.#reportGarbage();
        }
        return;
      }
      this.#reportGarbage();

      if (buf.length < frameLength) {
        if (!final) return;
        const next = this.#nextHeader(buf, true);
        if (typeof next === 'number') {
          this.#fail('truncated', next, `${name} cut short: a new header arrived after ${next} of ${frameLength} bytes`);
        } else {
          this.#fail('truncated', buf.length, `${name} cut short: the stream ended after ${buf.length} of ${frameLength} bytes`);
        }
        continue;
      }

      const frame = buf.subarray(0, frameLength);
      const fault = this.layout.check(frame);
      if (!fault) {
        this.#pending = buf.subarray(frameLength);
        this.#counters.frames += 1;
        this.accept(frame);
        continue;
      }
      const next = this.#nextHeader(buf, final);
      if (next === 'wait') return;
      if (next !== undefined && fault.kind !== 'bad_length') {
        this.#fail(
          'truncated',
          next,
          `${name} cut short: a new header arrived after ${next} of ${frameLength} bytes (${fault.detail})`,
        );
      } else if (fault.kind === 'bad_length') {
        // The real extent is unknown: drop up to the next header, or one frame's worth.
        this.#fail('bad_length', next ?? frameLength, fault.detail);
      } else {
        this.#fail(fault.kind, frameLength, fault.detail);
      }
    }
  }

  /**
   * Offset of the first full header in (0, frameLength), if any; `wait` when a
   * header may start near the end of the candidate but its bytes have not all
   * arrived (at the end of the stream such a partial header does not count).
   */
  #nextHeader(buf: Buffer, final: boolean): number | undefined | 'wait' {
    const end = Math.min(this.layout.frameLength, buf.length);
    for (let i = 1; i < end; i += 1) {
      const match = this.#headerAt(buf, i);
      if (match === 'full') return i;
      if (match === 'partial' && !final) return 'wait';
    }
    return undefined;
  }

  #headerAt(buf: Buffer, at: number): HeaderMatch {
    let best: HeaderMatch = 'none';
    for (const header of this.layout.headers) {
      const available = Math.min(header.length, buf.length - at);
      if (available <= 0) return 'none';
      let same = true;
      for (let k = 0; k < available && same; k += 1) same = buf[at + k] === header[k];
      if (!same) continue;
      if (available === header.length) return 'full';
      best = 'partial';
    }
    return best;
  }

  #skipGarbage(): void {
    const buf = this.#pending;
    let i = 0;
    while (i < buf.length && this.#headerAt(buf, i) === 'none') i += 1;
    if (i === 0) return;
    this.#addGarbage(buf.subarray(0, i));
    this.#pending = buf.subarray(i);
  }

  #addGarbage(bytes: Buffer): void {
    for (let at = 0; at < bytes.length; ) {
      // A long run (wrong baud rate, wrong device) is reported every GARBAGE_REPORT_BYTES,
      // counted by position in the run so the reports do not depend on chunking.
      const take = Math.min(bytes.length - at, GARBAGE_REPORT_BYTES - this.#garbage.bytes);
      const part = bytes.subarray(at, at + take);
      this.#counters.garbage_bytes += take;
      this.#garbage.bytes += take;
      const room = GARBAGE_PREVIEW_BYTES - this.#garbage.preview.length;
      if (room > 0) this.#garbage.preview.push(...part.subarray(0, room));
      at += take;
      if (this.#garbage.bytes === GARBAGE_REPORT_BYTES) this.#reportGarbage();
    }
  }

  #reportGarbage(): void {
    const { bytes, preview } = this.#garbage;
    if (bytes === 0) return;
    this.#garbage = { bytes: 0, preview: [] };
    const shown = hex(Buffer.from(preview)) + (bytes > preview.length ? ' …' : '');
    const headers = this.layout.headers.map((h) => hex(h)).join(' or ');
    this.emit('frame-error', {
      kind: 'garbage',
      bytes,
      detail: `skipped ${bytes} byte(s) that do not start a ${this.layout.name} (header ${headers}): ${shown}`,
    } satisfies FrameError);
  }

  #fail(kind: Exclude<FrameError['kind'], 'garbage'>, bytes: number, detail: string): void {
    this.#counters[kind] += 1;
    this.#pending = this.#pending.subarray(bytes);
    this.emit('frame-error', { kind, bytes, detail } satisfies FrameError);
  }
}
