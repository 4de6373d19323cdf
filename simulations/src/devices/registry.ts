import { simErrors } from '../errors.ts';
import type { VirtualDeviceKind } from './device.ts';
import { lineCounterKind } from './line-counter/virtual-line-counter.ts';
import { mhz19bKind } from './mhz19b/virtual-mhz19b.ts';
import { pms5003Kind } from './pms5003/virtual-pms5003.ts';
import { sds011Kind } from './sds011/virtual-sds011.ts';
import { ze03Kind } from './ze03/virtual-ze03.ts';

/** Every virtual device kind. Add a kind here to make it usable in fleet files. */
export const virtualDeviceKinds: readonly VirtualDeviceKind[] = [sds011Kind, pms5003Kind, mhz19bKind, lineCounterKind, ze03Kind];

/** A kind by id; throws `ZENNE_ERR_SIM_DEVICE_KIND_UNKNOWN` naming the known ones. */
export function getVirtualDeviceKind(id: string): VirtualDeviceKind {
  const kind = virtualDeviceKinds.find((k) => k.id === id);
  if (!kind) throw simErrors.DEVICE_KIND_UNKNOWN({ kind: id, known: virtualDeviceKinds.map((k) => k.id).join(', ') });
  return kind;
}
