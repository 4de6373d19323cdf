/**
 * The bounded buffer: `maxBytes` with the drop_oldest policy. Drops are whole
 * segments, counted, warned once per overflow episode, and leave a log that
 * reopens to the same content.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReadingDraft } from '@zenne/device-profiles';
import { DurableBuffer } from '../src/buffer/index.ts';

// PM2.5 (µg/m³) of Sensor.Community node 5331 (SDS011), Aberdeen, 2019-05-19 from 00:02:17.
const PM2_5 = [20.1, 20.67, 23.3, 21.9];
const START = Date.UTC(2019, 4, 19, 0, 2, 17);

function drafts(n: number, from: number): ReadingDraft[] {
  return Array.from({ length: n }, (_, i) => ({
    device: 'aq-limit-01',
    quantity: 'pm2_5',
    value: PM2_5[(from + i) % PM2_5.length]!,
    unit: 'ug/m3',
    ts: new Date(START + (from + i) * 145_000).toISOString(),
    quality: 'good',
  }));
}

const ALL = { maxRecords: Number.MAX_SAFE_INTEGER, maxBytes: Number.POSITIVE_INFINITY };
const MAX_BYTES = 32 * 1024;
const SEGMENT_BYTES = 4 * 1024;

function capturingLogger() {
  const lines: Array<{ level: number; msg: string; code?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

async function segmentBytes(dir: string): Promise<number> {
  let sum = 0;
  for (const name of await readdir(dir)) if (name.startsWith('seg-')) sum += (await stat(join(dir, name))).size;
  return sum;
}

describe('DurableBuffer with max_bytes (drop_oldest)', () => {
  let dir: string;
  let buffer: DurableBuffer | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-buffer-limit-'));
  });
  afterEach(async () => {
    await buffer?.close();
    buffer = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('drops the oldest whole segments, counts them, keeps the newest in order and stays under the limit', async () => {
    const { logger, lines } = capturingLogger();
    buffer = await DurableBuffer.open(dir, { maxBytes: MAX_BYTES, segmentMaxBytes: SEGMENT_BYTES, logger });
    const total = 1000;
    for (let i = 0; i < total; i += 10) {
      await buffer.append(drafts(10, i));
      expect(await segmentBytes(dir)).toBeLessThanOrEqual(MAX_BYTES);
    }
    const stats = buffer.stats();
    expect(stats.bytes).toBeLessThanOrEqual(MAX_BYTES);
    expect(stats.dropped_readings).toBeGreaterThan(0);
    expect(stats.dropped_readings + stats.depth).toBe(total);
    expect(stats.dropped_bytes).toBeGreaterThan(0);
    expect(stats.oldest_dropped_ts).toBe(new Date(START).toISOString());

    const kept = await buffer.read(0, ALL);
    expect(kept).toHaveLength(stats.depth);
    // The newest readings, contiguous and in order.
    expect(kept.map((r) => r.reading.ts)).toEqual(drafts(stats.depth, total - stats.depth).map((d) => d.ts));
    expect(kept[0]!.index).toBe(stats.dropped_readings);

    const warnings = lines.filter((l) => l.code === 'ZENNE_ERR_AGENT_BUFFER_FULL');
    expect(warnings).toHaveLength(1);

    // A restart sees the same log.
    const depth = stats.depth;
    await buffer.close();
    buffer = await DurableBuffer.open(dir, { maxBytes: MAX_BYTES, segmentMaxBytes: SEGMENT_BYTES });
    expect(buffer.depth()).toBe(depth);
    expect((await buffer.read(0, ALL)).map((r) => r.reading.seq)).toEqual(kept.map((r) => r.reading.seq));
    // Sequence numbers go on after the dropped ones.
    const [next] = await buffer.append(drafts(1, total));
    expect(next!.seq).toBe(kept.at(-1)!.reading.seq + 1);
  });

  it('does not count acknowledged readings as dropped, and warns again only in a new overflow episode', async () => {
    const { logger, lines } = capturingLogger();
    buffer = await DurableBuffer.open(dir, { maxBytes: MAX_BYTES, segmentMaxBytes: SEGMENT_BYTES, logger });
    await buffer.append(drafts(100, 0));
    await buffer.ack(0, 100);
    let written = 100;
    while (buffer.stats().bytes + 2000 < MAX_BYTES) {
      await buffer.append(drafts(10, written));
      written += 10;
    }
    // Everything unacknowledged still fits: acknowledged bytes made room first.
    expect(buffer.stats().dropped_readings).toBe(0);

    while (buffer.stats().dropped_readings === 0) {
      await buffer.append(drafts(10, written));
      written += 10;
    }
    expect(buffer.stats().dropped_readings + buffer.depth()).toBe(written - 100);
    expect(lines.filter((l) => l.code === 'ZENNE_ERR_AGENT_BUFFER_FULL')).toHaveLength(1);

    // The uplink catches up: the episode ends once the buffer is well under the limit.
    await buffer.ack(0, buffer.nextIndex);
    await buffer.append(drafts(10, written));
    written += 10;
    expect(lines.some((l) => l.msg === 'buffer below its limit again')).toBe(true);

    const before = buffer.stats().dropped_readings;
    while (buffer.stats().dropped_readings === before) {
      await buffer.append(drafts(10, written));
      written += 10;
    }
    expect(lines.filter((l) => l.code === 'ZENNE_ERR_AGENT_BUFFER_FULL')).toHaveLength(2);
  });

  it('sizes segments from the limit so a drop frees a small slice', async () => {
    buffer = await DurableBuffer.open(dir, { maxBytes: 1024 * 1024 });
    let i = 0;
    while (buffer.stats().segments < 3) {
      await buffer.append(drafts(50, i));
      i += 50;
    }
    const names = (await readdir(dir)).filter((n) => n.startsWith('seg-')).sort();
    const first = (await stat(join(dir, names[0]!))).size;
    expect(first).toBeLessThanOrEqual(1024 * 1024 / 8);
    expect(first).toBeGreaterThan(1024 * 1024 / 8 - 50 * 300);
  });
});
