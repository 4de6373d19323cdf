import { describe, expect, it } from 'vitest';
import type { Reading } from '@zenne/device-profiles';
import { liveFilterQuery, liveMatcher } from '../src/feeds/live-filter.ts';
import type { Device, Registry } from '../src/registry/registry.ts';

const devices: Record<string, Partial<Device>> = {
  'aq-monnaie-01': { location: { lon: 4.352853, lat: 50.849402, height: 3 } },
  'aq-monnaie-02': { location: { lon: 4.3533, lat: 50.8499, height: 3 }, building: 'theatre-monnaie' },
};
const registry = { getDevice: (id: string) => devices[id] as Device | undefined } as Registry;
const reading = (device: string, fields: Partial<Reading> = {}): Reading =>
  ({ device, quantity: 'pm2_5', value: 10, unit: 'ug/m3', ts: '2026-11-23T08:00:00.000Z', seq: 1, quality: 'good', ...fields });
const matching = (query: Record<string, string>) => {
  const matches = liveMatcher(liveFilterQuery.parse(query), registry);
  return ['aq-monnaie-01', 'aq-monnaie-02', 'aq-unknown'].filter((d) => matches(reading(d)));
};

describe('live filter (shared by SSE and WebSocket)', () => {
  it('keeps devices inside the bounding box, edges included', () => {
    expect(matching({ bbox: '4.3525,50.8490,4.3531,50.8496' })).toEqual(['aq-monnaie-01']);
    expect(matching({ bbox: '4.352853,50.849402,4.3533,50.8499' })).toEqual(['aq-monnaie-01', 'aq-monnaie-02']);
  });

  it('keeps devices of the building; unknown devices never pass a place filter', () => {
    expect(matching({ building: 'theatre-monnaie' })).toEqual(['aq-monnaie-02']);
    expect(matching({})).toEqual(['aq-monnaie-01', 'aq-monnaie-02', 'aq-unknown']);
  });

  it('combines filters and keeps scenario readings apart from real ones', () => {
    const matches = liveMatcher(liveFilterQuery.parse({ quantity: 'pm10', device: 'aq-monnaie-02' }), registry);
    expect(matches(reading('aq-monnaie-02', { quantity: 'pm10' }))).toBe(true);
    expect(matches(reading('aq-monnaie-02'))).toBe(false);
    expect(matches(reading('aq-monnaie-02', { quantity: 'pm10', scenario: 'what-if-1' }))).toBe(false);
  });

  it.each([
    ['4.35,50.8,4.36', 'three numbers'],
    ['4.36,50.8,4.35,50.9', 'min above max'],
    ['4.35,50.8,4.36,95', 'latitude out of range'],
    ['4.35,50.8,4.36,abc', 'not a number'],
    ['4.35,50.8,4.36,50.9,1', 'five numbers'],
  ])('refuses bbox=%s (%s)', (bbox) => {
    expect(liveFilterQuery.safeParse({ bbox }).success).toBe(false);
  });
});
