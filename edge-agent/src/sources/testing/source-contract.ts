import { afterEach, describe, expect, it } from 'vitest';
import { readingDraftSchema, type ReadingDraft } from '@zenne/device-profiles';
import { sourceStatsSchema, type Source } from '../source.ts';

/** What the sink must receive for fed frames: the identity and value of each reading, in order. */
export type ExpectedReading = Pick<ReadingDraft, 'device' | 'quantity' | 'value'>;

export interface SourceContractOptions {
  name: string;
  /** A new, not yet initialised source, with whatever device it reads from (pty, socket ...). */
  create(): Promise<Source>;
  /** Makes that device send real frames; resolves with the readings they must give, in order. */
  feed(): Promise<ExpectedReading[]>;
  /** Makes the device send bytes that are no frame (line noise). */
  feedNoise(): Promise<void>;
  /** Stops the source if needed and frees the device; called after every test. */
  teardown(): Promise<void>;
}

/** Polls `condition` every 20 ms until it holds (the suite's test timeout bounds the wait). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

function collector(): { readings: ReadingDraft[]; sink: (readings: ReadingDraft[]) => Promise<void> } {
  const readings: ReadingDraft[] = [];
  return { readings, sink: async (batch) => void readings.push(...batch) };
}

function identity(readings: ReadingDraft[]): ExpectedReading[] {
  return readings.map(({ device, quantity, value }) => ({ device, quantity, value }));
}

/**
 * The contract every source kind passes (edge-agent/src/sources/source.ts):
 * init() opens nothing, fed frames reach the sink in order as valid
 * ReadingDrafts, noise is counted and survived, stop() waits for the sink
 * calls of frames already received and ends all sink calls, stats() always
 * matches sourceStatsSchema.
 */
export function sourceContract(options: SourceContractOptions): void {
  describe(`source contract: ${options.name}`, () => {
    afterEach(() => options.teardown());

    it('init() validates and opens nothing; stop() without start() resolves', async () => {
      const source = await options.create();
      await source.init();
      const stats = source.stats();
      expect(sourceStatsSchema.parse(stats)).toEqual(stats);
      expect(stats.state).toBe('idle');
      expect(stats.frames).toBe(0);
      await source.stop();
      await source.stop();
    });

    it('delivers fed frames to the sink as valid readings, in order, and counts them', async () => {
      const source = await options.create();
      await source.init();
      const { readings, sink } = collector();
      await source.start(sink);
      await until(() => source.stats().state === 'running');
      const expected = await options.feed();
      await until(() => readings.length >= expected.length);
      expect(identity(readings)).toEqual(expected);
      for (const reading of readings) expect(readingDraftSchema.parse(reading)).toEqual(reading);
      const stats = sourceStatsSchema.parse(source.stats());
      expect(stats.readings).toBe(expected.length);
      expect(stats.frames).toBeGreaterThan(0);
      expect(stats.readings_per_minute).toBe(expected.length);
      expect(stats.last_frame_at).not.toBeNull();
      expect(stats.device).toBe(source.device);
      await source.stop();
      expect(source.stats().state).toBe('stopped');
    });

    it('counts line noise as errors and keeps decoding', async () => {
      const source = await options.create();
      await source.init();
      const { readings, sink } = collector();
      await source.start(sink);
      await until(() => source.stats().state === 'running');
      await options.feedNoise();
      const expected = await options.feed();
      await until(() => readings.length >= expected.length);
      expect(identity(readings)).toEqual(expected);
      const errors = Object.values(source.stats().errors).reduce((sum, n) => sum + n, 0);
      expect(errors).toBeGreaterThan(0);
      await source.stop();
    });

    it('stop() resolves only after pending sink calls finish, and the sink is never called after', async () => {
      const source = await options.create();
      await source.init();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let calls = 0;
      let finished = 0;
      await source.start(async () => {
        calls += 1;
        await gate;
        finished += 1;
      });
      await until(() => source.stats().state === 'running');
      await options.feed();
      await until(() => calls >= 1);
      let stopped = false;
      const stopping = source.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(finished).toBe(calls);
      const after = calls;
      await options.feed();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(calls).toBe(after);
    });
  });
}
