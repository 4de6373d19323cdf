import { z } from 'zod';
import {
  commandRequestSchema,
  topics,
  type Command,
  type CommandRequest,
  type CommandResult,
  type ZenneError,
} from '@zenne/device-profiles';
import { agentErrors } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Source } from '../sources/source.ts';
import type { UplinkChannel } from '../uplink/index.ts';
import { isCommandTarget, type CommandOutcome } from './command-target.ts';

const count = z.number().int().nonnegative();

/** Command counters for status.json: per device and command, by how it ended. */
export const commandStatsSchema = z.object({
  received: count,
  invalid: count,
  done: count,
  failed: count,
  rejected: count,
  expired: count,
  running: count,
});
export type CommandStats = z.infer<typeof commandStatsSchema>;

// Commands remembered for redelivery (QoS 1 may bring one twice); beyond that the oldest is forgotten.
const REMEMBERED_COMMANDS = 500;
// Results finished while the cloud was unreachable, sent on reconnect; beyond that the oldest is dropped.
const MAX_UNSENT_RESULTS = 5000;

export interface CommandRouterOptions {
  gateway: string;
  /** The sources running now (remote config may replace them). */
  sources: () => readonly Source[];
  /** Publishes on the uplink's connection; false when it is down. */
  publish: (topic: string, payload: string, options: { retain: boolean }) => boolean;
  logger: Logger;
}

/**
 * Carries out the cloud's commands (`.../commands`) on the devices of the
 * gateway's sources that take them (CommandTarget), and answers one
 * CommandResult per device on `.../commands/result`. Devices of one command
 * run concurrently (a bus still serialises its own). A command id seen again
 * is not carried out twice: its finished results are sent again. Results that
 * finish while the cloud is unreachable are sent on the next connect.
 *
 * Lifecycle: hand `channel` to the uplink; idle() resolves once every command
 * received so far has finished on every device (the agent awaits it before
 * stopping the sources).
 */
export class CommandRouter {
  readonly channel: UplinkChannel;
  private readonly log: Logger;
  private readonly resultTopic: string;
  private readonly counters: CommandStats = { received: 0, invalid: 0, done: 0, failed: 0, rejected: 0, expired: 0, running: 0 };
  // Map(command id -> Map(device -> result, or undefined while it runs)), oldest command first.
  private readonly seen = new Map<string, Map<string, CommandResult | undefined>>();
  private readonly unsent: CommandResult[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: CommandRouterOptions) {
    this.log = options.logger.child({ component: 'commands' });
    this.resultTopic = topics.commandResults(options.gateway);
    this.channel = {
      topics: [topics.commands(options.gateway)],
      onConnected: () => this.flush(),
      onMessage: (topic, payload) => this.handle(topic, payload),
    };
  }

  stats(): CommandStats {
    return { ...this.counters };
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private handle(topic: string, payload: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      this.refuseMessage(undefined, agentErrors.COMMAND_BAD_MESSAGE({ topic, reason: `not JSON (${(err as Error).message})` }));
      return;
    }
    const parsed = commandRequestSchema.safeParse(json);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
      this.refuseMessage(json, agentErrors.COMMAND_BAD_MESSAGE({ topic, reason }));
      return;
    }
    const request = parsed.data;
    const known = this.seen.get(request.id);
    if (known) {
      for (const result of known.values()) if (result) this.send(result);
      return;
    }
    this.remember(request);
    this.counters.received += request.devices.length;
    const deadline = Date.parse(request.expires_at);
    this.log.info({ command: request.id, action: request.command.action, devices: request.devices.length, expires_at: request.expires_at }, 'command received');
    for (const device of new Set(request.devices)) {
      const run = this.runOn(request, device, deadline).finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  private async runOn(request: CommandRequest, device: string, deadline: number): Promise<void> {
    const { id, command } = request;
    if (Date.now() >= deadline) {
      const error = agentErrors.COMMAND_EXPIRED({ id, device, expires_at: request.expires_at });
      this.log.warn({ code: error.code, hint: error.hint }, error.message);
      this.finish(id, device, { status: 'expired', error });
      return;
    }
    this.counters.running += 1;
    try {
      this.finish(id, device, await this.execute(id, device, command, deadline));
    } finally {
      this.counters.running -= 1;
    }
  }

  private async execute(id: string, device: string, command: Command, deadline: number): Promise<CommandOutcome | { status: 'expired'; error: ZenneError }> {
    for (const source of this.options.sources()) {
      if (!isCommandTarget(source)) continue;
      const actions = source.commandsOf(device);
      if (!actions) continue;
      if (!actions.includes(command.action)) {
        const reason = actions.length > 0 ? `its profile takes ${actions.join(', ')}` : 'its profile takes no commands';
        return { status: 'rejected', error: agentErrors.COMMAND_UNSUPPORTED({ id, device, action: command.action, reason }) };
      }
      return source.execute(id, device, command, deadline);
    }
    return { status: 'rejected', error: agentErrors.COMMAND_UNKNOWN_DEVICE({ id, device, gateway: this.options.gateway }) };
  }

  private finish(id: string, device: string, outcome: CommandOutcome | { status: 'expired'; error: ZenneError }): void {
    this.counters[outcome.status] += 1;
    const result: CommandResult = {
      v: 1,
      id,
      device,
      status: outcome.status,
      at: new Date().toISOString(),
      ...('observed' in outcome ? { observed: outcome.observed } : { error: { code: outcome.error.code, message: outcome.error.message } }),
    };
    this.seen.get(id)?.set(device, result);
    this.send(result);
  }

  /** An unusable message: counted; answered `rejected` per device when its id and device list can still be read. */
  private refuseMessage(json: unknown, error: ZenneError): void {
    this.counters.invalid += 1;
    this.log.warn({ code: error.code, hint: error.hint }, error.message);
    const loose = z.object({ id: commandRequestSchema.shape.id, devices: z.array(z.string()).max(1000) }).safeParse(json);
    if (!loose.success) return;
    const devices = loose.data.devices.filter((d) => commandRequestSchema.shape.devices.element.safeParse(d).success);
    for (const device of devices) this.finish(loose.data.id, device, { status: 'rejected', error });
  }

  private remember(request: CommandRequest): void {
    this.seen.set(request.id, new Map(request.devices.map((d) => [d, undefined])));
    if (this.seen.size > REMEMBERED_COMMANDS) this.seen.delete(this.seen.keys().next().value!);
  }

  private send(result: CommandResult): void {
    if (this.options.publish(this.resultTopic, JSON.stringify(result), { retain: false })) return;
    this.unsent.push(result);
    if (this.unsent.length > MAX_UNSENT_RESULTS) this.unsent.shift();
  }

  private flush(): void {
    for (const result of this.unsent.splice(0)) this.send(result);
  }
}
