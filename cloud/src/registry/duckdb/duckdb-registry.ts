import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { registryErrors } from '../../errors.ts';
import { duckDbReason, openDuckDbFile, type DuckDbFile } from '../../shared/duckdb-file.ts';
import { SerialQueue } from '../../shared/serial-queue.ts';
import {
  REGISTRY_KINDS,
  type AppliedCounts,
  type Device,
  type Gateway,
  type Registry,
  type RegistryCounts,
  type RegistryKind,
  type RegistryRows,
  type RegistryUpdate,
  type Site,
} from '../registry.ts';

export interface DuckDbRegistryOptions {
  /** Database file; `:memory:` for a throw-away registry. */
  file: string;
}

/** Default file of the embedded registry inside a data directory. */
export function duckdbRegistryFile(dataDir: string): string {
  return join(dataDir, 'registry.duckdb');
}

// The first three tables date from the first registry; ALTERs add later columns to older files in place.
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS sites (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS gateways (id VARCHAR PRIMARY KEY, site VARCHAR NOT NULL, secret_hash VARCHAR NOT NULL)`,
  `ALTER TABLE gateways ADD COLUMN IF NOT EXISTS revoked_at VARCHAR`,
  `CREATE TABLE IF NOT EXISTS devices (
     id VARCHAR PRIMARY KEY, gateway VARCHAR NOT NULL, profile VARCHAR NOT NULL, name VARCHAR NOT NULL,
     site VARCHAR NOT NULL, street VARCHAR, lon DOUBLE NOT NULL, lat DOUBLE NOT NULL, height DOUBLE NOT NULL,
     tags VARCHAR -- JSON object, NULL when none
   )`,
  `ALTER TABLE devices ADD COLUMN IF NOT EXISTS building VARCHAR`,
  `ALTER TABLE devices ADD COLUMN IF NOT EXISTS room VARCHAR`,
  `ALTER TABLE devices ADD COLUMN IF NOT EXISTS lamp_post VARCHAR`,
  // Buildings, street segments and lamp posts: read whole, never queried by column, so one JSON body each.
  `CREATE TABLE IF NOT EXISTS assets (kind VARCHAR NOT NULL, id VARCHAR NOT NULL, body VARCHAR NOT NULL, PRIMARY KEY (kind, id))`,
];

/*
 * Files from before `seeded_hash` hold only seeded or claimed secrets and
 * treated both as the seed's: the new column starts equal to the hash so
 * they keep that behaviour. Runs once, when the column is added.
 */
async function addSeededHash(c: DuckDBConnection): Promise<void> {
  const present = await c.runAndReadAll(
    `SELECT 1 FROM information_schema.columns WHERE table_name = 'gateways' AND column_name = 'seeded_hash'`,
  );
  if (present.getRows().length > 0) return;
  await c.run('ALTER TABLE gateways ADD COLUMN seeded_hash VARCHAR');
  await c.run('UPDATE gateways SET seeded_hash = secret_hash');
}

type Row = Record<string, unknown>;

/** How one kind is stored: its table and columns, the values of a row in that order, and the way back. */
interface KindTable<K extends RegistryKind> {
  select: string;
  table: string;
  columns: readonly string[];
  toValues(row: RegistryRows[K]): DuckDBValue[];
  fromRow(row: Row): RegistryRows[K];
}

/** Copies the non-NULL columns among `keys` onto `target`: optional fields stay absent rather than null. */
function withOptional<T extends object>(target: T, row: Row, keys: readonly (keyof T & string)[]): T {
  for (const key of keys) if (row[key] !== null && row[key] !== undefined) (target as Row)[key] = row[key];
  return target;
}

function jsonTable<K extends 'buildings' | 'street_segments' | 'lamp_posts'>(kind: K): KindTable<K> {
  return {
    select: `SELECT body FROM assets WHERE kind = '${kind}' ORDER BY id`,
    table: 'assets',
    columns: ['kind', 'id', 'body'],
    toValues: (row) => [kind, row.id, JSON.stringify(row)],
    fromRow: (row) => JSON.parse(row.body as string) as RegistryRows[K],
  };
}

const TABLES: { [K in RegistryKind]: KindTable<K> } = {
  sites: {
    select: 'SELECT id, name FROM sites ORDER BY id',
    table: 'sites',
    columns: ['id', 'name'],
    toValues: (s) => [s.id, s.name],
    fromRow: (r) => ({ id: r.id as string, name: r.name as string }) satisfies Site,
  },
  gateways: {
    select: 'SELECT id, site, secret_hash, revoked_at, seeded_hash FROM gateways ORDER BY id',
    table: 'gateways',
    columns: ['id', 'site', 'secret_hash', 'revoked_at', 'seeded_hash'],
    toValues: (g) => [g.id, g.site, g.secret_hash, g.revoked_at ?? null, g.seeded_hash ?? null],
    fromRow: (r) =>
      withOptional<Gateway>({ id: r.id as string, site: r.site as string, secret_hash: r.secret_hash as string }, r, ['revoked_at', 'seeded_hash']),
  },
  devices: {
    select: 'SELECT * FROM devices ORDER BY id',
    table: 'devices',
    columns: ['id', 'gateway', 'profile', 'name', 'site', 'street', 'lon', 'lat', 'height', 'tags', 'building', 'room', 'lamp_post'],
    toValues: (d) => [
      d.id, d.gateway, d.profile, d.name, d.site, d.street ?? null, d.location.lon, d.location.lat, d.location.height,
      d.tags ? JSON.stringify(d.tags) : null, d.building ?? null, d.room ?? null, d.lamp_post ?? null,
    ],
    fromRow: (r) => {
      const device = withOptional<Device>(
        {
          id: r.id as string, gateway: r.gateway as string, profile: r.profile as string, name: r.name as string, site: r.site as string,
          location: { lon: r.lon as number, lat: r.lat as number, height: r.height as number },
        },
        r,
        ['street', 'building', 'room', 'lamp_post'],
      );
      if (r.tags !== null) device.tags = JSON.parse(r.tags as string) as Record<string, string>;
      return device;
    },
  },
  buildings: jsonTable('buildings'),
  street_segments: jsonTable('street_segments'),
  lamp_posts: jsonTable('lamp_posts'),
};

/*
 * A parameterised statement costs DuckDB milliseconds of planning, so rows
 * go in multi-row INSERTs: 500 devices in one statement instead of 500.
 */
const ROWS_PER_STATEMENT = 500;

async function upsertRows<K extends RegistryKind>(c: DuckDBConnection, table: KindTable<K>, rows: readonly RegistryRows[K][]): Promise<void> {
  const tuple = `(${table.columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const sql = `INSERT OR REPLACE INTO ${table.table} (${table.columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`;
    await c.run(sql, chunk.flatMap((row) => table.toValues(row)));
  }
}

type Snapshot = { [K in RegistryKind]: Map<string, RegistryRows[K]> };

function credentialsChanged(before: Gateway | undefined, after: Gateway): boolean {
  return before !== undefined && (before.secret_hash !== after.secret_hash || before.revoked_at !== after.revoked_at);
}

class DuckDbRegistry implements Registry {
  private readonly queue = new SerialQueue();
  /** The tables in memory, replaced after each apply. */
  private rows = Object.fromEntries(REGISTRY_KINDS.map((k) => [k, new Map()])) as Snapshot;
  private readonly gatewayListeners = new Set<(gateway: string) => void>();
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly db: DuckDbFile,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Reads `kinds` from the tables into memory (all at open; after an apply, the kinds it wrote). */
  async load(kinds: readonly RegistryKind[] = REGISTRY_KINDS): Promise<void> {
    const next = { ...this.rows } as Record<RegistryKind, Map<string, unknown>>;
    for (const kind of kinds) {
      const table = TABLES[kind] as KindTable<RegistryKind>;
      const rows = (await this.connection.runAndReadAll(table.select)).getRowObjectsJS();
      next[kind] = new Map(rows.map((r) => table.fromRow(r)).map((row) => [row.id, row]));
    }
    this.rows = next as Snapshot;
  }

  apply(update: RegistryUpdate): Promise<AppliedCounts> {
    return this.queue.run(async () => {
      const c = this.connection;
      const applied: AppliedCounts = {};
      try {
        await c.run('BEGIN TRANSACTION');
        for (const kind of REGISTRY_KINDS) {
          const rows = update[kind] as RegistryRows[RegistryKind][] | undefined;
          if (rows === undefined) continue;
          await upsertRows(c, TABLES[kind] as KindTable<RegistryKind>, rows);
          applied[kind] = rows.length;
        }
        await c.run('COMMIT');
      } catch (err) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw registryErrors.WRITE_FAILED({ reason: duckDbReason(err) }, { cause: err });
      }
      const changed = (update.gateways ?? []).filter((g) => credentialsChanged(this.rows.gateways.get(g.id), g)).map((g) => g.id);
      await this.load(REGISTRY_KINDS.filter((k) => update[k] !== undefined));
      for (const gateway of changed) for (const listener of this.gatewayListeners) listener(gateway);
      return applied;
    });
  }

  get<K extends RegistryKind>(kind: K, id: string): RegistryRows[K] | undefined {
    return this.rows[kind].get(id);
  }

  list<K extends RegistryKind>(kind: K): RegistryRows[K][] {
    return [...this.rows[kind].values()];
  }

  getSite(id: string): Site | undefined {
    return this.get('sites', id);
  }

  getGateway(id: string): Gateway | undefined {
    return this.get('gateways', id);
  }

  getDevice(id: string): Device | undefined {
    return this.get('devices', id);
  }

  listDevices(): Device[] {
    return this.list('devices');
  }

  counts(): RegistryCounts {
    return { sites: this.rows.sites.size, gateways: this.rows.gateways.size, devices: this.rows.devices.size };
  }

  onGatewayChange(listener: (gateway: string) => void): () => void {
    this.gatewayListeners.add(listener);
    return () => this.gatewayListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.idle();
    if (this.file !== ':memory:') await this.connection.run('CHECKPOINT');
    this.connection.closeSync();
    this.db.close();
  }
}

/** Opens the embedded DuckDB registry; resolves with its tables loaded in memory. */
export async function duckdbRegistry(options: DuckDbRegistryOptions): Promise<Registry> {
  let db: DuckDbFile | undefined;
  try {
    db = await openDuckDbFile(options.file);
    const connection = await db.instance.connect();
    for (const sql of SCHEMA) await connection.run(sql);
    await addSeededHash(connection);
    const registry = new DuckDbRegistry(options.file, db, connection);
    await registry.load();
    return registry;
  } catch (err) {
    db?.close();
    throw registryErrors.OPEN_FAILED({ file: options.file, reason: duckDbReason(err) }, { cause: err });
  }
}
