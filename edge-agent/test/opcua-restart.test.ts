import { createServer, connect, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingDraft } from '@zenne/device-profiles';
import { opcuaSourceConfigSchema } from '../src/sources/opcua/index.ts';
import { OpcuaSource } from '../src/sources/opcua/opcua-source.ts';
import { BMS_DEVICES, BMS_POINT_NAMES, BMS_POINTS, BmsServer, bmsSourceDevices } from './support/opcua-server.ts';

// Acceptance 3 of issue 3: the OPC UA server restarted mid-run; every monitored item delivers again, the gap is reported.

const LIFETIME_MS = 60 * 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(50);
}

/** A pino logger whose records land in `records`. */
function capturingLogger(): { logger: pino.Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      records.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}

/** A TCP relay between agent and server whose link can be cut (sockets destroyed, port refusing) and restored. */
class CuttableLink {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: number) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

let bms: BmsServer;
beforeAll(async () => {
  // A live BMS: every point changes every 200 ms.
  bms = await BmsServer.start({ simulateEveryMs: 200 });
});
afterAll(async () => {
  await bms?.close();
});

let source: OpcuaSource | undefined;
let link: CuttableLink | undefined;
afterEach(async () => {
  await source?.stop();
  await link?.cut();
  source = undefined;
  link = undefined;
});

function startSource(endpoint: string) {
  const { logger, records } = capturingLogger();
  const config = opcuaSourceConfigSchema.parse({
    id: 'bms-restart',
    kind: 'opcua',
    endpoint,
    publishing_interval_ms: 100,
    devices: bmsSourceDevices(bms),
  });
  source = new OpcuaSource(config, { logger });
  const readings: Array<{ reading: ReadingDraft; arrived: number }> = [];
  const sink = async (batch: ReadingDraft[]) => void readings.push(...batch.map((reading) => ({ reading, arrived: Date.now() })));
  return { source, readings, records, sink };
}

/** Quantities that delivered at least one reading arriving after `since`. */
function deliveredSince(readings: Array<{ reading: ReadingDraft; arrived: number }>, since: number): Set<string> {
  return new Set(readings.filter((r) => r.arrived > since).map((r) => `${r.reading.device}/${r.reading.quantity}`));
}
const everyItem = BMS_POINT_NAMES.map((name) => `${BMS_DEVICES[name]}/${BMS_POINTS[name].quantity}`);

async function expectRestored(run: ReturnType<typeof startSource>, lostAt: number, backAt: number): Promise<void> {
  await until(() => deliveredSince(run.readings, backAt).size === everyItem.length);
  expect([...deliveredSince(run.readings, backAt)].sort()).toEqual([...everyItem].sort());
  await until(() => run.source.dataGaps().length === 1);
  const [gap] = run.source.dataGaps();
  // The gap runs from the last value before the loss to the first value after it.
  expect(Date.parse(gap!.from)).toBeLessThanOrEqual(lostAt);
  expect(Date.parse(gap!.to)).toBeGreaterThanOrEqual(backAt);
  expect(gap!.duration_ms).toBe(Date.parse(gap!.to) - Date.parse(gap!.from));
  const stats = run.source.stats();
  expect(stats.state).toBe('running');
  expect(stats.errors.gap).toBe(1);
  expect(stats.last_error).toContain('no data from');
  // Logged once each: the outage, the gap, every item back.
  const byMsg = (msg: string) => run.records.filter((r) => r.msg === msg).length;
  expect(run.records.filter((r) => r.code === 'ZENNE_ERR_AGENT_OPCUA_UNAVAILABLE')).toHaveLength(1);
  expect(byMsg('OPC UA data gap')).toBe(1);
  expect(byMsg('every monitored item delivers again')).toBe(1);
}

describe('opcua source across outages', () => {
  it('after a server restart on the same port, every monitored item delivers again and the gap is reported once', async () => {
    const run = startSource(bms.endpoint);
    await run.source.start(run.sink);
    await until(() => deliveredSince(run.readings, 0).size === everyItem.length);

    const lostAt = Date.now();
    await bms.close();
    await until(() => run.source.stats().state === 'unavailable');
    await bms.open();
    const backAt = Date.now();
    await expectRestored(run, lostAt, backAt);
  });

  it('after a network cut, the kept session and subscription deliver again and the gap is reported once', async () => {
    link = new CuttableLink(Number(new URL(bms.endpoint.replace('opc.tcp:', 'http:')).port));
    await link.up();
    const run = startSource(`opc.tcp://127.0.0.1:${link.port}`);
    await run.source.start(run.sink);
    await until(() => deliveredSince(run.readings, 0).size === everyItem.length);

    const lostAt = Date.now();
    await link.cut();
    await until(() => run.source.stats().state === 'unavailable');
    await sleep(1000);
    await link.up();
    const backAt = Date.now();
    await expectRestored(run, lostAt, backAt);
  });

  it('after a cut longer than the subscription lifetime (the server dropped it), the subscription is re-created', async () => {
    link = new CuttableLink(Number(new URL(bms.endpoint.replace('opc.tcp:', 'http:')).port));
    await link.up();
    const run = startSource(`opc.tcp://127.0.0.1:${link.port}`);
    await run.source.start(run.sink);
    await until(() => deliveredSince(run.readings, 0).size === everyItem.length);

    const lostAt = Date.now();
    await link.cut();
    await until(() => run.source.stats().state === 'unavailable');
    // Lifetime = 60 publishing intervals of 100 ms (Part 4 §5.13.1.1): the server deletes the subscription after 6 s.
    await sleep(LIFETIME_MS + 1500);
    await link.up();
    const backAt = Date.now();
    await expectRestored(run, lostAt, backAt);
  });

  it('when the server drops the session while the connection stays up, session and subscription are re-created', async () => {
    const run = startSource(bms.endpoint);
    await run.source.start(run.sink);
    await until(() => deliveredSince(run.readings, 0).size === everyItem.length);

    const lostAt = Date.now();
    bms.dropSessions();
    await until(() => run.source.stats().state === 'unavailable');
    const backAt = Date.now();
    await expectRestored(run, lostAt, backAt);
  });
});
