import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { GatewayStatus } from '@zenne/device-profiles';
import { LossAccounting, accountingFile } from '../src/ingest/accounting.ts';
import { RECENT_BATCHES } from '../src/ingest/accounting-ledger.ts';

const GW = 'gw-monnaie';
const T = Date.UTC(2026, 10, 23, 9, 0, 0);

function online(atS: number, uptime_s: number, readings_sent: number, extra: Partial<GatewayStatus> = {}): GatewayStatus {
  return { v: 1, gateway: GW, state: 'online', ts: new Date(T + atS * 1000).toISOString(), uptime_s, readings_sent, ...extra };
}

const stored = (batch: string, n: number) => ({ kind: 'acknowledged' as const, batch, readings: n, stored: n, duplicates: 0, rejected: [] });

describe('LossAccounting', () => {
  let dir: string;
  let accounting: LossAccounting;
  const logged: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  const open = () => LossAccounting.open({ file: accountingFile(dir), logger, saveEveryMs: 60_000 });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-accounting-ledger-'));
    logged.length = 0;
    accounting = await open();
  });
  afterEach(async () => {
    await accounting.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('tells agent boots apart by readings_sent or uptime going down, and ignores statuses without counters', () => {
    accounting.recordStatus(online(0, 100, 40));
    accounting.recordStatus(online(10, 110, 50));
    accounting.recordStatus({ v: 1, gateway: GW, state: 'offline', ts: new Date(T + 11_000).toISOString() });
    // Restarted and already sent more than before by its first status: the uptime shows the restart.
    accounting.recordStatus(online(70, 3, 60));
    accounting.recordStatus(online(80, 13, 65));
    // Restarted again; readings_sent fell.
    accounting.recordStatus(online(200, 120, 7));
    const r = accounting.report(GW).reported_by_gateway;
    expect(r).toMatchObject({ agent_boots: 3, readings_sent: 50 + 65 + 7, agent_started_at: new Date(T + 80_000).toISOString() });
  });

  it('counts a batch id seen again as resent, and an unacknowledged batch only once it is acknowledged', () => {
    accounting.recordOutcome(GW, { kind: 'unacknowledged', batch: 'b-1', readings: 3, reason: 'store_error' });
    accounting.recordOutcome(GW, stored('b-1', 3));
    accounting.recordOutcome(GW, { kind: 'acknowledged', batch: 'b-1', readings: 3, stored: 0, duplicates: 3, rejected: [] });
    accounting.recordOutcome(GW, { kind: 'refused', reason: 'invalid_json' });
    const r = accounting.report(GW);
    expect(r.outcome).toMatchObject({ stored: 3, duplicates: 0, refused: 0, refused_batches_by_reason: { invalid_json: 1 }, refused_batches_uncounted: 1 });
    expect(r.received_by_cloud).toEqual({ batches: 2, readings: 3, readings_resent: 3, batches_unacknowledged: { store_error: 1 } });
  });

  it(`remembers the last ${RECENT_BATCHES} batch ids across a restart`, async () => {
    for (let i = 0; i <= RECENT_BATCHES; i++) accounting.recordOutcome(GW, stored(`b-${i}`, 1));
    await accounting.close();
    accounting = await open();
    accounting.recordOutcome(GW, stored(`b-${RECENT_BATCHES}`, 1));
    accounting.recordOutcome(GW, stored('b-0', 1));
    expect(accounting.report(GW).outcome.stored).toBe(RECENT_BATCHES + 2);
    expect(accounting.report(GW).received_by_cloud.readings_resent).toBe(1);
  });

  it('keeps the totals in memory while the file cannot be written, logging once, and writes them once it can', async () => {
    const file = join(dir, 'later', 'accounting.json');
    const stranded = await LossAccounting.open({ file, logger, saveEveryMs: 60_000 });
    stranded.recordOutcome(GW, stored('b-1', 2));
    await stranded.save();
    await stranded.save();
    expect(logged.map((l) => l.code ?? l.msg)).toEqual(['ZENNE_ERR_ACCOUNTING_WRITE_FAILED']);
    await mkdir(join(dir, 'later'));
    await stranded.close();
    expect(logged.at(-1)!.msg).toBe('accounting file writable again');
    const reopened = await LossAccounting.open({ file, logger, saveEveryMs: 60_000 });
    expect(reopened.report(GW).outcome.stored).toBe(2);
    await reopened.close();
  });

  it('sets an unreadable file aside, logs its code and counts from zero', async () => {
    accounting.recordOutcome(GW, stored('b-1', 2));
    await accounting.close();
    await writeFile(accountingFile(dir), '{"v":1,"gateways":{"gw-monnaie":{"since":');
    accounting = await open();
    expect(accounting.gateways()).toEqual([]);
    expect(logged.map((l) => l.code)).toEqual(['ZENNE_ERR_ACCOUNTING_FILE_UNREADABLE']);
    const files = await readdir(dir);
    const aside = files.find((f) => f.startsWith('accounting.json.corrupt-'))!;
    expect(await readFile(join(dir, aside), 'utf8')).toContain('"since":');
  });
});
