/**
 * Runs async jobs one at a time, in submission order. A failing job rejects
 * its own promise only; the queue goes on with the next.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every job submitted so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
