import { getProfile, profileCommands, type Command, type CommandAction, type ZenneError } from '@zenne/device-profiles';
import { decodeResponse, encodeRequest, responseMismatch } from '@zenne/firmware-bridges/modbus';
import { createBackoff } from '../../backoff.ts';
import type { CommandOutcome, CommandTarget } from '../../commands/command-target.ts';
import { agentErrors } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ReadingSink, Source, SourceStats } from '../source.ts';
import type { SourceContext } from '../source-kind.ts';
import { SourceStatsTracker } from '../source-stats.ts';
import { planCommand, type CommandPlan } from './command-plan.ts';
import type { ModbusSourceConfig } from './config.ts';
import { checkDevicePlan, decodeFields, planDevice, type DevicePlan } from './device-plan.ts';
import { DeviceSchedule } from './device-schedule.ts';
import { DEVICE_FAULT_COUNTERS, type DeviceFault, type ModbusDeviceStats } from './device-stats.ts';
import type { ModbusTransport } from './transport.ts';

const BUS_RETRY_INITIAL_MS = 500;
const BUS_RETRY_MAX_MS = 10_000;

interface BusDevice {
  plan: DevicePlan;
  schedule: DeviceSchedule;
  stats: Omit<ModbusDeviceStats, 'schedule'>;
  /** Fault kinds already logged since the device last answered cleanly (log once, not per poll). */
  logged: Set<string>;
}

type PollOutcome =
  | { kind: 'data'; fields: Record<string, number> }
  | { kind: 'answered' }
  | { kind: 'timeout' }
  | { kind: 'crc_error' };

/** Thrown inside a poll when the link (port, socket) is gone; the loop reconnects. */
class LinkLost extends Error {}

/** A command waiting for (or holding) the bus. `settle` resolves the caller's promise once; later calls are ignored. */
interface CommandJob {
  id: string;
  device: BusDevice;
  plan: CommandPlan;
  deadline: number;
  settle(outcome: CommandOutcome): void;
}

/**
 * A Modbus bus (RTU over a serial port, or TCP) with several slave devices.
 * One loop per bus sends one request at a time; each device is polled on its
 * own period (DeviceSchedule). A request that times out is retried
 * `retries` times; a device that still does not answer goes on a slow retry
 * schedule, so it costs the bus one timeout now and then and the others keep
 * their period. Readings carry the device id of their bus entry; the
 * source's own `device` is the bus id.
 *
 * Commands (CommandTarget) take the bus before the next poll: the write,
 * then a read-back of the same registers, then an early poll of the device
 * so its new state reaches the cloud as readings.
 *
 * Faults are counted per device (deviceStats()) and in the source's
 * `errors` as `<device>.timeouts`, `.crc_errors`, `.exceptions`,
 * `.bad_frames`; each is logged once with the likely fix, and once more
 * when the device answers again.
 */
export class ModbusSource implements Source, CommandTarget {
  readonly kind: ModbusSourceConfig['kind'];
  readonly id: string;
  readonly device: string;
  private readonly log: Logger;
  private readonly tracker: SourceStatsTracker;
  private readonly busBackoff = createBackoff({ initialMs: BUS_RETRY_INITIAL_MS, maxMs: BUS_RETRY_MAX_MS });
  private devices: BusDevice[] | undefined;
  private sink: ReadingSink | undefined;
  private loop: Promise<void> | undefined;
  private delivery: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private stopping: Promise<void> | undefined;
  private strayBytesBefore = 0;
  private busDownLogged = false;
  private sinkFailing = false;
  private readonly loggedProblems = new Set<string>();
  /** Commands waiting for the bus, in arrival order; they go before any poll. */
  private readonly jobs: CommandJob[] = [];

  constructor(
    private readonly config: ModbusSourceConfig,
    private readonly transport: ModbusTransport,
    private readonly context: SourceContext,
  ) {
    this.kind = config.kind;
    this.id = config.id;
    this.device = config.id;
    this.log = context.logger.child({ source: config.id, bus: transport.address });
    this.tracker = new SourceStatsTracker({ id: config.id, kind: config.kind, device: config.id });
  }

  async init(): Promise<void> {
    const now = performance.now();
    this.devices = this.config.devices.map((entry) => {
      const profile = getProfile(entry.profile);
      const problem = checkDevicePlan(entry, profile)[0];
      if (problem) {
        throw agentErrors.MODBUS_PROFILE_UNUSABLE({ profile: profile.id, device: entry.device, source: this.id, reason: problem.message });
      }
      return {
        plan: planDevice(entry, profile),
        schedule: new DeviceSchedule(entry.poll_period_s * 1000, this.config.retries, this.config.slow_retry_max_s * 1000, now),
        stats: {
          device: entry.device,
          unit_id: entry.unit_id,
          polls: 0,
          answers: 0,
          timeouts: 0,
          crc_errors: 0,
          exceptions: 0,
          bad_frames: 0,
          last_answer_at: null,
          last_error: null,
        },
        logged: new Set<string>(),
      };
    });
  }

  async start(sink: ReadingSink): Promise<void> {
    if (!this.devices) await this.init();
    if (this.sink || this.stopping) return;
    this.sink = sink;
    this.loop = this.run();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  stats(): SourceStats {
    const counters: Record<string, number> = { stray_bytes: this.strayBytesBefore + this.transport.strayBytes };
    for (const d of this.devices ?? []) {
      for (const fault of DEVICE_FAULT_COUNTERS) counters[`${d.stats.device}.${fault}`] = d.stats[fault];
    }
    return this.tracker.snapshot(counters);
  }

  /** Per-device counters and schedule, for `zenne-agent status` and tests. */
  deviceStats(): ModbusDeviceStats[] {
    return (this.devices ?? []).map((d) => ({ ...d.stats, schedule: d.schedule.answering ? 'polling' : 'slow_retry' }));
  }

  commandsOf(device: string): CommandAction[] | undefined {
    const d = this.devices?.find((x) => x.plan.entry.device === device);
    return d && profileCommands(d.plan.profile);
  }

  execute(id: string, device: string, command: Command, deadline: number): Promise<CommandOutcome> {
    const d = this.devices?.find((x) => x.plan.entry.device === device);
    if (!d) return Promise.resolve({ status: 'rejected', error: agentErrors.COMMAND_UNKNOWN_DEVICE({ id, device, gateway: this.id }) });
    const plan = planCommand(d.plan.profile, command);
    if ('unsupported' in plan) {
      return Promise.resolve({ status: 'rejected', error: agentErrors.COMMAND_UNSUPPORTED({ id, device, action: command.action, reason: plan.unsupported }) });
    }
    if (this.stopping || !this.sink) return Promise.resolve(this.aborted(id, device, 'the source is not running'));
    return new Promise((resolve) => {
      let settled = false;
      const job: CommandJob = {
        id,
        device: d,
        plan,
        deadline,
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      // Still queued at the deadline (bus down, or busy with a long queue): give up. A running job finishes on its own.
      const timer = setTimeout(() => {
        const at = this.jobs.indexOf(job);
        if (at < 0) return;
        this.jobs.splice(at, 1);
        job.settle({ status: 'failed', error: this.noCommandAnswer(job) });
      }, Math.max(0, deadline - Date.now()));
      this.jobs.push(job);
      // Wake a loop that waits for the next poll; a loop waiting to reconnect keeps its backoff.
      if (this.tracker.state === 'running') this.wake?.();
    });
  }

  /** Write, then read back; the outcome names the first thing that went wrong. */
  private async runCommand(job: CommandJob): Promise<void> {
    const { device: d, plan, id } = job;
    const { unit_id: unit, device } = d.plan.entry;
    const written = await this.commandExchange(job, plan.write);
    if (!written.ok) return job.settle(written.outcome);
    const readback = { function: 0x03, address: plan.write.address, quantity: plan.expected.length } as const;
    const read = await this.commandExchange(job, readback);
    if (!read.ok) return job.settle(read.outcome);
    const words = read.response.kind === 'registers' ? read.response.values : [];
    const differs = plan.expected.findIndex((w, i) => words[i] !== w);
    // Poll the device now, so its new state reaches the cloud as readings without waiting a period.
    d.schedule.nextDueAt = performance.now();
    if (differs >= 0) {
      const error = agentErrors.COMMAND_NOT_APPLIED({ id, device, register: plan.write.address + differs, expected: plan.expected[differs]!, got: words[differs] ?? 'nothing' });
      this.log.warn({ code: error.code, hint: error.hint, device, unit }, error.message);
      return job.settle({ status: 'failed', error });
    }
    this.log.info({ command: id, device, unit, observed: plan.observed(words) }, 'command carried out');
    job.settle({ status: 'done', observed: plan.observed(words) });
  }

  /** One request of a command, retried on timeouts and CRC errors while the deadline allows. */
  private async commandExchange(
    job: CommandJob,
    request: Parameters<typeof encodeRequest>[0],
  ): Promise<{ ok: true; response: Exclude<ReturnType<typeof decodeResponse>, { ok: false }>['response'] } | { ok: false; outcome: CommandOutcome }> {
    const { unit_id: unit, device } = job.device.plan.entry;
    for (let attempt = 0; attempt <= this.config.retries && Date.now() < job.deadline; attempt += 1) {
      let exchange;
      try {
        exchange = await this.exchange(unit, encodeRequest(request));
      } catch (err) {
        job.settle(this.aborted(job.id, device, `the bus ${this.transport.address} was lost`));
        throw err;
      }
      if (exchange.outcome === 'timeout' || exchange.outcome === 'crc_error') continue;
      const decoded = exchange.outcome === 'answer' ? decodeResponse(exchange.pdu) : { ok: false as const, reason: exchange.detail };
      const mismatch = decoded.ok ? responseMismatch(request, decoded.response) : decoded.reason;
      if (!decoded.ok || mismatch) continue;
      if (decoded.response.kind === 'exception') {
        const { code, name } = decoded.response;
        const error = agentErrors.COMMAND_REFUSED({ id: job.id, device, register: request.address, code: code.toString(16).padStart(2, '0'), name, profile: job.device.plan.profile.id });
        this.log.warn({ code: error.code, hint: error.hint, device, unit }, error.message);
        return { ok: false, outcome: { status: 'failed', error } };
      }
      return { ok: true, response: decoded.response };
    }
    const error = this.noCommandAnswer(job);
    this.log.warn({ code: error.code, hint: error.hint, device, unit }, error.message);
    return { ok: false, outcome: { status: 'failed', error } };
  }

  private noCommandAnswer(job: CommandJob): ZenneError {
    const { unit_id: unit, device } = job.device.plan.entry;
    return agentErrors.COMMAND_NO_ANSWER({ id: job.id, device, unit, address: this.transport.address });
  }

  private aborted(id: string, device: string, reason: string): CommandOutcome {
    return { status: 'failed', error: agentErrors.COMMAND_ABORTED({ id, device, reason }) };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (!(await this.connect())) continue;
      try {
        while (!this.stopping) {
          const job = this.jobs.shift();
          if (job) {
            await this.runCommand(job);
            continue;
          }
          const next = this.devices!.reduce((a, b) => (b.schedule.nextDueAt < a.schedule.nextDueAt ? b : a));
          const wait = next.schedule.nextDueAt - performance.now();
          if (wait > 0) {
            await this.sleep(wait);
            continue;
          }
          await this.poll(next);
        }
      } catch (err) {
        if (this.stopping) return;
        if (!(err instanceof LinkLost)) throw err;
        this.busDown(err);
        await this.transport.close();
        await this.sleep(this.busBackoff.next());
      }
    }
  }

  /** Opens the link; on failure reports the bus unavailable and waits out the backoff. */
  private async connect(): Promise<boolean> {
    this.tracker.state = 'connecting';
    this.strayBytesBefore += this.transport.strayBytes;
    try {
      await this.transport.open(() => this.wake?.());
    } catch (err) {
      this.busDown(err instanceof Error ? err : new Error(String(err)));
      await this.sleep(this.busBackoff.next());
      return false;
    }
    if (this.stopping) {
      await this.transport.close();
      return false;
    }
    this.busBackoff.reset();
    this.tracker.state = 'running';
    const now = performance.now();
    for (const d of this.devices!) d.schedule.resume(now);
    if (this.busDownLogged) {
      this.busDownLogged = false;
      this.log.info('Modbus bus recovered');
    } else {
      this.log.info({ devices: this.devices!.length }, 'Modbus bus open');
    }
    return true;
  }

  private busDown(cause: Error): void {
    this.tracker.state = 'unavailable';
    const error = agentErrors.MODBUS_BUS_UNAVAILABLE({ address: this.transport.address, source: this.id, reason: cause.message }, { cause });
    this.tracker.recordError('bus', error.message);
    if (!this.busDownLogged) {
      this.busDownLogged = true;
      this.log.warn({ code: error.code, hint: error.hint }, error.message);
    }
  }

  private async poll(d: BusDevice): Promise<void> {
    d.stats.polls += 1;
    const outcome = await this.read(d);
    const now = performance.now();
    const { unit_id: unit, device } = d.plan.entry;
    if (outcome.kind === 'timeout' || outcome.kind === 'crc_error') {
      if (d.schedule.failed(now) === 'retry') return;
      if (outcome.kind === 'crc_error') {
        this.report(d, 'crc_errors', agentErrors.MODBUS_CRC_ERROR({ unit, device, address: this.transport.address }));
        d.schedule.answered(now);
      } else if (d.schedule.silent(now)) {
        this.report(d, 'timeouts', this.noAnswer(d));
      }
      return;
    }
    d.stats.answers += 1;
    d.stats.last_answer_at = (this.context.now?.() ?? new Date()).toISOString();
    if (d.schedule.answered(now)) this.log.info({ device, unit }, 'Modbus device answers again');
    if (outcome.kind !== 'data') return;
    if (d.logged.size > 0) {
      d.logged.clear();
      d.stats.last_error = null;
    }
    const frame = { fields: outcome.fields, ts: this.context.now?.() ?? new Date() };
    this.delivery = this.delivery.then(() => this.deliver(d, frame));
  }

  /** Reads every block of the device once; one block that fails fails the whole poll (a frame is all or nothing). */
  private async read(d: BusDevice): Promise<PollOutcome> {
    const { plan } = d;
    const { unit_id: unit, device } = plan.entry;
    const values: number[][] = [];
    for (const block of plan.blocks) {
      const request = { function: plan.functionCode, address: block.address, quantity: block.quantity } as const;
      const exchange = await this.exchange(unit, encodeRequest(request));
      if (exchange.outcome === 'timeout') {
        d.stats.timeouts += 1;
        return { kind: 'timeout' };
      }
      if (exchange.outcome === 'crc_error') {
        d.stats.crc_errors += 1;
        return { kind: 'crc_error' };
      }
      const decoded = exchange.outcome === 'answer' ? decodeResponse(exchange.pdu) : { ok: false as const, reason: exchange.detail };
      const mismatch = decoded.ok ? responseMismatch(request, decoded.response) : decoded.reason;
      if (!decoded.ok || mismatch) {
        d.stats.bad_frames += 1;
        this.report(d, 'bad_frames', agentErrors.MODBUS_BAD_FRAME({ unit, device, address: this.transport.address, detail: mismatch }));
        return { kind: 'answered' };
      }
      const response = decoded.response;
      if (response.kind === 'exception') {
        d.stats.exceptions += 1;
        this.report(
          d,
          'exceptions',
          agentErrors.MODBUS_EXCEPTION({
            unit,
            device,
            code: response.code.toString(16).padStart(2, '0'),
            name: response.name,
            function: response.function.toString(16).padStart(2, '0'),
            register: block.address,
            profile: plan.profile.id,
          }),
        );
        return { kind: 'answered' };
      }
      if (response.kind !== 'registers') return { kind: 'answered' };
      values.push(response.values);
    }
    return { kind: 'data', fields: decodeFields(plan, values) };
  }

  private async exchange(unitId: number, pdu: Buffer) {
    try {
      return await this.transport.exchange(unitId, pdu, this.config.timeout_ms);
    } catch (err) {
      throw new LinkLost(err instanceof Error ? err.message : String(err));
    }
  }

  private noAnswer(d: BusDevice): ZenneError {
    return agentErrors.MODBUS_NO_ANSWER({
      unit: d.stats.unit_id,
      device: d.stats.device,
      address: this.transport.address,
      attempts: this.config.retries + 1,
      timeout_ms: this.config.timeout_ms,
      baud: this.config.kind === 'modbus_rtu' ? `${this.config.baud_rate} baud, parity ${this.config.parity}` : 'the serial side of a TCP gateway',
    });
  }

  /** Counts the fault for the source, and logs it once until the device answers cleanly again. */
  private report(d: BusDevice, fault: DeviceFault, error: ZenneError): void {
    d.stats.last_error = error.message;
    this.tracker.lastError = error.message;
    if (d.logged.has(fault)) return;
    d.logged.add(fault);
    this.log.warn({ code: error.code, hint: error.hint, device: d.stats.device, unit: d.stats.unit_id }, error.message);
  }

  private async deliver(d: BusDevice, frame: { fields: Record<string, number>; ts: Date }): Promise<void> {
    const { readings, problems } = d.plan.normaliser.normalise(frame);
    for (const problem of problems) {
      this.tracker.recordProblem(problem.code, problem.message);
      const key = `${d.stats.device}:${problem.code}`;
      if (!this.loggedProblems.has(key)) {
        this.loggedProblems.add(key);
        this.log.warn({ code: problem.code, hint: problem.hint, device: d.stats.device }, problem.message);
      }
    }
    this.tracker.recordFrame(readings.length);
    if (readings.length === 0 || !this.sink) return;
    try {
      await this.sink(readings);
      if (this.sinkFailing) {
        this.sinkFailing = false;
        this.log.info('buffering recovered');
      }
    } catch (cause) {
      const error = agentErrors.SOURCE_SINK_FAILED({ source: this.id, reason: cause instanceof Error ? cause.message : String(cause) }, { cause });
      this.tracker.recordError('sink', error.message);
      if (!this.sinkFailing) {
        this.sinkFailing = true;
        this.log.error({ code: error.code, hint: error.hint }, error.message);
      }
    }
  }

  /** Waits `ms`, or less when stop() or a lost link wakes the loop. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async shutdown(): Promise<void> {
    for (const job of this.jobs.splice(0)) job.settle(this.aborted(job.id, job.device.plan.entry.device, 'the source is stopping'));
    this.wake?.();
    await this.transport.close();
    await this.loop?.catch((err: unknown) => this.log.error({ err }, 'Modbus bus loop failed'));
    await this.delivery;
    this.sink = undefined;
    this.tracker.state = 'stopped';
  }
}
