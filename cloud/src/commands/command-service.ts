import { randomUUID } from 'node:crypto';
import {
  commandResultSchema,
  parseGatewayTopic,
  profileCommands,
  topics,
  type CommandRequest,
  type DeviceProfile,
} from '@zenne/device-profiles';
import type { CloudBroker } from '../broker/broker.ts';
import { commandErrors } from '../errors.ts';
import type { GatewayStatusBoard } from '../ingest/gateway-status.ts';
import type { Device, Registry } from '../registry/registry.ts';
import type { Logger } from '../shared/logger.ts';
import { Tally } from '../shared/tally.ts';
import type { CommandRecord, CommandSubmission, DeviceCommandState, DeviceCommandStatus } from './command-schemas.ts';

/** Commands kept for GET /api/v1/commands; the oldest is forgotten beyond this. */
export const KEPT_COMMANDS = 1000;
// A result may still be on its way when the command expires: wait this long before calling it a timeout.
const RESULT_GRACE_MS = 2000;

export interface CommandStats {
  submitted: number;
  /** Device outcomes by status, as they were settled. */
  outcomes: Record<string, number>;
  /** Results from gateways that were refused, by reason. */
  invalid_results: Record<string, number>;
}

export interface CommandServiceOptions {
  broker: CloudBroker;
  registry: Registry;
  profiles: ReadonlyMap<string, DeviceProfile>;
  /** Gateways known to be offline get `undeliverable` at once instead of a timeout later. */
  gatewayStatus: GatewayStatusBoard;
  logger: Logger;
}

/**
 * Sends commands to devices through their gateways and follows them to an
 * outcome per device. A submission is resolved to devices (ids or tags),
 * checked against each device's profile, split per gateway and published as
 * one CommandRequest per gateway (QoS 1); results come back on
 * `zenne/v1/gw/+/commands/result`, accepted only from the gateway the device
 * belongs to. A device with no result when the command expires becomes
 * `timeout`; a result arriving later still replaces it (the device did act).
 *
 * Commands live in memory (the last KEPT_COMMANDS): a restarted cloud has
 * forgotten them, while the gateways still carry out what they received.
 *
 * Lifecycle: start() subscribes to results; stop() clears the timers.
 */
export class CommandService {
  // Map(command id -> record), oldest first.
  private readonly commands = new Map<string, CommandRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private submitted = 0;
  private readonly outcomes = new Tally(['done', 'failed', 'rejected', 'expired', 'undeliverable', 'timeout'] as const);
  private readonly invalid = new Tally(['not_json', 'invalid', 'unknown_command', 'not_owner'] as const);
  private readonly log: Logger;

  constructor(private readonly options: CommandServiceOptions) {
    this.log = options.logger.child({ component: 'commands' });
  }

  async start(): Promise<void> {
    await this.options.broker.subscribe(topics.commandResults('+'), (topic, payload) => this.onResult(topic, payload));
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  stats(): CommandStats {
    return { submitted: this.submitted, outcomes: this.outcomes.toJSON(), invalid_results: this.invalid.toJSON() };
  }

  get(id: string): CommandRecord {
    const record = this.commands.get(id);
    if (!record) throw commandErrors.NOT_FOUND({ id, kept: KEPT_COMMANDS });
    return record;
  }

  /** Newest first; only those touching `device` when given. */
  list(filter: { device?: string; limit: number }): CommandRecord[] {
    const all = [...this.commands.values()].reverse();
    const matching = filter.device ? all.filter((c) => c.devices.some((d) => d.device === filter.device)) : all;
    return matching.slice(0, filter.limit);
  }

  /** Resolves, checks and sends a command; throws NO_DEVICES or UNKNOWN_DEVICE (nothing sent) when the target is wrong. */
  async submit(submission: CommandSubmission): Promise<CommandRecord> {
    const devices = this.resolve(submission.target);
    const now = new Date();
    const record: CommandRecord = {
      id: randomUUID(),
      command: submission.command,
      target: submission.target,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + submission.timeout_s * 1000).toISOString(),
      state: 'pending',
      summary: {},
      devices: devices.map((device) => this.initialState(device, submission, now)),
    };
    this.keep(record);
    this.submitted += 1;
    const byGateway = new Map<string, string[]>();
    for (const d of record.devices) {
      if (d.status === 'pending') byGateway.set(d.gateway, [...(byGateway.get(d.gateway) ?? []), d.device]);
      else this.outcomes.add(d.status as Exclude<DeviceCommandStatus, 'pending'>);
    }
    for (const [gateway, ids] of byGateway) {
      const request: CommandRequest = { v: 1, id: record.id, devices: ids, command: record.command, issued_at: record.created_at, expires_at: record.expires_at };
      await this.options.broker.publish(topics.commands(gateway), JSON.stringify(request), 1);
    }
    this.refresh(record);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.expire(record);
    }, submission.timeout_s * 1000 + RESULT_GRACE_MS);
    this.timers.add(timer);
    this.log.info({ command: record.id, action: record.command.action, devices: record.devices.length, gateways: byGateway.size, summary: record.summary }, 'command sent');
    return record;
  }

  private resolve(target: CommandSubmission['target']): Device[] {
    const { registry } = this.options;
    if (target.devices) {
      return [...new Set(target.devices)].map((id) => {
        const device = registry.getDevice(id);
        if (!device) throw commandErrors.UNKNOWN_DEVICE({ device: id });
        return device;
      });
    }
    const tags = Object.entries(target.tags!);
    const matching = registry.listDevices().filter((d) => tags.every(([k, v]) => d.tags?.[k] === v));
    if (matching.length === 0) throw commandErrors.NO_DEVICES({ target: JSON.stringify(target) });
    return matching;
  }

  private initialState(device: Device, submission: CommandSubmission, now: Date): DeviceCommandState {
    const base = { device: device.id, gateway: device.gateway, at: now.toISOString() };
    const profile = this.options.profiles.get(device.profile);
    const actions = profile ? profileCommands(profile) : [];
    const action = submission.command.action;
    if (!actions.includes(action)) {
      const reason = actions.length > 0 ? `its profile takes ${actions.join(', ')}` : 'its profile takes no commands';
      const error = commandErrors.UNSUPPORTED({ device: device.id, profile: device.profile, action, reason });
      return { ...base, status: 'rejected', error: { code: error.code, message: error.message } };
    }
    const status = this.options.gatewayStatus.stats().gateways[device.gateway];
    if (status?.state === 'offline') {
      const error = commandErrors.GATEWAY_OFFLINE({ gateway: device.gateway, device: device.id, since: status.ts });
      return { ...base, status: 'undeliverable', error: { code: error.code, message: error.message } };
    }
    return { ...base, status: 'pending' };
  }

  private onResult(topic: string, payload: Buffer): void {
    const gateway = parseGatewayTopic(topic)?.gateway ?? '?';
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return this.refuse(gateway, 'not_json', 'payload is not JSON');
    }
    const parsed = commandResultSchema.safeParse(json);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
      return this.refuse(gateway, 'invalid', reason);
    }
    const result = parsed.data;
    const record = this.commands.get(result.id);
    const state = record?.devices.find((d) => d.device === result.device);
    if (!record || !state) return this.refuse(gateway, 'unknown_command', `command ${result.id} was not sent to ${result.device}`);
    if (state.gateway !== gateway) return this.refuse(gateway, 'not_owner', `device ${result.device} belongs to gateway ${state.gateway}`);
    if (state.status !== 'pending' && state.status !== 'timeout') return;
    if (state.status === 'timeout') this.outcomes.add('timeout', -1);
    Object.assign(state, { status: result.status, at: result.at, observed: result.observed, error: result.error });
    this.outcomes.add(result.status);
    this.refresh(record);
    if (result.status !== 'done') this.log.warn({ command: record.id, device: result.device, status: result.status, error: result.error }, 'command not carried out');
  }

  private refuse(gateway: string, reason: 'not_json' | 'invalid' | 'unknown_command' | 'not_owner', detail: string): void {
    this.invalid.add(reason);
    const error = commandErrors.INVALID_RESULT({ gateway, reason: detail });
    this.log.warn({ code: error.code, gateway }, error.message);
  }

  private expire(record: CommandRecord): void {
    for (const state of record.devices) {
      if (state.status !== 'pending') continue;
      const error = commandErrors.TIMEOUT({ gateway: state.gateway, device: state.device, expires_at: record.expires_at });
      Object.assign(state, { status: 'timeout', at: new Date().toISOString(), error: { code: error.code, message: error.message } });
      this.outcomes.add('timeout');
    }
    this.refresh(record);
  }

  private refresh(record: CommandRecord): void {
    const summary: Partial<Record<DeviceCommandStatus, number>> = {};
    for (const d of record.devices) summary[d.status] = (summary[d.status] ?? 0) + 1;
    record.summary = summary;
    record.state = summary.pending ? 'pending' : 'complete';
  }

  private keep(record: CommandRecord): void {
    this.commands.set(record.id, record);
    if (this.commands.size > KEPT_COMMANDS) this.commands.delete(this.commands.keys().next().value!);
  }
}
