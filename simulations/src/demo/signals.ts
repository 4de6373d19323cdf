/**
 * One Ctrl-C often arrives twice: from the terminal (to the whole foreground
 * process group) and forwarded by `npm run`. Signals within this window count
 * as one; a later one means "force".
 */
export const REPEAT_SIGNAL_WINDOW_MS = 2_000;

/** Calls `first` on the first SIGINT/SIGTERM and `again` on one that comes after the window. */
export function onStopSignals(first: (signal: NodeJS.Signals) => void, again: (signal: NodeJS.Signals) => void): void {
  let firstAt: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (firstAt === undefined) {
      firstAt = now;
      first(signal);
    } else if (now - firstAt >= REPEAT_SIGNAL_WINDOW_MS) {
      again(signal);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
