import { MAX_READ_REGISTERS } from './pdu.ts';
import { registerCount, type RegisterType } from './values.ts';

export interface RegisterSpan {
  address: number;
  type: RegisterType;
}

export interface ReadBlock {
  address: number;
  quantity: number;
}

/**
 * Groups registers into as few reads as possible: spans are sorted and merged
 * while one read still covers them within `maxBlock` registers (at most 125,
 * the protocol limit of §6.3/§6.4). Unmapped registers between two spans are
 * read too, so a device that answers "illegal data address" for gaps (the
 * Senseair S8, TDE2067 Table 3) needs a `maxBlock` that keeps them apart.
 */
export function planReadBlocks(spans: readonly RegisterSpan[], maxBlock = MAX_READ_REGISTERS): ReadBlock[] {
  const limit = Math.min(maxBlock, MAX_READ_REGISTERS);
  const sorted = [...spans].sort((a, b) => a.address - b.address);
  const blocks: ReadBlock[] = [];
  for (const span of sorted) {
    const end = span.address + registerCount(span.type);
    const last = blocks.at(-1);
    if (last && end - last.address <= limit) {
      last.quantity = Math.max(last.quantity, end - last.address);
    } else {
      blocks.push({ address: span.address, quantity: end - span.address });
    }
  }
  return blocks;
}
