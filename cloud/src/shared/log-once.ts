/**
 * Remembers which conditions were already logged, so a misconfigured client
 * retrying every second produces one log line, not thousands. Bounded: keys
 * can come from unauthenticated input (MQTT usernames), so after `limit`
 * distinct keys everything counts as seen.
 */
export class LogOnce {
  private readonly seen = new Set<string>();

  constructor(private readonly limit = 1000) {}

  /** True the first time `key` is offered (while under the limit). */
  first(key: string): boolean {
    if (this.seen.has(key) || this.seen.size >= this.limit) return false;
    this.seen.add(key);
    return true;
  }
}
