/**
 * A full disk for real: the buffer (and in the agent case the whole state_dir)
 * lives on a fresh 1 MiB tmpfs per test (`mount -t tmpfs`, needs root or
 * CAP_SYS_ADMIN; the tests are skipped with that reason where the mount is
 * refused). A filler file eats the space.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReadingDraft } from '@zenne/device-profiles';
import { getBridge } from '@zenne/firmware-bridges';
import { loadCases } from '@zenne/firmware-bridges/testing/cases';
import { openPtyPair } from '@zenne/firmware-bridges/pty';
import { DurableBuffer } from '../src/buffer/index.ts';
import { startAgentProcess, until, waitForStatus } from './helpers/agent-process.ts';
import { startIngestHarness } from './helpers/ingest-harness.ts';
import { startMosquitto } from '../../test/support/mosquitto.ts';

// PM10 (µg/m³) of Sensor.Community node 5331 (SDS011), Aberdeen, 2019-05-19 00:02-00:09.
const PM10 = [72.73, 72.23, 87.67, 78.73];
const START = Date.UTC(2019, 4, 19, 0, 2, 17);

function drafts(n: number, from: number): ReadingDraft[] {
  return Array.from({ length: n }, (_, i) => ({
    device: 'aq-disk-01',
    quantity: 'pm10',
    value: PM10[(from + i) % PM10.length]!,
    unit: 'ug/m3',
    ts: new Date(START + (from + i) * 1000).toISOString(),
    quality: 'good',
  }));
}

const ALL = { maxRecords: Number.MAX_SAFE_INTEGER, maxBytes: Number.POSITIVE_INFINITY };

let mountRefused: string | undefined;
let mnt = '';

beforeEach(async () => {
  mnt = await mkdtemp(join(tmpdir(), 'zenne-disk-full-'));
  mountRefused = undefined;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (err) {
    mountRefused = (err as Error).message;
  }
});
afterEach(async () => {
  if (!mountRefused) execFileSync('umount', ['-l', mnt]);
  await rm(mnt, { recursive: true, force: true });
});

/** Fills the file system of `dir` to the last byte. */
async function fillDisk(file: string): Promise<void> {
  await writeFile(file, Buffer.alloc(2 * 1024 * 1024)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOSPC') throw err;
  });
}

describe('DurableBuffer on a full disk', () => {
  it('fails the append that hits ENOSPC cleanly, counts it as disk_full, recovers when space returns, reopens intact', async (ctx) => {
    if (mountRefused) ctx.skip(`mount -t tmpfs refused: ${mountRefused}`);
    const dir = join(mnt, 'buffer');
    const lines: Array<{ level: number; msg: string; code?: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    // The limit is above the disk size: the disk fills before the drop policy acts.
    let buffer = await DurableBuffer.open(dir, { maxBytes: 64 * 1024 * 1024, logger });
    const stored: number[] = [];
    const keep = async (n: number, from: number) => (await buffer.append(drafts(n, from))).forEach((r) => stored.push(r.seq));
    await keep(200, 0);

    // Leave less room than the next append needs, so ENOSPC comes in the middle of it.
    const { bavail, bsize } = await statfs(mnt);
    const filler = join(mnt, 'filler');
    await writeFile(filler, Buffer.alloc(Math.max(0, bavail * bsize - 8 * 1024)));
    const segment = join(dir, (await readdir(dir)).find((n) => n.startsWith('seg-'))!);
    const sizeBefore = (await stat(segment)).size;

    let failures = 0;
    let next = 200;
    for (let attempt = 0; attempt < 20 && failures < 2; attempt++) {
      try {
        await keep(100, next);
      } catch (err) {
        expect((err as { code?: string }).code).toBe('ZENNE_ERR_AGENT_BUFFER_DISK_FULL');
        failures += 1;
      }
      next += 100;
    }
    expect(failures).toBe(2);
    // Nothing of a failed append stays in the file.
    const records = await buffer.read(0, ALL);
    expect(records.map((r) => r.reading.seq)).toEqual(stored);
    expect((await stat(segment)).size).toBeGreaterThanOrEqual(sizeBefore);
    expect(buffer.stats().lost_readings).toEqual({ disk_full: 200 });
    expect(lines.filter((l) => l.code === 'ZENNE_ERR_AGENT_BUFFER_DISK_FULL')).toHaveLength(1);

    // Space comes back: the next append works, without a restart.
    await rm(filler);
    await keep(100, next);
    expect(lines.some((l) => l.msg === 'buffer appends work again')).toBe(true);
    await buffer.ack(0, 50);

    await buffer.close();
    buffer = await DurableBuffer.open(dir);
    try {
      const stats = buffer.stats();
      expect(stats.torn_records + stats.damaged_records).toBe(0);
      expect((await buffer.read(0, ALL)).map((r) => r.reading.seq)).toEqual(stored.slice(50));
      // Sequence numbers of lost readings are not reused for new ones: the last stored + 1 or later.
      const [after] = await buffer.append(drafts(1, next + 100));
      expect(after!.seq).toBeGreaterThan(stored.at(-1)!);
    } finally {
      await buffer.close();
    }
  });

  it('keeps the agent running on a full state_dir: the frame is lost and counted, later ones reach the cloud', async (ctx) => {
    if (mountRefused) ctx.skip(`mount -t tmpfs refused: ${mountRefused}`);
    // Real SDS011 UART capture from the bridge's test cases (PyPMS fixture, MIT): 10 frames, 2 readings each.
    const casesDir = join(dirname(createRequire(import.meta.url).resolve('@zenne/firmware-bridges')), 'sds011/test/cases');
    const capture = loadCases(casesDir).find((c) => c.name === 'capture-sds01x')!;
    const bridge = getBridge('sds011');
    // Frame i of an endless replay of the capture.
    const frame = (i: number) => bridge.encodeFrame(capture.expected.frames[i % capture.expected.frames.length]!.fields);

    const gateway = 'gw-disk-full';
    const broker = await startMosquitto();
    const pty = await openPtyPair();
    const harness = await startIngestHarness(broker.url, gateway);
    const work = await mkdtemp(join(tmpdir(), 'zenne-disk-full-agent-'));
    const config = join(work, 'agent.yaml');
    await writeFile(
      config,
      [
        `gateway: { id: ${gateway} }`,
        `cloud: { mqtt_url: "${broker.url}", password: "it-secret" }`,
        `state_dir: ${mnt}`,
        'uplink: { batch_max_readings: 8, batch_max_wait_ms: 100, reconnect_max_ms: 1000 }',
        'sources:',
        `  - { id: sds011-01, kind: serial, port: ${pty.a}, baud_rate: 9600, bridge: sds011, profile: nova-sds011, device: aq-disk-02 }`,
      ].join('\n') + '\n',
    );
    const agent = startAgentProcess(['run', '--config', config]);
    try {
      await waitForStatus(mnt, (s) => s.uplink.state === 'connected' && s.sources.every((src) => src.state === 'running'));
      let sent = 0;
      for (; sent < 3; sent++) await writeFile(pty.b, frame(sent));
      await until(() => harness.readings.length === 6);

      await fillDisk(join(mnt, 'filler'));
      // The segment's last memory page still takes a few records: send frames one by one until one finds no room.
      const diskFull = () => agent.logs.some((l) => l.code === 'ZENNE_ERR_AGENT_BUFFER_DISK_FULL');
      let delivered = harness.readings.length;
      while (!diskFull()) {
        expect(sent).toBeLessThan(300);
        await writeFile(pty.b, frame(sent++));
        await until(() => harness.readings.length === delivered + 2 || diskFull());
        delivered = harness.readings.length;
      }
      await until(() => agent.logs.some((l) => l.code === 'ZENNE_ERR_AGENT_SOURCE_SINK_FAILED'));
      expect(agent.child.exitCode).toBeNull();

      await rm(join(mnt, 'filler'));
      for (let i = 0; i < 3; i++) await writeFile(pty.b, frame(sent++));
      await until(() => harness.readings.length === delivered + 6);
      const status = await waitForStatus(mnt, (s) => s.buffer.depth === 0 && s.buffer.appended === delivered + 6);
      expect(status.buffer.lost_readings).toEqual({ disk_full: 2 });
      expect(status.sources[0]!.errors).toMatchObject({ sink: 1 });
      expect(status.sources[0]!.frames).toBe(sent);
      // Every frame but the lost one arrived, each reading once; the lost readings' seqs are not reused:
      // the cloud sees a gap of exactly 2 where they were.
      expect(harness.readings).toHaveLength(2 * (sent - 1));
      const seqs = harness.readings.map((r) => r.seq);
      const steps = seqs.slice(1).map((seq, i) => seq - seqs[i]!);
      expect(steps.filter((step) => step !== 1)).toEqual([3]);
      expect(agent.logs.some((l) => l.msg === 'buffer appends work again')).toBe(true);
    } finally {
      if (agent.child.exitCode === null) agent.child.kill('SIGTERM');
      await agent.exited;
      await harness.close();
      await pty.close();
      await broker.close();
      await rm(work, { recursive: true, force: true });
    }
  });
});
