import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { registryErrors } from '../../errors.ts';
import { duckDbReason, openDuckDbFile, type DuckDbFile } from '../../shared/duckdb-file.ts';
import { SerialQueue } from '../../shared/serial-queue.ts';
import type { Device, Gateway, Registry, RegistryCounts, RegistryUpdate, Site } from '../registry.ts';

export interface DuckDbRegistryOptions {
  /** Database file; `:memory:` for a throw-away registry. */
  file: string;
}

/** Default file of the embedded registry inside a data directory. */
export function duckdbRegistryFile(dataDir: string): string {
  return join(dataDir, 'registry.duckdb');
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS sites (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS gateways (id VARCHAR PRIMARY KEY, site VARCHAR NOT NULL, secret_hash VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS devices (
     id VARCHAR PRIMARY KEY, gateway VARCHAR NOT NULL, profile VARCHAR NOT NULL, name VARCHAR NOT NULL,
     site VARCHAR NOT NULL, street VARCHAR, lon DOUBLE NOT NULL, lat DOUBLE NOT NULL, height DOUBLE NOT NULL,
     tags VARCHAR -- JSON object, NULL when none
   )`,
];

type Row = Record<string, unknown>;

function rowToDevice(row: Row): Device {
  const device: Device = {
    id: row.id as string,
    gateway: row.gateway as string,
    profile: row.profile as string,
    name: row.name as string,
    site: row.site as string,
    location: { lon: row.lon as number, lat: row.lat as number, height: row.height as number },
  };
  if (row.street !== null) device.street = row.street as string;
  if (row.tags !== null) device.tags = JSON.parse(row.tags as string) as Record<string, string>;
  return device;
}

class DuckDbRegistry implements Registry {
  private readonly queue = new SerialQueue();
  // Snapshots of the tables, replaced after each apply: Map(id -> row).
  private sites = new Map<string, Site>();
  private gateways = new Map<string, Gateway>();
  private devices = new Map<string, Device>();
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly db: DuckDbFile,
    private readonly connection: DuckDBConnection,
  ) {}

  async load(): Promise<void> {
    const read = async (sql: string) => (await this.connection.runAndReadAll(sql)).getRowObjectsJS();
    this.sites = new Map((await read('SELECT id, name FROM sites ORDER BY id')).map((r) => [r.id as string, r as Site]));
    this.gateways = new Map(
      (await read('SELECT id, site, secret_hash FROM gateways ORDER BY id')).map((r) => [r.id as string, r as unknown as Gateway]),
    );
    this.devices = new Map((await read('SELECT * FROM devices ORDER BY id')).map((r) => [r.id as string, rowToDevice(r)]));
  }

  apply(update: RegistryUpdate): Promise<RegistryCounts> {
    return this.queue.run(async () => {
      const c = this.connection;
      try {
        await c.run('BEGIN TRANSACTION');
        for (const s of update.sites) await c.run('INSERT OR REPLACE INTO sites VALUES ($id, $name)', { ...s });
        for (const g of update.gateways) {
          await c.run('INSERT OR REPLACE INTO gateways VALUES ($id, $site, $secret_hash)', { ...g });
        }
        for (const d of update.devices) {
          await c.run(
            `INSERT OR REPLACE INTO devices VALUES ($id, $gateway, $profile, $name, $site, $street, $lon, $lat, $height, $tags)`,
            {
              id: d.id, gateway: d.gateway, profile: d.profile, name: d.name, site: d.site,
              street: d.street ?? null, lon: d.location.lon, lat: d.location.lat, height: d.location.height,
              tags: d.tags ? JSON.stringify(d.tags) : null,
            },
          );
        }
        await c.run('COMMIT');
      } catch (err) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw registryErrors.WRITE_FAILED({ reason: duckDbReason(err) }, { cause: err });
      }
      await this.load();
      return { sites: update.sites.length, gateways: update.gateways.length, devices: update.devices.length };
    });
  }

  getSite(id: string): Site | undefined {
    return this.sites.get(id);
  }

  getGateway(id: string): Gateway | undefined {
    return this.gateways.get(id);
  }

  getDevice(id: string): Device | undefined {
    return this.devices.get(id);
  }

  listDevices(): Device[] {
    return [...this.devices.values()];
  }

  counts(): RegistryCounts {
    return { sites: this.sites.size, gateways: this.gateways.size, devices: this.devices.size };
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
    const registry = new DuckDbRegistry(options.file, db, connection);
    await registry.load();
    return registry;
  } catch (err) {
    db?.close();
    throw registryErrors.OPEN_FAILED({ file: options.file, reason: duckDbReason(err) }, { cause: err });
  }
}
