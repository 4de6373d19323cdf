import type { DecodedFrame } from '@zenne/device-profiles';
import type { FrameError, FrameParser } from '../bridge.ts';
import { FrameScanner } from '../framing/frame-scanner.ts';
import { commandLayout, decodePms5003Command, type Pms5003Command } from './commands.ts';
import { dataFrameLayout, decodeDataFields } from './messages.ts';

/**
 * Host side: sensor bytes in, data frames out (`data`, object mode). Bad bytes
 * are counted and reported as `frame-error`, never thrown.
 * Lifecycle: one parser per serial stream; `end()` reports a trailing partial frame as truncated.
 */
export class Pms5003Parser extends FrameScanner implements FrameParser {
  readonly #now: () => Date;

  constructor(options: { now?: () => Date } = {}) {
    super(dataFrameLayout);
    this.#now = options.now ?? (() => new Date());
  }

  protected override accept(frame: Buffer): void {
    this.push({ fields: decodeDataFields(frame), ts: this.#now() } satisfies DecodedFrame);
  }

  override on(event: 'data', listener: (frame: DecodedFrame) => void): this;
  override on(event: 'frame-error', listener: (err: FrameError) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }
}

/**
 * Device side (virtual sensors): host bytes in, decoded commands out (`data`,
 * object mode). A well-framed command with an unknown code or value is
 * reported as `command-error`.
 */
export class Pms5003CommandParser extends FrameScanner {
  constructor() {
    super(commandLayout);
  }

  protected override accept(frame: Buffer): void {
    try {
      this.push(decodePms5003Command(frame));
    } catch (err) {
      this.emit('command-error', err);
    }
  }

  override on(event: 'data', listener: (command: Pms5003Command) => void): this;
  override on(event: 'frame-error', listener: (err: FrameError) => void): this;
  override on(event: 'command-error', listener: (err: Error) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }
}
