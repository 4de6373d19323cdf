import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compactBuildingFileSchema } from '../src/buildings/buildings-format.ts';
import { PLACE_DE_LA_MONNAIE } from '../src/scene/place-de-la-monnaie.ts';
import { buildCompactFile, urbisBuildingsSchema, urbisHeightsSchema, urbisStreetsSchema, type UrbisCell } from './urbis.ts';

const HELP = `build-buildings — convert the UrbIS cells to the viewer's compact building file

Usage: tsx scripts/build-buildings.ts [--in DIR] [--out FILE]

  --in DIR    folder with one sub-folder per UrbIS cell holding buildings.geojson,
              heights.json and (optionally) street_axes.geojson
              (default: twin-viewer/data/urbis)
  --out FILE  where to write the JSON (default: twin-viewer/generated/data/buildings.json,
              which Vite copies into dist/data/)
  -h, --help  this text

Examples:
  npx tsx twin-viewer/scripts/build-buildings.ts
  npx tsx twin-viewer/scripts/build-buildings.ts --out /tmp/buildings.json
`;

const viewerRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}

/** Loads every cell folder under `dir`, validating the files it uses. */
export async function loadCells(dir: string): Promise<UrbisCell[]> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const cells: UrbisCell[] = [];
  for (const id of names) {
    const folder = path.join(dir, id);
    const streetsFile = path.join(folder, 'street_axes.geojson');
    const parse = <T>(schema: { parse(v: unknown): T }, file: string, value: unknown): T => {
      try {
        return schema.parse(value);
      } catch (err) {
        throw new Error(`${file}: not a UrbIS extract of the expected shape (${(err as Error).message})`, { cause: err });
      }
    };
    const buildingsFile = path.join(folder, 'buildings.geojson');
    const heightsFile = path.join(folder, 'heights.json');
    const cell: UrbisCell = {
      id,
      buildings: parse(urbisBuildingsSchema, buildingsFile, await readJson(buildingsFile)),
      heights: parse(urbisHeightsSchema, heightsFile, await readJson(heightsFile)),
    };
    if (existsSync(streetsFile)) cell.streets = parse(urbisStreetsSchema, streetsFile, await readJson(streetsFile));
    cells.push(cell);
  }
  if (cells.length === 0) throw new Error(`${dir}: no UrbIS cell folders found`);
  return cells;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      in: { type: 'string', default: path.join(viewerRoot, 'data/urbis') },
      out: { type: 'string', default: path.join(viewerRoot, 'generated/data/buildings.json') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const cells = await loadCells(values.in);
  const file = compactBuildingFileSchema.parse(buildCompactFile(cells, [PLACE_DE_LA_MONNAIE.lon, PLACE_DE_LA_MONNAIE.lat]));
  await mkdir(path.dirname(values.out), { recursive: true });
  const json = JSON.stringify(file);
  await writeFile(values.out, json);
  const bySource = { candidate: 0, p75: 0, default: 0 };
  for (const b of file.buildings) bySource[b.hs] += 1;
  process.stdout.write(
    `build-buildings: ${file.buildings.length} buildings (heights: ${bySource.candidate} candidate, ` +
      `${bySource.p75} p75, ${bySource.default} default ${file.default_height_m} m), ${file.streets.length} street axes ` +
      `from ${cells.map((c) => c.id).join(', ')} → ${path.relative(process.cwd(), values.out)} (${(json.length / 1024).toFixed(0)} KiB)\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`build-buildings: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
