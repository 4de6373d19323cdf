import { get, type ClientRequest } from 'node:http';

export interface SseEvent {
  event?: string;
  data?: string;
  comment?: string;
}

/** A minimal SSE reader over a real HTTP connection (WHATWG HTML §9.2.6 field parsing, enough for tests). */
export function openSse(url: string): Promise<{ next(match?: (e: SseEvent) => boolean): Promise<SseEvent>; close(): void; status: number; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let request: ClientRequest;
    const events: SseEvent[] = [];
    let wake: (() => void) | undefined;
    let buffer = '';
    request = get(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) events.push({ comment: line.slice(1).trim() });
          }
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(':'))
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]));
          if (fields.event || fields.data) events.push({ event: fields.event, data: fields.data });
        }
        wake?.();
      });
      const ended = new Promise<void>((done) => res.once('close', () => done()));
      resolve({
        status: res.statusCode!,
        ended,
        async next(match = (e) => e.event !== undefined) {
          for (;;) {
            const i = events.findIndex(match);
            if (i >= 0) return events.splice(0, i + 1).pop()!;
            await new Promise<void>((r) => (wake = r));
          }
        },
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}
