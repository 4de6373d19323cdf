import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getVirtualDeviceKind } from '../../src/devices/registry.ts';
import { fleetToYaml } from '../../src/fleet/fleet-yaml.ts';
import { BRUSSELS_DEMO_FLEET, loadFleet } from '../../src/fleet/fleet-schema.ts';
import { wgs84ToLambert72 } from '../../src/fleet/lambert72.ts';
import { placeFleet } from '../../src/fleet/place-fleet.ts';
import { distanceToAxis, loadStreetAxes, URBIS_DIR } from '../../src/fleet/street-axes.ts';

const fleet = loadFleet();
const cells = ['bxl-e148500-n171000', 'bxl-e148500-n170500'].map((c) => loadStreetAxes(join(URBIS_DIR, c, 'street_axes.geojson')));
const axes = cells.flatMap((c) => c.axes);
const bbox = cells.reduce<[number, number, number, number]>(
  (b, c) => [Math.min(b[0], c.bbox[0]), Math.min(b[1], c.bbox[1]), Math.max(b[2], c.bbox[2]), Math.max(b[3], c.bbox[3])],
  [Infinity, Infinity, -Infinity, -Infinity],
);

describe('fleet/brussels-demo.yaml', () => {
  it('has two gateways with at least ten sensors each, of both kinds', () => {
    expect(fleet.gateways.map((g) => g.id)).toEqual(['gw-monnaie', 'gw-grand-place']);
    for (const gateway of fleet.gateways) {
      expect(gateway.devices.length).toBeGreaterThanOrEqual(10);
      expect(new Set(gateway.devices.map((d) => d.kind))).toEqual(new Set(['sds011', 'pms5003']));
      for (const device of gateway.devices) expect(getVirtualDeviceKind(device.kind).id).toBe(device.kind);
    }
  });

  it('places every sensor inside the street-axes bounding box, on the centre line of its named street', () => {
    for (const device of fleet.gateways.flatMap((g) => g.devices)) {
      const p = wgs84ToLambert72(device.location.lon, device.location.lat);
      expect(p.x).toBeGreaterThanOrEqual(bbox[0]);
      expect(p.y).toBeGreaterThanOrEqual(bbox[1]);
      expect(p.x).toBeLessThanOrEqual(bbox[2]);
      expect(p.y).toBeLessThanOrEqual(bbox[3]);
      const named = axes.filter((a) => a.nameFr === device.street);
      expect(named.length, device.street).toBeGreaterThan(0);
      // Rounding to 1e-7° is ~1 cm; the WGS84 round trip through proj4 adds nothing measurable.
      expect(Math.min(...named.map((a) => distanceToAxis(p, a))), device.id).toBeLessThan(0.05);
      expect(named.map((a) => a.nameNl)).toContain(device.street_nl);
      expect(device.location.height).toBe(3);
    }
  });

  it('is what the placement script produces (reproducible)', () => {
    expect(readFileSync(BRUSSELS_DEMO_FLEET, 'utf8')).toBe(fleetToYaml(placeFleet()));
  });

  it('is quoted correctly in the README', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const fleetSection = readme.slice(readme.indexOf('## Fleet'));
    const sample = /```yaml\n([\s\S]*?)```/.exec(fleetSection)![1]!;
    const indented = sample.trimEnd().split('\n').map((line) => `      ${line}`).join('\n');
    expect(readFileSync(BRUSSELS_DEMO_FLEET, 'utf8')).toContain(indented);
  });

  it('puts the fleet in central Brussels (sanity check of the datum shift)', () => {
    // Place de la Monnaie is at about 50.8497 N, 4.3527 E.
    const monnaie = fleet.gateways[0]!.devices[0]!;
    expect(monnaie.location.lat).toBeCloseTo(50.8497, 2);
    expect(monnaie.location.lon).toBeCloseTo(4.3527, 2);
  });
});
