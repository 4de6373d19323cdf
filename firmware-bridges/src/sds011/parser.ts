import type { DecodedFrame } from '@zenne/device-profiles';
import type { FrameError, FrameParser } from '../bridge.ts';
import { FrameScanner } from '../framing/frame-scanner.ts';
import { commandLayout, decodeSds011Command, type DecodedSds011Command } from './commands.ts';
import { DATA_ID, decodeDataFields, decodeReplyPayload, sensorMessageLayout, type Sds011Reply } from './messages.ts';

/**
 * Host side: sensor bytes in, data frames out (`data`, object mode); command
 * replies (AA C5) come as `reply` events. Bad bytes are counted and reported
 * as `frame-error`, never thrown.
 * Lifecycle: one parser per serial stream; `end()` reports a trailing partial frame as truncated.
 */
export class Sds011Parser extends FrameScanner implements FrameParser {
  readonly #now: () => Date;

  constructor(options: { now?: () => Date } = {}) {
    super(sensorMessageLayout);
    this.#now = options.now ?? (() => new Date());
  }

  protected override accept(frame: Buffer): void {
    if (frame[1] === DATA_ID) {
      this.push({ fields: decodeDataFields(frame), ts: this.#now() } satisfies DecodedFrame);
    } else {
      this.emit('reply', decodeReplyPayload(frame));
    }
  }

  override on(event: 'data', listener: (frame: DecodedFrame) => void): this;
  override on(event: 'reply', listener: (reply: Sds011Reply) => void): this;
  override on(event: 'frame-error', listener: (err: FrameError) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }
}

/**
 * Device side (virtual sensors): host bytes in, decoded commands out (`data`,
 * object mode), with the same resynchronisation, counters and `frame-error`.
 */
export class Sds011CommandParser extends FrameScanner {
  constructor() {
    super(commandLayout);
  }

  protected override accept(frame: Buffer): void {
    try {
      this.push(decodeSds011Command(frame));
    } catch (err) {
      // Framing and checksum are right but the command id or a setting is not in the protocol.
      this.emit('command-error', err);
    }
  }

  override on(event: 'data', listener: (command: DecodedSds011Command) => void): this;
  override on(event: 'frame-error', listener: (err: FrameError) => void): this;
  override on(event: 'command-error', listener: (err: Error) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }
}
