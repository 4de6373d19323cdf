import { WinsenCommandParser, WinsenResponseParser } from '../mhz19b/parser.ts';
import { decodeZe03Command, ze03CommandLayout, type Ze03Command } from './commands.ts';
import { decodeZe03Response, responseLayout } from './messages.ts';

/** ZE03 host side: read responses (FF 86) out as `{ concentration }` frames; see WinsenResponseParser. */
export class Ze03Parser extends WinsenResponseParser {
  constructor(options: { now?: () => Date } = {}) {
    super(responseLayout, decodeZe03Response, options);
  }
}

/** ZE03 device side (virtual sensors): host commands (FF 01) out as `Ze03Command` objects. */
export class Ze03CommandParser extends WinsenCommandParser<Ze03Command> {
  constructor() {
    super(ze03CommandLayout, decodeZe03Command);
  }
}
