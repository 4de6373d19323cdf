import { createNormaliser, type DeviceProfile, type Normaliser } from '@zenne/device-profiles';
import {
  decodeRegisterValue,
  planReadBlocks,
  registerCount,
  type ReadBlock,
  type RegisterType,
  type WordOrder,
} from '@zenne/firmware-bridges/modbus';
import type { SourceConfigFinding } from '../source-kind.ts';
import type { ModbusBusDevice } from './config.ts';

interface RegisterRead {
  field: string;
  address: number;
  type: RegisterType;
  word_order: WordOrder;
  scale: number;
}

/** How one bus device is read: which function, which register blocks, which field each register gives. */
export interface DevicePlan {
  entry: ModbusBusDevice;
  profile: DeviceProfile;
  functionCode: 0x03 | 0x04;
  blocks: ReadBlock[];
  registers: RegisterRead[];
  normaliser: Normaliser;
}

/** The registers of the device's view: those of its `phase`, or the untagged ones when it has none. */
function registersOf(entry: ModbusBusDevice, profile: DeviceProfile): RegisterRead[] {
  return (profile.modbus?.registers ?? []).filter((r) => r.phase === entry.phase);
}

/** Why `profile` cannot read `entry` (no register map, nothing for its phase), or nothing. */
export function checkDevicePlan(entry: ModbusBusDevice, profile: DeviceProfile): SourceConfigFinding[] {
  if (profile.transport !== 'modbus_rtu' && profile.transport !== 'modbus_tcp') {
    return [{ key: 'profile', message: `profile ${profile.id} describes a ${profile.transport} device, not a Modbus one` }];
  }
  if (!profile.modbus) return [{ key: 'profile', message: `profile ${profile.id} has no modbus register map` }];
  const registers = registersOf(entry, profile);
  if (registers.length === 0) {
    return [
      {
        key: 'phase',
        message: entry.phase
          ? `profile ${profile.id} has no registers for phase ${entry.phase}`
          : `profile ${profile.id} only has per-phase registers; set phase: 1, 2 or 3`,
      },
    ];
  }
  return [];
}

/**
 * Plans the reads of one device. Channels whose field the device's view does
 * not read (frequency on a phase of a three-phase meter) are left out of its
 * normaliser, so they are not reported missing on every poll.
 */
export function planDevice(entry: ModbusBusDevice, profile: DeviceProfile): DevicePlan {
  const map = profile.modbus!;
  const registers = registersOf(entry, profile);
  const fields = new Set(registers.map((r) => r.field));
  const channels = profile.channels.filter((c) => fields.has(c.field));
  return {
    entry,
    profile,
    functionCode: map.function === 'input' ? 0x04 : 0x03,
    blocks: planReadBlocks(registers, map.max_block),
    registers,
    normaliser: createNormaliser({ ...profile, channels }, { device: entry.device }),
  };
}

/** Decodes the registers read for each block (same order as `plan.blocks`) into frame fields. */
export function decodeFields(plan: DevicePlan, blockValues: readonly number[][]): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const register of plan.registers) {
    const index = plan.blocks.findIndex(
      (b) => register.address >= b.address && register.address + registerCount(register.type) <= b.address + b.quantity,
    );
    const block = plan.blocks[index]!;
    fields[register.field] = decodeRegisterValue(
      blockValues[index]!,
      register.address - block.address,
      register.type,
      register.word_order,
      register.scale,
    );
  }
  return fields;
}
