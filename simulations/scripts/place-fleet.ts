/**
 * Regenerates simulations/fleet/brussels-demo.yaml from the plan in
 * simulations/src/fleet/place-fleet.ts and the UrbIS street axes in
 * simulations/data/urbis. Run from the repository root:
 *   node --import tsx simulations/scripts/place-fleet.ts [--check]
 * `--check` exits 1 when the committed file differs from a fresh placement.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fleetToYaml } from '../src/fleet/fleet-yaml.ts';
import { BRUSSELS_DEMO_FLEET } from '../src/fleet/fleet-schema.ts';
import { placeFleet } from '../src/fleet/place-fleet.ts';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('usage: node --import tsx simulations/scripts/place-fleet.ts [--check]\n\n' +
    'Places the demo fleet on UrbIS street centre lines and writes simulations/fleet/brussels-demo.yaml.\n' +
    'Examples:\n  node --import tsx simulations/scripts/place-fleet.ts\n  node --import tsx simulations/scripts/place-fleet.ts --check');
  process.exit(0);
}
const text = fleetToYaml(placeFleet());
if (values.check) {
  const same = readFileSync(BRUSSELS_DEMO_FLEET, 'utf8') === text;
  console.log(same ? 'fleet file is up to date' : `fleet file is stale: rerun without --check`);
  process.exit(same ? 0 : 1);
}
writeFileSync(BRUSSELS_DEMO_FLEET, text);
const fleet = placeFleet();
console.log(`wrote ${BRUSSELS_DEMO_FLEET}: ${fleet.gateways.map((g) => `${g.id} (${g.devices.length} sensors)`).join(', ')}`);
