import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { GatewayStatus } from '@zenne/device-profiles';
import { accountingErrors } from '../errors.ts';
import type { Logger } from '../shared/logger.ts';
import { SerialQueue } from '../shared/serial-queue.ts';
import { applyOutcome, applyStatus, emptyLedger, gatewayLedgerSchema, type BatchOutcome, type GatewayLedger } from './accounting-ledger.ts';
import { accountingReport, type AccountingReport } from './accounting-report.ts';

const fileSchema = z.strictObject({ v: z.literal(1), gateways: z.record(z.string(), gatewayLedgerSchema) });

/** `<dataDir>/accounting.json`: per-gateway loss accounting totals. */
export function accountingFile(dataDir: string): string {
  return join(dataDir, 'accounting.json');
}

export interface LossAccountingOptions {
  file: string;
  logger: Logger;
  /** How often changed totals are written (ms); a graceful stop writes the rest. */
  saveEveryMs?: number;
  now?: () => Date;
}

/**
 * Per-gateway loss accounting: what each gateway says it sent (its retained
 * status) against what ingest decided (acknowledged, refused, resent), kept
 * across cloud restarts in one JSON file (temp file + rename, so a crash
 * leaves the previous version).
 *
 * Lifecycle: `open()` reads the file (an unreadable one is set aside as
 * `<file>.corrupt-<time>` and counting restarts, logged with its code);
 * feed it with `recordOutcome()` (from Ingest) and `recordStatus()` (from the
 * GatewayStatusBoard); `close()` stops the save timer and writes the last
 * changes. A crash loses at most `saveEveryMs` of counts.
 */
export class LossAccounting {
  private readonly queue = new SerialQueue();
  private readonly timer: NodeJS.Timeout;
  private dirty = false;
  private writeFailing = false;
  private readonly now: () => Date;

  private constructor(
    private readonly options: LossAccountingOptions,
    // Map(gateway id -> its totals); gateways are registered ones, so it stays small.
    private readonly ledgers: Map<string, GatewayLedger>,
  ) {
    this.now = options.now ?? (() => new Date());
    this.timer = setInterval(() => void this.save(), options.saveEveryMs ?? 1000);
    this.timer.unref();
  }

  static async open(options: LossAccountingOptions): Promise<LossAccounting> {
    let text: string | undefined;
    try {
      text = await readFile(options.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === undefined) return new LossAccounting(options, new Map());
    let parsed: z.infer<typeof fileSchema> | undefined;
    let reason = '';
    try {
      const result = fileSchema.safeParse(JSON.parse(text));
      if (result.success) parsed = result.data;
      else reason = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    } catch (err) {
      reason = (err as Error).message;
    }
    if (parsed) return new LossAccounting(options, new Map(Object.entries(parsed.gateways)));
    const aside = `${options.file}.corrupt-${Date.now()}`;
    await rename(options.file, aside);
    const e = accountingErrors.FILE_UNREADABLE({ file: options.file, aside, reason });
    options.logger.error({ code: e.code, hint: e.hint }, e.message);
    return new LossAccounting(options, new Map());
  }

  private ledger(gateway: string): GatewayLedger {
    let ledger = this.ledgers.get(gateway);
    if (!ledger) {
      ledger = emptyLedger(this.now());
      this.ledgers.set(gateway, ledger);
    }
    this.dirty = true;
    return ledger;
  }

  recordOutcome(gateway: string, outcome: BatchOutcome): void {
    applyOutcome(this.ledger(gateway), outcome, this.now());
  }

  recordStatus(status: GatewayStatus): void {
    applyStatus(this.ledger(status.gateway), status, this.now());
  }

  /** The gateway's accounting; all zeros (since now) when the cloud never counted anything for it. */
  report(gateway: string): AccountingReport {
    return accountingReport(gateway, this.ledgers.get(gateway) ?? emptyLedger(this.now()));
  }

  /** Ids of the gateways the cloud has counted something for. */
  gateways(): string[] {
    return [...this.ledgers.keys()].sort();
  }

  /** Writes the totals if they changed since the last write; failures are logged once until a write works. */
  save(): Promise<void> {
    return this.queue.run(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const text = `${JSON.stringify({ v: 1, gateways: Object.fromEntries(this.ledgers) })}\n`;
      const temp = `${this.options.file}.tmp`;
      try {
        await writeFile(temp, text);
        await rename(temp, this.options.file);
      } catch (err) {
        this.dirty = true;
        if (!this.writeFailing) {
          this.writeFailing = true;
          const e = accountingErrors.WRITE_FAILED({ file: this.options.file, reason: (err as Error).message });
          this.options.logger.error({ code: e.code, hint: e.hint }, e.message);
        }
        return;
      }
      if (this.writeFailing) {
        this.writeFailing = false;
        this.options.logger.info({ file: this.options.file }, 'accounting file writable again');
      }
    });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.save();
  }
}
