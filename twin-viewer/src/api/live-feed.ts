import type { Reading } from '@zenne/device-profiles/contracts';
import { viewerErrors } from '../errors.ts';
import type { ApiClient } from './client.ts';

export interface LiveFeedOptions {
  api: ApiClient;
  url: string;
  onReading(reading: Reading): void;
  /** Called with an error when the feed drops and with null when it is back (once each). */
  onStatus(error: Error | null): void;
  /** Wait before reopening a feed the browser gave up on (HTTP error answer). */
  reopenAfterMs?: number;
}

/**
 * Subscribes to the cloud's Server-Sent Events (`event: reading`, one Reading per `data:`).
 * The browser's EventSource reconnects by itself after a dropped connection; when the server
 * answers with an error the EventSource closes for good, so it is reopened after a pause.
 * The cloud sends the latest values first on every (re)connection, so nothing is missed.
 * The feed opens once the page has loaded. `close()` ends the feed and its timer.
 */
export function openLiveFeed(o: LiveFeedOptions): { close(): void } {
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let down = false;
  let closed = false;

  const open = (): void => {
    timer = null;
    source = new EventSource(o.url);
    source.addEventListener('open', () => {
      if (down) {
        down = false;
        o.onStatus(null);
      }
    });
    source.addEventListener('reading', (event) => {
      const reading = o.api.parseReading('/live', (event as MessageEvent<string>).data);
      if (reading) o.onReading(reading);
    });
    source.addEventListener('error', () => {
      if (!down) {
        down = true;
        o.onStatus(viewerErrors.LIVE_UNAVAILABLE({ path: o.url }));
      }
      if (source?.readyState === EventSource.CLOSED && !closed) {
        source = null;
        timer = setTimeout(open, o.reopenAfterMs ?? 5000);
      }
    });
  };
  // An EventSource opened before the page's load event holds that event (and the browser's
  // loading indicator) back for as long as the stream stays open.
  if (document.readyState === 'complete') open();
  else window.addEventListener('load', () => { if (!closed) open(); }, { once: true });

  return {
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      source?.close();
      source = null;
    },
  };
}
