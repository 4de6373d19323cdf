import type { Device } from '../../registry/registry.ts';
import type { AlertScope } from '../alert-schemas.ts';

/** True when `device` is inside `scope`. */
export function inScope(scope: AlertScope, device: Device): boolean {
  switch (scope.kind) {
    case 'device':
      return device.id === scope.device;
    case 'building':
      return device.building === scope.building || device.tags?.building === scope.building;
    case 'tag':
      return device.tags?.[scope.key] === scope.value;
    case 'all':
      return true;
  }
}
