import type { Duplex, Transform } from 'node:stream';
import type { FrameError } from '@zenne/firmware-bridges';
import { emptyCounters, type VirtualDevice, type VirtualDeviceCounters, type VirtualDeviceOptions } from './device.ts';
import { FaultInjector } from './fault-injector.ts';

/**
 * What the SDS011 and PMS5003 devices share: the link, the report timer,
 * fault injection and counters. A subclass supplies the command parser, what
 * to do with a command, its frame encoder and its current report interval.
 */
export abstract class BaseVirtualDevice<Command> implements VirtualDevice {
  abstract readonly kind: string;
  readonly id: string;
  protected readonly now: () => number;
  protected readonly periodMs: number;
  readonly #counters: VirtualDeviceCounters = emptyCounters();
  readonly #faults: FaultInjector;
  #link: Duplex | undefined;
  #parser: Transform | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  protected constructor(options: VirtualDeviceOptions, defaultPeriodMs: number, checksumIndex: number) {
    this.id = options.id;
    this.now = options.now ?? Date.now;
    this.periodMs = options.periodMs ?? defaultPeriodMs;
    this.#faults = new FaultInjector(options.faults, checksumIndex);
  }

  get counters(): Readonly<VirtualDeviceCounters> {
    return { ...this.#counters };
  }

  abstract state(): Record<string, string | number>;
  protected abstract createCommandParser(): Transform;
  protected abstract handleCommand(command: Command): void;
  /** One measurement frame, as the sensor would send it now. */
  protected abstract measurementFrame(): Buffer;
  /** Milliseconds between unsolicited reports, or null when the device must stay quiet. */
  protected abstract reportIntervalMs(): number | null;

  start(link: Duplex): void {
    if (this.#link) throw new Error(`virtual device ${this.id} is already started`);
    this.#link = link;
    const parser = this.createCommandParser();
    this.#parser = parser;
    parser.on('data', (command: Command) => {
      this.#counters.commands += 1;
      this.handleCommand(command);
    });
    parser.on('frame-error', (_err: FrameError) => (this.#counters.bad_commands += 1));
    parser.on('command-error', () => (this.#counters.bad_commands += 1));
    link.on('data', this.#onData);
    link.on('error', this.#onLinkError);
    this.reschedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimer();
    this.#link?.off('data', this.#onData);
    // The error listener stays: the link may still fail (socat gone) before its owner closes it.
    this.#parser?.destroy();
  }

  readonly #onData = (chunk: Buffer) => this.#parser?.write(chunk);
  // The link's owner decides what a link error means; the device only stops using it.
  readonly #onLinkError = () => this.#clearTimer();

  /** Re-arms the report timer after a mode change; call after every state change. */
  protected reschedule(): void {
    this.#clearTimer();
    const interval = this.reportIntervalMs();
    if (interval === null || this.#stopped || !this.#link) return;
    this.#timer = setInterval(() => this.sendMeasurement(), interval);
  }

  protected sendMeasurement(): void {
    const { bytes, injected } = this.#faults.apply(this.measurementFrame());
    if (injected) this.#counters.faults_injected += 1;
    if (this.write(bytes)) this.#counters.frames_sent += 1;
  }

  protected reply(bytes: Buffer): void {
    if (this.write(bytes)) this.#counters.replies += 1;
  }

  /** Counts a command acted upon without an answer on the wire. */
  protected acted(): void {
    this.#counters.replies += 1;
  }

  private write(bytes: Buffer): boolean {
    const link = this.#link;
    if (this.#stopped || !link || link.destroyed || !link.writable) return false;
    link.write(bytes);
    return true;
  }

  #clearTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
