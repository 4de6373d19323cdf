import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { alertErrors } from '../errors.ts';
import { duckDbReason, openDuckDbFile, type DuckDbFile } from '../shared/duckdb-file.ts';
import { SerialQueue } from '../shared/serial-queue.ts';
import { alertEventSchema, alertRuleSchema, alertSchema, type Alert, type AlertEvent, type AlertRule, type AlertState } from './alert-schemas.ts';

/** `<dataDir>/alerts.duckdb`: rules, alerts and their history, apart from readings and registry so neither grows the other. */
export function alertsFile(dataDir: string): string {
  return join(dataDir, 'alerts.duckdb');
}

// Bodies are the JSON of the zod-typed objects; the other columns exist to filter on.
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS alert_rules (id VARCHAR PRIMARY KEY, body VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS alerts (
     id VARCHAR PRIMARY KEY, rule VARCHAR NOT NULL, device VARCHAR, gateway VARCHAR,
     state VARCHAR NOT NULL, opened_at VARCHAR NOT NULL, body VARCHAR NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS alert_events (
     seq INTEGER PRIMARY KEY, alert VARCHAR NOT NULL, rule VARCHAR NOT NULL, device VARCHAR, gateway VARCHAR,
     type VARCHAR NOT NULL, happened_at VARCHAR NOT NULL, body VARCHAR NOT NULL
   )`,
];

export interface AlertFilter {
  state?: AlertState[];
  device?: string;
  gateway?: string;
  rule?: string;
  limit: number;
}

export interface EventFilter {
  alert?: string;
  device?: string;
  gateway?: string;
  rule?: string;
  /** ISO timestamps, inclusive. */
  from?: string;
  to?: string;
  limit: number;
}

/** WHERE clause over `column = ?` pairs whose value is given. */
function where(conditions: [string, DuckDBValue | undefined][]): { sql: string; values: DuckDBValue[] } {
  const given = conditions.filter(([, v]) => v !== undefined) as [string, DuckDBValue][];
  return { sql: given.length ? `WHERE ${given.map(([c]) => c).join(' AND ')}` : '', values: given.map(([, v]) => v) };
}

/**
 * Persistence of alert rules, alerts and alert events in one DuckDB file.
 *
 * Lifecycle: `open()` creates the tables; writes run one at a time and
 * resolve once committed (an event and its alert's new state in one
 * transaction); `close()` waits for queued writes, checkpoints and releases
 * the file.
 */
export class AlertStore {
  private readonly queue = new SerialQueue();
  private closed = false;

  private constructor(
    private readonly file: string,
    private readonly db: DuckDbFile,
    private readonly c: DuckDBConnection,
    private nextSeq: number,
  ) {}

  static async open(file: string): Promise<AlertStore> {
    let db: DuckDbFile | undefined;
    try {
      db = await openDuckDbFile(file);
      const c = await db.instance.connect();
      for (const sql of SCHEMA) await c.run(sql);
      const [row] = (await c.runAndReadAll('SELECT COALESCE(MAX(seq), 0) AS last FROM alert_events')).getRowObjectsJS();
      return new AlertStore(file, db, c, Number(row!.last) + 1);
    } catch (err) {
      db?.close();
      throw alertErrors.OPEN_FAILED({ file, reason: duckDbReason(err) }, { cause: err });
    }
  }

  private async rows(sql: string, values: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
    return (await this.c.runAndReadAll(sql, values)).getRowObjectsJS();
  }

  private write(job: (c: DuckDBConnection) => Promise<void>): Promise<void> {
    return this.queue.run(async () => {
      try {
        await this.c.run('BEGIN TRANSACTION');
        await job(this.c);
        await this.c.run('COMMIT');
      } catch (err) {
        await this.c.run('ROLLBACK').catch(() => undefined);
        throw alertErrors.WRITE_FAILED({ reason: duckDbReason(err) }, { cause: err });
      }
    });
  }

  async loadRules(): Promise<AlertRule[]> {
    return (await this.rows('SELECT body FROM alert_rules ORDER BY id')).map((r) => alertRuleSchema.parse(JSON.parse(r.body as string)));
  }

  /** Alerts still open or acknowledged. */
  async loadUnresolved(): Promise<Alert[]> {
    return this.listAlerts({ state: ['open', 'acknowledged'], limit: 1_000_000 });
  }

  saveRule(rule: AlertRule): Promise<void> {
    return this.write(async (c) => {
      await c.run('INSERT OR REPLACE INTO alert_rules (id, body) VALUES (?, ?)', [rule.id, JSON.stringify(rule)]);
    });
  }

  deleteRule(id: string): Promise<void> {
    return this.write(async (c) => {
      await c.run('DELETE FROM alert_rules WHERE id = ?', [id]);
    });
  }

  /** Stores the event and the alert's state after it. */
  record(event: AlertEvent): Promise<void> {
    const a = event.alert;
    return this.write(async (c) => {
      await c.run('INSERT OR REPLACE INTO alerts (id, rule, device, gateway, state, opened_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        a.id, a.rule, a.device ?? null, a.gateway ?? null, a.state, a.opened_at, JSON.stringify(a),
      ]);
      await c.run('INSERT INTO alert_events (seq, alert, rule, device, gateway, type, happened_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        this.nextSeq, a.id, a.rule, a.device ?? null, a.gateway ?? null, event.type, event.at, JSON.stringify(event),
      ]);
      this.nextSeq++;
    });
  }

  /** Newest first. */
  async listAlerts(f: AlertFilter): Promise<Alert[]> {
    const w = where([['device = ?', f.device], ['gateway = ?', f.gateway], ['rule = ?', f.rule]]);
    const states = f.state?.length ? `${w.sql ? `${w.sql} AND` : 'WHERE'} state IN (${f.state.map(() => '?').join(', ')})` : w.sql;
    const rows = await this.rows(`SELECT body FROM alerts ${states} ORDER BY opened_at DESC, id LIMIT ${f.limit}`, [...w.values, ...(f.state ?? [])]);
    return rows.map((r) => alertSchema.parse(JSON.parse(r.body as string)));
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    const [row] = await this.rows('SELECT body FROM alerts WHERE id = ?', [id]);
    return row ? alertSchema.parse(JSON.parse(row.body as string)) : undefined;
  }

  /** In the order they happened. */
  async events(f: EventFilter): Promise<AlertEvent[]> {
    const w = where([['alert = ?', f.alert], ['device = ?', f.device], ['gateway = ?', f.gateway], ['rule = ?', f.rule], ['happened_at >= ?', f.from], ['happened_at <= ?', f.to]]);
    const rows = await this.rows(`SELECT body FROM alert_events ${w.sql} ORDER BY seq LIMIT ${f.limit}`, w.values);
    return rows.map((r) => alertEventSchema.parse(JSON.parse(r.body as string)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.idle();
    if (this.file !== ':memory:') await this.c.run('CHECKPOINT');
    this.c.closeSync();
    this.db.close();
  }
}
