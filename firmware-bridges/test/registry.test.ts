import { describe, expect, it } from 'vitest';
import { bridgeErrors, bridges, getBridge, isBridgeId, pms5003, sds011 } from '../src/index.ts';

describe('bridge registry', () => {
  it('lists each bridge under its own id', () => {
    for (const [id, bridge] of Object.entries(bridges)) expect(bridge.id).toBe(id);
    expect(Object.keys(bridges)).toEqual(['sds011', 'pms5003', 'mhz19b', 'ze03', 'line-counter']);
  });

  it('finds a bridge by id', () => {
    expect(getBridge('sds011')).toBe(sds011);
    expect(getBridge('pms5003')).toBe(pms5003);
    expect(isBridgeId('pms5003')).toBe(true);
    expect(isBridgeId('toString')).toBe(false);
  });

  it('names the known ids when the id is unknown', () => {
    let thrown: unknown;
    try {
      getBridge('sds021');
    } catch (err) {
      thrown = err;
    }
    expect(bridgeErrors.UNKNOWN_BRIDGE.is(thrown)).toBe(true);
    expect((thrown as Error).message).toContain('"sds021"');
    expect((thrown as Error).message).toContain('sds011, pms5003, mhz19b');
  });
});
