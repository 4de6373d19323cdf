import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import {
  createNormaliser,
  getProfile,
  type DecodedFrame,
  type DeviceProfile,
  type Normaliser,
} from '@zenne/device-profiles';
import { getBridge, type Bridge, type FrameError, type FrameParser, type ParserCounters } from '@zenne/firmware-bridges';
import { createBackoff } from '../../backoff.ts';
import { agentErrors } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ReadingSink, Source, SourceStats } from '../source.ts';
import type { SourceContext } from '../source-kind.ts';
import { SourceStatsTracker } from '../source-stats.ts';
import type { SerialSourceConfig } from './config.ts';

const RETRY_INITIAL_MS = 500;
// A re-plugged USB adapter is back within seconds; do not make the technician wait longer than this.
const RETRY_MAX_MS = 5_000;

type ParserErrorKind = Exclude<keyof ParserCounters, 'frames'>;
const PARSER_ERROR_KINDS: readonly ParserErrorKind[] = ['bad_checksum', 'bad_tail', 'bad_length', 'truncated', 'garbage_bytes'];

interface Resolved {
  bridge: Bridge;
  profile: DeviceProfile;
  normaliser: Normaliser;
}

/**
 * A sensor on a serial port that reports by itself (SDS011 and PMS5003 in
 * their factory "active" mode) or only when asked (MH-Z19B): when the bridge
 * has a `pollCommand`, the source writes it as soon as the port is open and
 * then every `poll_period_s` (default: the profile's `sample_period_s`) while
 * it stays open. Bytes go through the bridge's parser, frames through the
 * profile's normaliser, readings to the sink.
 *
 * When the port cannot be opened or disappears (adapter unplugged), the source
 * reports `unavailable`, logs it once and retries with backoff; it logs once
 * more when the port is back. A new parser is used for every opening so that
 * half a frame from before the loss is not glued to the bytes after it.
 */
export class SerialSource implements Source {
  readonly kind = 'serial';
  readonly id: string;
  readonly device: string;
  private readonly log: Logger;
  private readonly tracker: SourceStatsTracker;
  private readonly backoff = createBackoff({ initialMs: RETRY_INITIAL_MS, maxMs: RETRY_MAX_MS });
  private resolved: Resolved | undefined;
  private sink: ReadingSink | undefined;
  private port: SerialPortStream | undefined;
  private parser: FrameParser | undefined;
  private parserDone: Promise<void> = Promise.resolve();
  // Counters of parsers already retired (after a port loss), summed.
  private readonly retiredCounters = new Map<ParserErrorKind, number>();
  // Frames are delivered one after the other: each waits for the previous sink call.
  private delivery: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  // Whether a frame arrived since the last poll command, and whether the silence was already logged.
  private answeredSincePoll = true;
  private silenceLogged = false;
  private unavailableLogged = false;
  private sinkFailing = false;
  private stopping: Promise<void> | undefined;
  // Map(problem code -> already logged) so a misconfigured profile warns once per code, not per frame.
  private readonly loggedProblems = new Set<string>();

  constructor(
    private readonly config: SerialSourceConfig,
    private readonly context: SourceContext,
  ) {
    this.id = config.id;
    this.device = config.device;
    this.log = context.logger.child({ source: config.id, port: config.port });
    this.tracker = new SourceStatsTracker({ id: config.id, kind: this.kind, device: config.device });
  }

  async init(): Promise<void> {
    const bridge = getBridge(this.config.bridge);
    const profile = getProfile(this.config.profile);
    const normaliser = createNormaliser(profile, { device: this.config.device });
    this.resolved = { bridge, profile, normaliser };
  }

  async start(sink: ReadingSink): Promise<void> {
    if (!this.resolved) await this.init();
    if (this.sink || this.stopping) return;
    this.sink = sink;
    this.open();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  stats(): SourceStats {
    const counters: Record<string, number> = {};
    for (const kind of PARSER_ERROR_KINDS) {
      counters[kind] = (this.retiredCounters.get(kind) ?? 0) + (this.parser?.counters[kind] ?? 0);
    }
    return this.tracker.snapshot(counters);
  }

  private open(): void {
    const { bridge, profile } = this.resolved!;
    const serial = profile.serial;
    this.tracker.state = 'connecting';
    let port: SerialPortStream;
    try {
      port = new SerialPortStream({
        binding: autoDetect(),
        path: this.config.port,
        baudRate: this.config.baud_rate,
        dataBits: serial?.data_bits ?? 8,
        parity: serial?.parity ?? 'none',
        stopBits: serial?.stop_bits ?? 1,
        autoOpen: false,
      });
    } catch (err) {
      this.unavailable(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.port = port;
    port.open((err) => {
      if (this.stopping) {
        if (!err) port.close();
        return;
      }
      if (err) {
        this.port = undefined;
        this.unavailable(err);
        return;
      }
      this.backoff.reset();
      this.tracker.state = 'running';
      if (this.unavailableLogged) {
        this.unavailableLogged = false;
        this.log.info({ device: this.device }, 'serial port recovered');
      } else {
        this.log.info({ device: this.device, baud_rate: this.config.baud_rate, bridge: bridge.id }, 'serial port open');
      }
      this.attachParser(port, bridge);
      this.startPolling(port, bridge);
    });
  }

  private attachParser(port: SerialPortStream, bridge: Bridge): void {
    const parser = bridge.createParser(this.context.now ? { now: this.context.now } : undefined);
    this.parser = parser;
    this.parserDone = new Promise((resolve) => parser.once('end', resolve));
    parser.on('data', (frame: DecodedFrame) => {
      this.answeredSincePoll = true;
      this.delivery = this.delivery.then(() => this.deliver(frame));
    });
    parser.on('frame-error', (err: FrameError) => {
      this.tracker.lastError = `${err.kind}: ${err.detail}`;
      this.log.debug({ kind: err.kind, bytes: err.bytes, detail: err.detail }, 'frame error');
    });
    port.on('data', (chunk: Buffer) => parser.write(chunk));
    port.on('error', (err: Error) => this.log.debug({ err }, 'serial port error'));
    port.on('close', (err: Error | null) => {
      this.stopPolling();
      this.retireParser();
      if (this.stopping) return;
      this.port = undefined;
      this.unavailable(err ?? new Error('port closed'));
    });
  }

  /** For devices that only answer when asked: one poll now, then one per period while the port is open. */
  private startPolling(port: SerialPortStream, bridge: Bridge): void {
    const pollCommand = bridge.pollCommand?.bind(bridge);
    if (!pollCommand) return;
    const periodMs = (this.config.poll_period_s ?? this.resolved!.profile.sample_period_s) * 1000;
    const poll = () => {
      if (!port.isOpen) return;
      this.checkAnswered();
      this.answeredSincePoll = false;
      // A failed write shows up as the port's close/error, which the recovery path handles.
      port.write(pollCommand(), (err) => {
        if (err) this.log.debug({ err }, 'poll command not written');
      });
    };
    this.stopPolling();
    this.answeredSincePoll = true;
    poll();
    this.pollTimer = setInterval(poll, periodMs);
  }

  /** Counts a poll period that ended without a frame (`no_answer`); logs the first of a run, and the end of it. */
  private checkAnswered(): void {
    if (this.answeredSincePoll) {
      if (this.silenceLogged) {
        this.silenceLogged = false;
        this.log.info({ device: this.device }, 'device answers the poll command again');
      }
      return;
    }
    const message = `no frame from ${this.config.port} in answer to the last poll command: check that TX and RX are crossed, the baud rate (${this.config.baud_rate}) and the sensor's power supply`;
    this.tracker.recordError('no_answer', message);
    if (!this.silenceLogged) {
      this.silenceLogged = true;
      this.log.warn({ device: this.device }, message);
    }
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** Ends the current parser (flushing what it holds) and keeps its counters. */
  private retireParser(): void {
    const parser = this.parser;
    if (!parser || parser.writableEnded) return;
    parser.end();
    parser.once('end', () => {
      for (const kind of PARSER_ERROR_KINDS) {
        this.retiredCounters.set(kind, (this.retiredCounters.get(kind) ?? 0) + parser.counters[kind]);
      }
      if (this.parser === parser) this.parser = undefined;
    });
  }

  private unavailable(cause: Error): void {
    this.tracker.state = 'unavailable';
    const error = agentErrors.SERIAL_PORT_UNAVAILABLE(
      { port: this.config.port, source: this.id, reason: cause.message },
      { cause },
    );
    this.tracker.recordError('port', error.message);
    if (!this.unavailableLogged) {
      this.unavailableLogged = true;
      this.log.warn({ code: error.code, device: this.device, hint: error.hint }, error.message);
    }
    const delay = this.backoff.next();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopping) this.open();
    }, delay);
  }

  private async deliver(frame: DecodedFrame): Promise<void> {
    const { readings, problems } = this.resolved!.normaliser.normalise(frame);
    for (const problem of problems) {
      this.tracker.recordProblem(problem.code, problem.message);
      if (!this.loggedProblems.has(problem.code)) {
        this.loggedProblems.add(problem.code);
        this.log.warn({ code: problem.code, hint: problem.hint, device: this.device }, problem.message);
      }
    }
    this.tracker.recordFrame(readings.length);
    if (readings.length === 0 || !this.sink) return;
    try {
      await this.sink(readings);
      if (this.sinkFailing) {
        this.sinkFailing = false;
        this.log.info({ device: this.device }, 'buffering recovered');
      }
    } catch (cause) {
      const error = agentErrors.SOURCE_SINK_FAILED(
        { source: this.id, reason: cause instanceof Error ? cause.message : String(cause) },
        { cause },
      );
      this.tracker.recordError('sink', error.message);
      if (!this.sinkFailing) {
        this.sinkFailing = true;
        this.log.error({ code: error.code, hint: error.hint, device: this.device }, error.message);
      }
    }
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.stopPolling();
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.retireParser();
    await this.parserDone;
    await this.delivery;
    this.sink = undefined;
    this.tracker.state = 'stopped';
  }
}
