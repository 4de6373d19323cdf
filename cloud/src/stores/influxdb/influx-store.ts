import type { Reading } from '@zenne/device-profiles';
import { influxErrors, storeErrors } from '../../errors.ts';
import { SerialQueue } from '../../shared/serial-queue.ts';
import type { CountFilter, HistoryPoint, HistoryQuery, LatestFilter, ListQuery, ReadingStore, WriteResult } from '../store.ts';
import { influxStoreConfigSchema, type InfluxStoreConfigInput } from './config.ts';
import { connect, httpReason } from './connection.ts';
import { firstOccurrences, readingKey } from '../reading-key.ts';
import { toLineProtocol } from './point.ts';
import { queryDialects, type ReadingQueries } from './query-dialect/index.ts';
import { writeApis, type LineWriter } from './write-api/index.ts';

const settled = (): void => undefined;

class InfluxReadingStore implements ReadingStore {
  readonly name: string;
  private readonly writes = new SerialQueue();
  private readonly pendingReads = new Set<Promise<void>>();
  private closed = false;

  constructor(
    name: string,
    private readonly measurement: string,
    private readonly writer: LineWriter,
    private readonly queries: ReadingQueries,
  ) {
    this.name = name;
  }

  writeBatch(readings: readonly Reading[]): Promise<WriteResult> {
    if (this.closed) return Promise.reject(storeErrors.CLOSED());
    return this.writes.run(() => this.write(readings));
  }

  /*
   * Dedupe by lookup: the stored keys among the batch's readings are read
   * back (inside their time window) before the new ones are written. Writes
   * of this store are serialised, so a key is never counted stored twice by
   * one process; two processes racing on the same key may both count it, but
   * the point itself is stored once (point.ts: same series, same time).
   */
  private async write(readings: readonly Reading[]): Promise<WriteResult> {
    if (this.closed) throw storeErrors.CLOSED();
    const { firstIndexByKey, duplicateIndexes } = firstOccurrences(readings);
    const unique = [...firstIndexByKey.values()].map((idx) => readings[idx]!);
    if (unique.length === 0) return { stored: 0, duplicates: duplicateIndexes.length, duplicateIndexes };

    let stored: Set<string>;
    try {
      stored = await this.queries.storedKeys(unique);
    } catch (err) {
      throw storeErrors.WRITE_FAILED({ readings: readings.length, reason: `duplicate lookup: ${httpReason(err)}` }, { cause: err });
    }
    const fresh = unique.filter((r) => !stored.has(readingKey(r)));
    try {
      if (fresh.length > 0) {
        await this.writer.write(fresh.map((r) => toLineProtocol(this.measurement, r)));
        await this.queries.makeWritesVisible();
      }
    } catch (err) {
      throw storeErrors.WRITE_FAILED({ readings: readings.length, reason: httpReason(err) }, { cause: err });
    }
    for (const [key, idx] of firstIndexByKey) if (stored.has(key)) duplicateIndexes.push(idx);
    duplicateIndexes.sort((a, b) => a - b);
    return { stored: fresh.length, duplicates: duplicateIndexes.length, duplicateIndexes };
  }

  /** Reads run concurrently; close() waits for those in flight. */
  private read<T>(job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(storeErrors.CLOSED());
    const pending = job().catch((err: unknown) => {
      throw influxErrors.QUERY_FAILED({ reason: httpReason(err) }, { cause: err });
    });
    const tracked: Promise<void> = pending.then(settled, settled).then(() => {
      this.pendingReads.delete(tracked);
    });
    this.pendingReads.add(tracked);
    return pending;
  }

  latest(filter: LatestFilter = {}): Promise<Reading[]> {
    return this.read(() => this.queries.latest(filter));
  }

  history(query: HistoryQuery): Promise<HistoryPoint[]> {
    return this.read(() => this.queries.history(query));
  }

  list(query: ListQuery): Promise<Reading[]> {
    return this.read(() => this.queries.list(query));
  }

  count(filter: CountFilter = {}): Promise<number> {
    return this.read(() => this.queries.count(filter));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes.idle();
    await Promise.all([...this.pendingReads]);
  }
}

/**
 * Opens a reading store on an InfluxDB-compatible server (README.md): the
 * write path is `config.write_api`, the query language `config.query_dialect`.
 * Resolves once the server answered (and, with `create_database`, the
 * database exists); rejects with ZENNE_ERR_INFLUX_UNREACHABLE otherwise.
 * Nothing is cached in the process: several cloud processes may share one
 * database. `close()` waits for pending calls; the server keeps the data.
 */
export async function influxStore(input: InfluxStoreConfigInput): Promise<ReadingStore> {
  const config = influxStoreConfigSchema.parse(input);
  const influx = connect(config);
  const queries = queryDialects[config.query_dialect](influx, config);
  try {
    await queries.open();
  } catch (err) {
    throw influxErrors.UNREACHABLE({ url: config.url, reason: httpReason(err) }, { cause: err });
  }
  return new InfluxReadingStore(
    `influxdb(${config.write_api} write, ${config.query_dialect})`,
    config.measurement,
    writeApis[config.write_api](influx, config),
    queries,
  );
}
