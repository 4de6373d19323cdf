import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReadingDraft } from '@zenne/device-profiles';
import { DurableBuffer } from '../src/buffer/index.ts';

// PM10 / PM2.5 (µg/m³) of Sensor.Community node 5331 (SDS011), Aberdeen, 2019-05-19 00:02-00:09.
const PM10 = [72.73, 72.23, 87.67, 78.73];
const PM2_5 = [20.1, 20.67, 23.3, 21.9];

function drafts(device: string, n: number, from = 0): ReadingDraft[] {
  return Array.from({ length: n }, (_, i) => ({
    device,
    quantity: (from + i) % 2 === 0 ? 'pm2_5' : 'pm10',
    value: ((from + i) % 2 === 0 ? PM2_5 : PM10)[(from + i) % 4]!,
    unit: 'ug/m3',
    ts: new Date(Date.UTC(2019, 4, 19, 0, 2, 17) + (from + i) * 1000).toISOString(),
    quality: 'good',
  }));
}

const ALL = { maxRecords: Number.MAX_SAFE_INTEGER, maxBytes: Number.POSITIVE_INFINITY };

describe('DurableBuffer', () => {
  let dir: string;
  let buffer: DurableBuffer | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-buffer-'));
  });
  afterEach(async () => {
    await buffer?.close();
    buffer = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('gives each device its own sequence, starting at the wall clock in µs, and keeps call order', async () => {
    buffer = await DurableBuffer.open(dir, { now: () => 1_763_900_000_000 });
    const [a, b, c] = await Promise.all([
      buffer.append(drafts('aq-a', 3)),
      buffer.append(drafts('aq-b', 2)),
      buffer.append(drafts('aq-a', 2, 3)),
    ]);
    expect(a!.map((r) => r.seq)).toEqual([1_763_900_000_000_000, 1_763_900_000_000_001, 1_763_900_000_000_002]);
    expect(b!.map((r) => r.seq)).toEqual([1_763_900_000_000_000, 1_763_900_000_000_001]);
    expect(c!.map((r) => r.seq)).toEqual([1_763_900_000_000_003, 1_763_900_000_000_004]);
    const records = await buffer.read(0, ALL);
    expect(records.map((r) => [r.index, r.reading.device, r.reading.value])).toEqual([
      [0, 'aq-a', 20.1],
      [1, 'aq-a', 72.23],
      [2, 'aq-a', 23.3],
      [3, 'aq-b', 20.1],
      [4, 'aq-b', 72.23],
      [5, 'aq-a', 78.73],
      [6, 'aq-a', 20.1],
    ]);
    expect(JSON.parse(records[0]!.json)).toEqual(records[0]!.reading);
  });

  it('refuses an invalid draft without writing anything of that call', async () => {
    buffer = await DurableBuffer.open(dir);
    const bad = { ...drafts('aq-a', 1)[0]!, unit: 'furlongs' } as unknown as ReadingDraft;
    await expect(buffer.append([...drafts('aq-a', 1), bad])).rejects.toMatchObject({ code: 'ZENNE_ERR_AGENT_BUFFER_READING_INVALID' });
    expect(buffer.depth()).toBe(0);
  });

  it('reads within record and byte limits, at least one record', async () => {
    buffer = await DurableBuffer.open(dir);
    await buffer.append(drafts('aq-a', 10));
    expect((await buffer.read(2, { maxRecords: 3, maxBytes: 1e6 })).map((r) => r.index)).toEqual([2, 3, 4]);
    const one = (await buffer.read(0, ALL))[0]!.json.length;
    expect((await buffer.read(0, { maxRecords: 100, maxBytes: one * 2 + 1 })).length).toBe(2);
    expect((await buffer.read(0, { maxRecords: 100, maxBytes: 1 })).length).toBe(1);
    expect(await buffer.read(10, ALL)).toEqual([]);
  });

  it('takes acks out of order, never returns acknowledged records, and remembers across reopen', async () => {
    buffer = await DurableBuffer.open(dir);
    await buffer.append(drafts('aq-a', 10));
    await buffer.ack(4, 7);
    expect(buffer.depth()).toBe(7);
    expect(buffer.firstUnacked()).toBe(0);
    expect((await buffer.read(0, ALL)).map((r) => r.index)).toEqual([0, 1, 2, 3, 7, 8, 9]);
    await buffer.ack(0, 4);
    expect(buffer.firstUnacked()).toBe(7);
    await buffer.ack(2, 5); // a repeat changes nothing
    expect(buffer.depth()).toBe(3);
    await buffer.ack(8, 9);
    await buffer.close();

    buffer = await DurableBuffer.open(dir);
    expect(buffer.depth()).toBe(2);
    expect((await buffer.read(0, ALL)).map((r) => r.index)).toEqual([7, 9]);
    expect(buffer.stats().acknowledged).toBe(0);
  });

  it('deletes fully acknowledged segments and continues sequences from the saved state', async () => {
    buffer = await DurableBuffer.open(dir, { segmentMaxBytes: 1024 });
    const first = await buffer.append(drafts('aq-a', 20));
    for (let i = 0; i < 20; i++) await buffer.append(drafts('aq-b', 1, i));
    const segments = async () => (await readdir(dir)).filter((n) => n.startsWith('seg-'));
    expect((await segments()).length).toBeGreaterThan(2);
    await buffer.ack(0, buffer.nextIndex);
    expect(await segments()).toHaveLength(1);
    expect(buffer.depth()).toBe(0);
    await buffer.close();

    buffer = await DurableBuffer.open(dir, { segmentMaxBytes: 1024 });
    const [next] = await buffer.append(drafts('aq-a', 1));
    expect(next!.seq).toBe(first.at(-1)!.seq + 1);
    expect((await buffer.read(0, ALL)).map((r) => r.index)).toEqual([40]);
  });

  it('restores sequences from the log when it is ahead of the saved state', async () => {
    buffer = await DurableBuffer.open(dir);
    await buffer.append(drafts('aq-a', 2));
    await buffer.ack(0, 1); // state.json now says next seq = last + 1 ...
    const later = await buffer.append(drafts('aq-a', 5)); // ... the log knows more
    await buffer.close();
    buffer = await DurableBuffer.open(dir);
    const [next] = await buffer.append(drafts('aq-a', 1));
    expect(next!.seq).toBe(later.at(-1)!.seq + 1);
  });

  it('cuts off a torn last record, counts it, and keeps working', async () => {
    buffer = await DurableBuffer.open(dir);
    await buffer.append(drafts('aq-a', 3));
    await buffer.close();
    const [segment] = (await readdir(dir)).filter((n) => n.startsWith('seg-'));
    const path = join(dir, segment!);
    const whole = (await readFile(path)).length;
    // A header promising 200 bytes followed by only 5: a write cut by a power loss.
    await appendFile(path, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 0x7b, 0x22, 0x64, 0x65, 0x76]));
    buffer = await DurableBuffer.open(dir);
    expect(buffer.stats().torn_records).toBe(1);
    expect((await readFile(path)).length).toBe(whole);
    await buffer.append(drafts('aq-a', 1, 3));
    expect((await buffer.read(0, ALL)).map((r) => r.reading.value)).toEqual([20.1, 72.23, 23.3, 78.73]);
  });

  it('drops damaged records in an older segment, counts them and still sends the rest', async () => {
    buffer = await DurableBuffer.open(dir, { segmentMaxBytes: 1024 });
    for (let i = 0; i < 12; i++) await buffer.append(drafts('aq-a', 1, i));
    const before = buffer.nextIndex;
    await buffer.close();
    const [oldest] = (await readdir(dir)).filter((n) => n.startsWith('seg-')).sort();
    const path = join(dir, oldest!);
    const bytes = await readFile(path);
    bytes[bytes.length - 3]! ^= 0xff; // flip bits in the last record's payload
    await writeFile(path, bytes);
    buffer = await DurableBuffer.open(dir, { segmentMaxBytes: 1024 });
    expect(buffer.stats().damaged_records).toBe(1);
    expect(buffer.depth()).toBe(before - 1);
    expect((await buffer.read(0, ALL)).length).toBe(before - 1);
  });

  it('reports the age of the oldest unacknowledged reading', async () => {
    const start = Date.UTC(2019, 4, 19, 0, 2, 17);
    buffer = await DurableBuffer.open(dir, { now: () => start + 60_000 });
    expect(await buffer.oldestAge()).toBeNull();
    await buffer.append(drafts('aq-a', 3));
    expect(await buffer.oldestAge()).toBe(60);
    await buffer.ack(0, 1);
    expect(await buffer.oldestAge()).toBe(59);
  });

  it('refuses a folder locked by a live process and takes over a dead one', async () => {
    const sleeper = spawn('sleep', ['30']);
    try {
      await writeFile(join(dir, 'lock'), String(sleeper.pid));
      await expect(DurableBuffer.open(dir)).rejects.toMatchObject({ code: 'ZENNE_ERR_AGENT_STATE_DIR_LOCKED' });
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((resolve) => sleeper.once('exit', resolve));
    }
    buffer = await DurableBuffer.open(dir);
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(String(process.pid));
  });

  it('treats a segment cut inside its first record as torn', async () => {
    buffer = await DurableBuffer.open(dir);
    await buffer.append(drafts('aq-a', 2));
    await buffer.close();
    const [segment] = (await readdir(dir)).filter((n) => n.startsWith('seg-'));
    await truncate(join(dir, segment!), 10);
    buffer = await DurableBuffer.open(dir);
    expect(buffer.stats().torn_records).toBe(1);
    expect(buffer.depth()).toBe(0);
  });
});
