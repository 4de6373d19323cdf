import type { ReadingSink, Source, SourceStats } from './source.ts';

/**
 * A source whose implementation is imported when it is first initialised or
 * started, so that a heavy client library (node-opcua loads in about a second
 * and prints a warning on Node 20) costs nothing to agents, and to
 * `zenne-agent validate`/`status`, whose config does not use it.
 * Until then it reports itself `idle` with empty counters.
 */
export function deferredSource(identity: { id: string; kind: string; device: string }, load: () => Promise<Source>): Source {
  let inner: Promise<Source> | undefined;
  let loaded: Source | undefined;
  const get = () => (inner ??= load().then((source) => (loaded = source)));
  return {
    ...identity,
    init: async () => (await get()).init(),
    start: async (sink: ReadingSink) => (await get()).start(sink),
    stop: async () => {
      if (inner) await (await inner).stop();
    },
    stats: (): SourceStats =>
      loaded?.stats() ?? {
        ...identity,
        state: 'idle',
        last_frame_at: null,
        readings_per_minute: 0,
        frames: 0,
        readings: 0,
        errors: {},
        problems: {},
        last_error: null,
      },
  };
}
