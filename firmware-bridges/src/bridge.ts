import type { Transform } from 'node:stream';
import type { DecodedFrame } from '@zenne/device-profiles';

/** Why bytes were thrown away; each is counted separately. */
export type FrameErrorKind = 'bad_checksum' | 'bad_tail' | 'bad_length' | 'truncated' | 'garbage';

export interface FrameError {
  kind: FrameErrorKind;
  /** Bytes discarded for this error. */
  bytes: number;
  /** Human-readable detail naming what was wrong, for logs and `zenne-agent status`. */
  detail: string;
}

export interface ParserCounters {
  frames: number;
  bad_checksum: number;
  bad_tail: number;
  bad_length: number;
  truncated: number;
  /** Bytes skipped while hunting for a frame header. */
  garbage_bytes: number;
}

/**
 * Bytes in, decoded frames out (object mode). A parser never throws on bad
 * input: it resynchronises on the next header, counts what it dropped and emits
 * a `frame-error` event (TypedEmitter-style map below).
 */
export interface FrameParser extends Transform {
  readonly counters: Readonly<ParserCounters>;
  on(event: 'data', listener: (frame: DecodedFrame) => void): this;
  on(event: 'frame-error', listener: (err: FrameError) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/**
 * A firmware bridge: one device family's wire protocol.
 * Lifecycle: stateless factory; each `createParser()` returns an independent parser.
 */
export interface Bridge {
  readonly id: string;
  readonly description: string;
  /** Default serial line settings from the datasheet. */
  readonly serial: { baud_rate: number };
  createParser(options?: { now?: () => Date }): FrameParser;
  /** Encodes decoded field values into one wire frame (virtual devices, tests). */
  encodeFrame(fields: Record<string, number>): Buffer;
  /**
   * Only for devices that answer only when asked (e.g. the MH-Z19B): the bytes
   * that make the device send one measurement frame. A host writes them once per
   * sample period (the profile's `sample_period_s` unless configured otherwise);
   * bridges of self-reporting devices leave it out. Pure: a fresh buffer per call.
   */
  pollCommand?(): Buffer;
}
