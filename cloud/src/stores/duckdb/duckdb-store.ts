import { join } from 'node:path';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import type { Quality, QualityReason, Quantity, Reading, Unit } from '@zenne/device-profiles';
import { storeErrors } from '../../errors.ts';
import { duckDbReason, openDuckDbFile, type DuckDbFile } from '../../shared/duckdb-file.ts';
import { SerialQueue } from '../../shared/serial-queue.ts';
import { firstOccurrences, readingKey } from '../reading-key.ts';
import type {
  CountFilter,
  HistoryPoint,
  HistoryQuery,
  LatestFilter,
  ListQuery,
  ReadingStore,
  WriteResult,
} from '../store.ts';

export interface DuckDbStoreOptions {
  /** Database file; `:memory:` for a throw-away store. */
  file: string;
}

/** Default file of the embedded store inside a data directory. */
export function duckdbStoreFile(dataDir: string): string {
  return join(dataDir, 'readings.duckdb');
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS readings (
    device   VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,   -- '' for real data
    seq      BIGINT  NOT NULL,
    quantity VARCHAR NOT NULL,
    value    DOUBLE  NOT NULL,
    unit     VARCHAR NOT NULL,
    ts       TIMESTAMP NOT NULL, -- UTC
    quality  VARCHAR NOT NULL,
    reasons  VARCHAR             -- comma-separated quality reasons, NULL when good
  )`;

const STAGING = `
  CREATE TEMP TABLE staging (
    idx BIGINT, device VARCHAR, scenario VARCHAR, seq BIGINT, quantity VARCHAR,
    value DOUBLE, unit VARCHAR, ts_ms BIGINT, quality VARCHAR, reasons VARCHAR,
    fresh BOOLEAN -- seq above every stored seq of its series: new without looking
  )`;
const STAGING_TYPES = [BIGINT, VARCHAR, VARCHAR, BIGINT, VARCHAR, DOUBLE, VARCHAR, BIGINT, VARCHAR, VARCHAR, BOOLEAN];

const INSERT_COLUMNS = `s.device, s.scenario, s.seq, s.quantity, s.value, s.unit, epoch_ms(s.ts_ms), s.quality, s.reasons`;

/*
 * The write path, measured in cloud/README.md ("Store write path"). A unique
 * index on (device, scenario, seq) made every insert ~3x slower; a plain
 * anti-join scans the whole table and slows down linearly with it.
 *
 * Instead: the edge numbers each device's readings upwards, so a reading
 * whose seq is above the highest stored seq of its series is new without
 * looking (the live path: a pure append). Only the others (resends after a
 * lost ack, out-of-order backfill) are looked up, and only among stored rows
 * inside the time window of those readings: a resent reading is the same
 * reading, with the same `ts`, so the window is exact, and DuckDB's zone maps
 * on `ts` skip every row group outside it (rows arrive roughly in time order;
 * seq zone maps would not prune, as devices' seq ranges start at different
 * times and interleave in every row group).
 */
const INSERT_FRESH = `INSERT INTO readings SELECT ${INSERT_COLUMNS} FROM staging s`;
const INSERT_NEW = `
  INSERT INTO readings SELECT ${INSERT_COLUMNS} FROM staging s
  WHERE s.fresh OR NOT EXISTS (
    SELECT 1 FROM readings r
    WHERE r.ts BETWEEN epoch_ms($min_ts::BIGINT) AND epoch_ms($max_ts::BIGINT)
      AND r.seq = s.seq AND r.device = s.device AND r.scenario = s.scenario)
  RETURNING device, scenario, seq`;

const READING_COLUMNS = `device, scenario, seq, quantity, value, unit, epoch_ms(ts) AS ts_ms, quality, reasons`;

type Row = Record<string, unknown>;

function seriesKey(r: Pick<Reading, 'device' | 'quantity' | 'scenario'>): string {
  return `${r.scenario ?? ''}\u0000${r.device}\u0000${r.quantity}`;
}

function deviceKey(r: { device: string; scenario?: string }): string {
  return `${r.scenario ?? ''}\u0000${r.device}`;
}

function rowToReading(row: Row): Reading {
  const reading: Reading = {
    device: row.device as string,
    quantity: row.quantity as Quantity,
    value: row.value as number,
    unit: row.unit as Unit,
    ts: new Date(Number(row.ts_ms)).toISOString(),
    seq: Number(row.seq),
    quality: row.quality as Quality,
  };
  if (row.reasons) reading.reasons = String(row.reasons).split(',') as QualityReason[];
  if (row.scenario) reading.scenario = row.scenario as string;
  return reading;
}

function isNewer(candidate: Reading, current: Reading | undefined): boolean {
  if (!current) return true;
  if (candidate.ts !== current.ts) return candidate.ts > current.ts;
  return candidate.seq > current.seq;
}

class DuckDbReadingStore implements ReadingStore {
  readonly name = 'duckdb';
  private readonly writes = new SerialQueue();
  private readonly reads = new SerialQueue();
  /** Map(scenario \0 device \0 quantity -> latest reading): answers latest() without a scan. */
  private readonly latestBySeries = new Map<string, Reading>();
  /** Map(scenario \0 device -> highest stored seq): readings above it need no duplicate lookup. */
  private readonly highestSeq = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly db: DuckDbFile,
    /** The single writer: DuckDB allows one, and staging is connection-local. */
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
    private readonly appender: DuckDBAppender,
  ) {}

  /** Loads the in-memory state (latest values, highest seq per device) from the table. */
  async loadState(): Promise<void> {
    const highest = await this.reader.runAndReadAll('SELECT scenario, device, max(seq) AS seq FROM readings GROUP BY scenario, device');
    for (const row of highest.getRowObjectsJS()) this.highestSeq.set(deviceKey({ device: row.device as string, scenario: row.scenario as string }), Number(row.seq));
    const rows = await this.reader.runAndReadAll(`
      SELECT ${READING_COLUMNS} FROM readings
      QUALIFY row_number() OVER (PARTITION BY scenario, device, quantity ORDER BY ts DESC, seq DESC) = 1`);
    for (const row of rows.getRowObjectsJS()) {
      const r = rowToReading(row);
      this.latestBySeries.set(seriesKey(r), r);
    }
  }

  writeBatch(readings: readonly Reading[]): Promise<WriteResult> {
    if (this.closed) return Promise.reject(storeErrors.CLOSED());
    return this.writes.run(() => this.write(readings));
  }

  private async write(readings: readonly Reading[]): Promise<WriteResult> {
    if (this.closed) throw storeErrors.CLOSED();
    const { firstIndexByKey, duplicateIndexes } = firstOccurrences(readings);
    const columns: unknown[][] = STAGING_TYPES.map(() => []);
    let minTs = Number.MAX_SAFE_INTEGER;
    let maxTs = Number.MIN_SAFE_INTEGER;
    for (const idx of firstIndexByKey.values()) {
      const r = readings[idx]!;
      const scenario = r.scenario ?? '';
      const tsMs = Date.parse(r.ts);
      const fresh = r.seq > (this.highestSeq.get(deviceKey(r)) ?? -1);
      if (!fresh) {
        minTs = Math.min(minTs, tsMs);
        maxTs = Math.max(maxTs, tsMs);
      }
      const row = [
        BigInt(idx), r.device, scenario, BigInt(r.seq), r.quantity, r.value, r.unit,
        BigInt(tsMs), r.quality, r.reasons?.length ? r.reasons.join(',') : null, fresh,
      ];
      row.forEach((v, c) => columns[c]!.push(v));
    }
    if (firstIndexByKey.size === 0) return { stored: 0, duplicates: duplicateIndexes.length, duplicateIndexes };

    const insertedIndexes: number[] = [];
    try {
      await this.writer.run('DELETE FROM staging');
      // A data chunk holds at most the vector size (2048) rows.
      for (let start = 0; start < columns[0]!.length; start += 2048) {
        const chunk = DuckDBDataChunk.create(STAGING_TYPES);
        chunk.setColumns(columns.map((col) => col.slice(start, start + 2048)) as never);
        this.appender.appendDataChunk(chunk);
      }
      this.appender.flushSync();
      if (minTs > maxTs) {
        // All fresh: every staged row is inserted, no need to read them back.
        await this.writer.run(INSERT_FRESH);
        insertedIndexes.push(...firstIndexByKey.values());
      } else {
        const inserted = await this.writer.runAndReadAll(INSERT_NEW, { min_ts: BigInt(minTs), max_ts: BigInt(maxTs) });
        for (const [device, scenario, seq] of inserted.getRowsJS()) {
          insertedIndexes.push(firstIndexByKey.get(readingKey({ device: device as string, scenario: scenario as string, seq: seq as bigint }))!);
        }
      }
    } catch (err) {
      this.appender.clear();
      throw storeErrors.WRITE_FAILED({ readings: readings.length, reason: duckDbReason(err) }, { cause: err });
    }

    const inserted = new Set(insertedIndexes);
    for (const idx of firstIndexByKey.values()) if (!inserted.has(idx)) duplicateIndexes.push(idx);
    duplicateIndexes.sort((a, b) => a - b);
    for (const idx of insertedIndexes) {
      const r = readings[idx]!;
      const key = seriesKey(r);
      if (isNewer(r, this.latestBySeries.get(key))) this.latestBySeries.set(key, { ...r });
      if (r.seq > (this.highestSeq.get(deviceKey(r)) ?? -1)) this.highestSeq.set(deviceKey(r), r.seq);
    }
    return { stored: insertedIndexes.length, duplicates: duplicateIndexes.length, duplicateIndexes };
  }

  async latest(filter: LatestFilter = {}): Promise<Reading[]> {
    if (this.closed) throw storeErrors.CLOSED();
    const devices = filter.devices ? new Set(filter.devices) : undefined;
    const out: Reading[] = [];
    for (const r of this.latestBySeries.values()) {
      if ((r.scenario ?? undefined) !== filter.scenario) continue;
      if (devices && !devices.has(r.device)) continue;
      if (filter.quantity && r.quantity !== filter.quantity) continue;
      out.push({ ...r });
    }
    return out.sort((a, b) => a.device.localeCompare(b.device) || a.quantity.localeCompare(b.quantity));
  }

  history(q: HistoryQuery): Promise<HistoryPoint[]> {
    if (this.closed) return Promise.reject(storeErrors.CLOSED());
    const bucketMs = BigInt(Math.round(q.bucket_s * 1000));
    return this.reads.run(async () => {
      const result = await this.reader.runAndReadAll(
        `SELECT (epoch_ms(ts) // $bucket::BIGINT) * $bucket::BIGINT AS bucket_ms,
                avg(value) AS avg, min(value) AS min, max(value) AS max, count(*) AS count
         FROM readings
         WHERE device = $device AND quantity = $quantity AND scenario = $scenario AND quality <> 'bad'
           AND ts >= epoch_ms($from_ms::BIGINT) AND ts < epoch_ms($to_ms::BIGINT)
         GROUP BY bucket_ms ORDER BY bucket_ms`,
        {
          bucket: bucketMs,
          device: q.device,
          quantity: q.quantity,
          scenario: q.scenario ?? '',
          from_ms: BigInt(q.from.getTime()),
          to_ms: BigInt(q.to.getTime()),
        },
      );
      return result.getRowObjectsJS().map((row) => ({
        ts: new Date(Number(row.bucket_ms)).toISOString(),
        avg: row.avg as number,
        min: row.min as number,
        max: row.max as number,
        count: Number(row.count),
      }));
    });
  }

  list(q: ListQuery): Promise<Reading[]> {
    if (this.closed) return Promise.reject(storeErrors.CLOSED());
    const params: Record<string, string | bigint> = {
      device: q.device,
      scenario: q.scenario ?? '',
      from_ms: BigInt(q.from.getTime()),
      to_ms: BigInt(q.to.getTime()),
      limit: BigInt(q.limit),
    };
    if (q.quantity) params.quantity = q.quantity;
    return this.reads.run(async () => {
      const result = await this.reader.runAndReadAll(
        `SELECT ${READING_COLUMNS} FROM readings
         WHERE device = $device AND scenario = $scenario ${q.quantity ? 'AND quantity = $quantity' : ''}
           AND ts >= epoch_ms($from_ms::BIGINT) AND ts < epoch_ms($to_ms::BIGINT)
         ORDER BY ts, seq LIMIT $limit`,
        params,
      );
      return result.getRowObjectsJS().map(rowToReading);
    });
  }

  count(filter: CountFilter = {}): Promise<number> {
    if (this.closed) return Promise.reject(storeErrors.CLOSED());
    const where = ['scenario = $scenario'];
    const params: Record<string, string> = { scenario: filter.scenario ?? '' };
    if (filter.device) {
      where.push('device = $device');
      params.device = filter.device;
    }
    if (filter.quantity) {
      where.push('quantity = $quantity');
      params.quantity = filter.quantity;
    }
    return this.reads.run(async () => {
      const result = await this.reader.runAndReadAll(`SELECT count(*) AS n FROM readings WHERE ${where.join(' AND ')}`, params);
      return Number(result.getRowObjectsJS()[0]!.n);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes.idle();
    await this.reads.idle();
    this.appender.closeSync();
    if (this.file !== ':memory:') await this.writer.run('CHECKPOINT');
    this.reader.closeSync();
    this.writer.closeSync();
    this.db.close();
  }
}

/**
 * Opens the embedded DuckDB reading store (`@duckdb/node-api`). Resolves once
 * the file is open, the schema exists and the latest values are loaded.
 */
export async function duckdbStore(options: DuckDbStoreOptions): Promise<ReadingStore> {
  let db: DuckDbFile | undefined;
  try {
    db = await openDuckDbFile(options.file);
    const writer = await db.instance.connect();
    await writer.run(SCHEMA);
    await writer.run(STAGING);
    const appender = await writer.createAppender('staging', 'main', 'temp');
    const reader = await db.instance.connect();
    const store = new DuckDbReadingStore(options.file, db, writer, reader, appender);
    await store.loadState();
    return store;
  } catch (err) {
    db?.close();
    throw storeErrors.OPEN_FAILED({ file: options.file, reason: duckDbReason(err) }, { cause: err });
  }
}
