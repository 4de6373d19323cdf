import type { Command, CommandAction, ZenneError } from '@zenne/device-profiles';
import type { Source } from '../sources/source.ts';

/** How a command ended on one device (the gateway-side part of a CommandResult). */
export type CommandOutcome =
  | { status: 'done'; observed: Record<string, number> }
  | { status: 'failed' | 'rejected'; error: ZenneError };

/**
 * Optional ability of a source whose devices take commands (a Modbus bus of
 * lamp controllers). The agent finds it with isCommandTarget().
 */
export interface CommandTarget {
  /** The actions `device` takes, or undefined when this source does not read `device`. */
  commandsOf(device: string): CommandAction[] | undefined;
  /**
   * Carries `command` out on `device` and confirms it with the device.
   * Never rejects: every failure is an outcome. Settles at the latest one
   * device timeout after `deadline` (epoch ms), and when the source stops.
   * `id` is the command id, for messages.
   */
  execute(id: string, device: string, command: Command, deadline: number): Promise<CommandOutcome>;
}

export function isCommandTarget(source: Source): source is Source & CommandTarget {
  const s = source as Partial<CommandTarget>;
  return typeof s.commandsOf === 'function' && typeof s.execute === 'function';
}
