import type { SourceState, SourceStats } from './source.ts';

const WINDOW_MS = 60_000;

/**
 * Bookkeeping shared by every source kind: frame and reading counts, a 60-s
 * sliding window of readings, errors and normaliser problems by kind.
 * Parser counters are added by the caller through `errorCounts` because they
 * live in the bridge's parser, which the source may replace on reconnect.
 */
export class SourceStatsTracker {
  state: SourceState = 'idle';
  lastError: string | null = null;
  private frames = 0;
  private readings = 0;
  private lastFrameAt: Date | null = null;
  // Readings per second of arrival, oldest first: [epoch second, count][]
  private window: Array<[number, number]> = [];
  // Map(kind -> count) for errors the source itself sees (port, sink ...)
  private readonly ownErrors = new Map<string, number>();
  // Map(problem code -> count)
  private readonly problems = new Map<string, number>();

  constructor(
    private readonly identity: { id: string; kind: string; device: string },
    private readonly now: () => Date = () => new Date(),
  ) {}

  recordFrame(readings: number): void {
    const at = this.now();
    this.frames += 1;
    this.readings += readings;
    this.lastFrameAt = at;
    const second = Math.floor(at.getTime() / 1000);
    const last = this.window.at(-1);
    if (last && last[0] === second) last[1] += readings;
    else this.window.push([second, readings]);
    this.prune(at.getTime());
  }

  recordError(kind: string, message: string): void {
    this.ownErrors.set(kind, (this.ownErrors.get(kind) ?? 0) + 1);
    this.lastError = message;
  }

  recordProblem(code: string, message: string): void {
    this.problems.set(code, (this.problems.get(code) ?? 0) + 1);
    this.lastError = message;
  }

  /** A snapshot; `parserErrors` are the bridge parser's counters summed over every parser this source used. */
  snapshot(parserErrors: Record<string, number>): SourceStats {
    this.prune(this.now().getTime());
    const errors: Record<string, number> = {};
    for (const [kind, n] of Object.entries(parserErrors)) if (n > 0) errors[kind] = n;
    for (const [kind, n] of this.ownErrors) errors[kind] = (errors[kind] ?? 0) + n;
    return {
      ...this.identity,
      state: this.state,
      last_frame_at: this.lastFrameAt?.toISOString() ?? null,
      readings_per_minute: this.window.reduce((sum, [, n]) => sum + n, 0),
      frames: this.frames,
      readings: this.readings,
      errors,
      problems: Object.fromEntries(this.problems),
      last_error: this.lastError,
    };
  }

  private prune(nowMs: number): void {
    const oldest = Math.floor((nowMs - WINDOW_MS) / 1000);
    while (this.window.length > 0 && this.window[0]![0] <= oldest) this.window.shift();
  }
}
