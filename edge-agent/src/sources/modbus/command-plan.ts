import { minuteOfDay, type Command, type DeviceProfile } from '@zenne/device-profiles';
import type { ModbusRequest } from '@zenne/firmware-bridges/modbus';

/**
 * How one command is carried out on a Modbus device: one write, then a read
 * of the same registers that must give back exactly what was written.
 */
export interface CommandPlan {
  write: Extract<ModbusRequest, { function: 0x06 | 0x10 }>;
  /** Words the read-back must return, from `write.address`. */
  expected: number[];
  /** What the result reports as observed, from the words read back. */
  observed(words: readonly number[]): Record<string, number>;
}

/** The plan for `command` on a device of `profile`, or why there is none. */
export function planCommand(profile: DeviceProfile, command: Command): CommandPlan | { unsupported: string } {
  const map = profile.modbus?.commands;
  switch (command.action) {
    case 'dim': {
      if (!map?.dim) return { unsupported: `profile ${profile.id} has no dim register` };
      const register = map.dim.register;
      return {
        write: { function: 0x06, address: register, value: command.level },
        expected: [command.level],
        observed: ([level]) => ({ level: level! }),
      };
    }
    case 'switch': {
      if (!map?.switch) return { unsupported: `profile ${profile.id} has no switch register` };
      const value = command.state === 'on' ? 1 : 0;
      return {
        write: { function: 0x06, address: map.switch.register, value },
        expected: [value],
        observed: ([on]) => ({ on: on! }),
      };
    }
    case 'schedule': {
      if (!map?.schedule) return { unsupported: `profile ${profile.id} has no schedule registers` };
      const { register, max_steps } = map.schedule;
      if (command.steps.length > max_steps) {
        return { unsupported: `${command.steps.length} steps given, the device holds ${max_steps}` };
      }
      const words = [command.steps.length];
      for (const step of command.steps) words.push(minuteOfDay(step.at), step.level);
      while (words.length < 1 + 2 * max_steps) words.push(0);
      return {
        write: { function: 0x10, address: register, values: words },
        expected: words,
        observed: ([steps]) => ({ steps: steps! }),
      };
    }
  }
}
