import type { Bridge } from './bridge.ts';
import { bridgeErrors } from './errors.ts';
import { lineCounter } from './line-counter/index.ts';
import { mhz19b } from './mhz19b/index.ts';
import { pms5003 } from './pms5003/index.ts';
import { sds011 } from './sds011/index.ts';
import { ze03 } from './ze03/index.ts';

/** Every firmware bridge, by id. Add a family here to make it available to profiles and agents. */
export const bridges = { sds011, pms5003, mhz19b, ze03, 'line-counter': lineCounter } as const satisfies Record<string, Bridge>;
export type BridgeId = keyof typeof bridges;

export function isBridgeId(id: string): id is BridgeId {
  return Object.hasOwn(bridges, id);
}

/** Looks a bridge up by id; throws `ZENNE_ERR_BRIDGE_UNKNOWN_BRIDGE` naming the known ids. */
export function getBridge<K extends BridgeId>(id: K): (typeof bridges)[K];
export function getBridge(id: string): Bridge;
export function getBridge(id: string): Bridge {
  if (!isBridgeId(id)) throw bridgeErrors.UNKNOWN_BRIDGE({ id, known: Object.keys(bridges).join(', ') });
  return bridges[id];
}

export type { Bridge, FrameError, FrameErrorKind, FrameParser, ParserCounters } from './bridge.ts';
export { bridgeErrors } from './errors.ts';
export * from './sds011/index.ts';
export * from './pms5003/index.ts';
export * from './mhz19b/index.ts';
export * from './line-counter/index.ts';
export * from './ze03/index.ts';
