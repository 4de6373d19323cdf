import { resolve } from 'node:path';
import { loadProfiles } from '@zenne/device-profiles';
import { duckdbRegistry, duckdbRegistryFile } from '../registry/duckdb/duckdb-registry.ts';
import { seedFromFile } from '../registry/seed-file.ts';
import { prepareDataDir } from '../shared/data-dir.ts';
import { parseFlags, requireFlag } from './flags.ts';

const HELP = `zenne-cloud seed: load sites, gateways and devices into the registry

Usage: zenne-cloud seed --data-dir DIR --file FILE

Rows are inserted or replaced by id (running the same file twice changes
nothing). A gateway's plain \`secret\` is stored only as its scrypt hash.
The cloud must not be running on the same data directory (DuckDB locks the
file); use \`zenne-cloud run --seed FILE\` instead.

Flags:
  --data-dir DIR  data directory of the cloud (registry.duckdb; required)
  --file FILE     seed file, YAML (format: cloud/README.md "Seed file"; required)
  -h, --help      this help

Examples:
  zenne-cloud seed --data-dir ./data --file ./fleet.yaml
  zenne-cloud seed --data-dir /var/lib/zenne --file simulations/fleet/brussels.yaml
`;

export async function seedCommand(args: string[]): Promise<number> {
  const { help, values: flags } = parseFlags('seed', args, ['data-dir', 'file']);
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dataDir = resolve(requireFlag('seed', 'data-dir', flags['data-dir']));
  const file = resolve(requireFlag('seed', 'file', flags.file));
  await prepareDataDir(dataDir);
  const registryFile = duckdbRegistryFile(dataDir);
  const registry = await duckdbRegistry({ file: registryFile });
  try {
    const applied = await seedFromFile(registry, file, loadProfiles());
    const total = registry.counts();
    process.stdout.write(
      `seeded ${applied.sites} site(s), ${applied.gateways} gateway(s), ${applied.devices} device(s) from ${file}\n` +
        `registry ${registryFile} now holds ${total.sites} site(s), ${total.gateways} gateway(s), ${total.devices} device(s)\n`,
    );
  } finally {
    await registry.close();
  }
  return 0;
}
