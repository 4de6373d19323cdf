import type { Reading } from '@zenne/device-profiles';
import type { LiveBus } from '../ingest/live-bus.ts';
import type { Registry } from '../registry/registry.ts';
import type { ReadingStore } from '../stores/store.ts';
import { latestQuery, liveMatcher, type LiveFilter } from './live-filter.ts';

export interface LiveSources {
  live: LiveBus;
  store: ReadingStore;
  registry: Registry;
}

export interface LiveSubscription {
  /** Resolves once the latest values were handed to `send`; rejects when the store could not read them (the subscription is then closed). */
  readonly snapshot: Promise<void>;
  /** Stops delivery; idempotent. */
  close(): void;
}

/** A live client this far behind (bytes queued) is cut off; it reconnects and gets the latest values again. */
export const MAX_QUEUED_BYTES = 1024 * 1024;

const keyOf = (r: Reading) => `${r.device}\u0000${r.scenario ?? ''}\u0000${r.seq}`;

/**
 * Hands `send` the latest stored value of every (device, quantity) matching
 * `filter`, then every newly stored matching reading, each once, in that
 * order. The bus is joined before the store is read so that nothing stored in
 * between is lost; what arrives meanwhile waits and repeats of the snapshot
 * are skipped. `send` must not throw. Lifecycle: delivery starts at once and
 * ends with `close()`, which the owner must call when its client goes away.
 */
export function subscribeLive(sources: LiveSources, filter: LiveFilter, send: (r: Reading) => void): LiveSubscription {
  const matches = liveMatcher(filter, sources.registry);
  let backlog: Reading[] | undefined = [];
  let closed = false;
  const onReading = (r: Reading) => {
    if (!matches(r)) return;
    if (backlog) backlog.push(r);
    else send(r);
  };
  const close = () => {
    closed = true;
    sources.live.off('reading', onReading);
  };
  sources.live.on('reading', onReading);
  const snapshot = sources.store.latest(latestQuery(filter)).then(
    (latest) => {
      if (closed) return;
      const sent = new Set<string>();
      for (const r of latest) {
        if (!matches(r)) continue;
        sent.add(keyOf(r));
        send(r);
      }
      const waiting = backlog ?? [];
      backlog = undefined;
      for (const r of waiting) if (!sent.has(keyOf(r))) send(r);
    },
    (err: unknown) => {
      close();
      throw err;
    },
  );
  return { snapshot, close };
}
