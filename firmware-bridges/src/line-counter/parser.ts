import type { DecodedFrame } from '@zenne/device-profiles';
import type { FrameParser } from '../bridge.ts';
import { FrameScanner } from '../framing/frame-scanner.ts';
import { decodeSentenceFields, sentenceLayout } from './messages.ts';

/**
 * Host side: counter bytes in, `$PZNELC` sentences out as frames (`data`, object mode).
 * Bad bytes are counted and reported as `frame-error`, never thrown. `ts` is the receive
 * time; the counter's own interval end is the `interval_end_s` field.
 * Lifecycle: one parser per serial stream; `end()` reports a trailing partial sentence as truncated.
 */
export class LineCounterParser extends FrameScanner implements FrameParser {
  readonly #now: () => Date;

  constructor(options: { now?: () => Date } = {}) {
    super(sentenceLayout);
    this.#now = options.now ?? (() => new Date());
  }

  protected override accept(frame: Buffer): void {
    this.push({ fields: decodeSentenceFields(frame), ts: this.#now() } satisfies DecodedFrame);
  }
}
