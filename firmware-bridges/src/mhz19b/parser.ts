import type { DecodedFrame } from '@zenne/device-profiles';
import type { FrameError, FrameParser } from '../bridge.ts';
import { FrameScanner, type FrameLayout } from '../framing/frame-scanner.ts';
import { commandLayout, decodeMhz19bCommand, type Mhz19bCommand } from './commands.ts';
import { decodeResponseFields, responseLayout } from './messages.ts';

/**
 * Host side of a Winsen 9-byte UART module (MH-Z19B, ZE03 …): sensor bytes in,
 * read responses out as frames (`data`, object mode). `decode` turns a response
 * that passed the layout's check into the family's fields. Bad bytes are counted
 * and reported as `frame-error`, never thrown.
 * Lifecycle: one parser per serial stream; `end()` reports a trailing partial frame as truncated.
 */
export class WinsenResponseParser extends FrameScanner implements FrameParser {
  readonly #now: () => Date;

  constructor(
    layout: FrameLayout,
    private readonly decode: (frame: Buffer) => Record<string, number>,
    options: { now?: () => Date } = {},
  ) {
    super(layout);
    this.#now = options.now ?? (() => new Date());
  }

  protected override accept(frame: Buffer): void {
    this.push({ fields: this.decode(frame), ts: this.#now() } satisfies DecodedFrame);
  }
}

/**
 * Device side of a Winsen 9-byte UART module (virtual sensors): host bytes in,
 * decoded commands out (`data`, object mode), with the same resynchronisation,
 * counters and `frame-error`; a well-framed command that `decode` refuses (it
 * throws) is a `command-error`.
 */
export class WinsenCommandParser<Command> extends FrameScanner {
  constructor(
    layout: FrameLayout,
    private readonly decode: (frame: Buffer) => Command,
  ) {
    super(layout);
  }

  protected override accept(frame: Buffer): void {
    try {
      this.push(this.decode(frame));
    } catch (err) {
      this.emit('command-error', err);
    }
  }

  override on(event: 'data', listener: (command: Command) => void): this;
  override on(event: 'frame-error', listener: (err: FrameError) => void): this;
  override on(event: 'command-error', listener: (err: Error) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }
}

/** MH-Z19B host side: read-CO2 responses (FF 86) out as `{ co2 }` frames. */
export class Mhz19bParser extends WinsenResponseParser {
  constructor(options: { now?: () => Date } = {}) {
    super(responseLayout, decodeResponseFields, options);
  }
}

/** MH-Z19B device side: host commands (FF 01) out as `Mhz19bCommand` objects. */
export class Mhz19bCommandParser extends WinsenCommandParser<Mhz19bCommand> {
  constructor() {
    super(commandLayout, decodeMhz19bCommand);
  }
}
