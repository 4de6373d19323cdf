/**
 * Exponential backoff with "equal jitter" (half fixed, half random), so many
 * gateways that lost the same broker do not all come back in the same second
 * (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015).
 */
export interface Backoff {
  /** Delay before the next attempt, in ms; grows with every call until reset(). */
  next(): number;
  reset(): void;
}

export function createBackoff(options: { initialMs: number; maxMs: number; random?: () => number }): Backoff {
  const random = options.random ?? Math.random;
  let attempt = 0;
  return {
    next() {
      const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** attempt);
      attempt = Math.min(attempt + 1, 30);
      return Math.round(ceiling / 2 + (random() * ceiling) / 2);
    },
    reset() {
      attempt = 0;
    },
  };
}
