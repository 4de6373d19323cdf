import type { DecodedFrame } from '@zenne/device-profiles';
import type { FrameError, FrameParser } from '../bridge.ts';
import { FrameScanner } from '../framing/frame-scanner.ts';
import { commandLayout, decodeMhz19bCommand, type Mhz19bCommand } from './commands.ts';
import { decodeResponseFields, responseLayout } from './messages.ts';

/**
 * Host side: sensor bytes in, read-CO2 responses out as frames (`data`, object
 * mode). Bad bytes are counted and reported as `frame-error`, never thrown.
 * Lifecycle: one parser per serial stream; `end()` reports a trailing partial frame as truncated.
 */
export class Mhz19bParser extends FrameScanner implements FrameParser {
  readonly #now: () => Date;

  constructor(options: { now?: () => Date } = {}) {
    super(responseLayout);
    this.#now = options.now ?? (() => new Date());
  }

  protected override accept(frame: Buffer): void {
    this.push({ fields: decodeResponseFields(frame), ts: this.#now() } satisfies DecodedFrame);
  }
}

/**
 * Device side (virtual sensors): host bytes in, decoded commands out (`data`,
 * object mode), with the same resynchronisation, counters and `frame-error`;
 * a well-framed command the manual does not define is a `command-error`.
 */
export class Mhz19bCommandParser extends FrameScanner {
  constructor() {
    super(commandLayout);
  }

  protected override accept(frame: Buffer): void {
    try {
      this.push(decodeMhz19bCommand(frame));
    } catch (err) {
      this.emit('command-error', err);
    }
  }

  override on(event: 'data', listener: (command: Mhz19bCommand) => void): this;
  override on(event: 'frame-error', listener: (err: FrameError) => void): this;
  override on(event: 'command-error', listener: (err: Error) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }
}
