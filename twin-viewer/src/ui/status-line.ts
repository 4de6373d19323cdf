/**
 * The status line: one message per source (a layer, the buildings), shown while set. Each
 * problem is logged once when it appears and once when it clears, not on every retry.
 */
export class StatusLine {
  private readonly messages = new Map<string, string>();

  constructor(private readonly root: HTMLElement) {}

  set(source: string, error: Error | null): void {
    const had = this.messages.has(source);
    if (error) {
      if (!had) console.warn(`[${source}] ${error.message}`);
      this.messages.set(source, error.message);
    } else if (had) {
      console.info(`[${source}] recovered`);
      this.messages.delete(source);
    }
    this.root.textContent = [...this.messages.values()].join(' · ');
    this.root.hidden = this.messages.size === 0;
  }
}
