import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DurableBuffer } from '../src/buffer/index.ts';

const WRITER = fileURLToPath(new URL('./fixtures/buffer-crash-writer.ts', import.meta.url));
const ROUNDS = 8;

interface RoundOutput {
  appended: string[];
  /** Acks that were about to be made: possibly durable. */
  acking: string[];
  acked: string[];
}

/** Starts the writer, lets it work for `runMs` after it is ready, SIGKILLs it and returns what it confirmed. */
function crashWriter(dir: string, seed: number, runMs: number): Promise<RoundOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      if (!timer && stdout.includes('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), runMs);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    // 'exit' comes after the child is reaped, so its lock holds a dead pid from here on.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`writer ended with code ${code} before it was killed: ${stderr}`));
        return;
      }
      // A line cut by the kill is not a confirmation.
      const lines = stdout.slice(0, stdout.lastIndexOf('\n') + 1).split('\n');
      resolve({
        appended: lines.filter((l) => l.startsWith('A ')).map((l) => l.slice(2)),
        acking: lines.filter((l) => l.startsWith('P ')).map((l) => l.slice(2)),
        acked: lines.filter((l) => l.startsWith('K ')).map((l) => l.slice(2)),
      });
    });
  });
}

describe('durable buffer under SIGKILL', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps a valid prefix: nothing confirmed is lost, reordered or resent once acknowledged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-buffer-crash-'));
    dirs.push(dir);
    // Everything the writers confirmed, over all rounds: "device seq" strings.
    const appended = new Set<string>();
    const acked = new Set<string>();
    const acking = new Set<string>();
    // Map(device -> highest seq seen so far, confirmed or found in the log)
    const highest = new Map<string, number>();
    let tornInjected = 0;
    let tornFound = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const before = new Map(highest);
      // A random moment within the writer's first quarter second of work.
      const runMs = Math.round(20 + Math.random() * 250);
      const output = await crashWriter(dir, round + 1, runMs);
      for (const entry of output.appended) {
        const [device, seq] = entry.split(' ') as [string, string];
        expect(appended.has(entry), `${entry} given twice (round ${round}, killed after ${runMs} ms)`).toBe(false);
        // Sequence numbers keep growing across restarts.
        expect(Number(seq)).toBeGreaterThan(before.get(device) ?? -1);
        appended.add(entry);
      }
      for (const entry of output.acked) acked.add(entry);
      for (const entry of output.acking) acking.add(entry);

      // Every third round, also leave half a record at the end, as a power cut during a write would.
      if (round % 3 === 2) {
        const last = (await readdir(dir)).filter((n) => n.startsWith('seg-')).sort().at(-1)!;
        await appendFile(join(dir, last), Buffer.from([0x40, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 0x7b, 0x22]));
        tornInjected += 1;
      }

      const buffer = await DurableBuffer.open(dir);
      try {
        tornFound += buffer.stats().torn_records;
        const records = await buffer.read(buffer.firstUnacked(), { maxRecords: Number.MAX_SAFE_INTEGER, maxBytes: Number.POSITIVE_INFINITY });
        const present = new Set<string>();
        let lastIndex = -1;
        // Map(device -> last seq met in log order)
        const lastSeq = new Map<string, number>();
        for (const { index, reading } of records) {
          const key = `${reading.device} ${reading.seq}`;
          expect(index).toBeGreaterThan(lastIndex);
          expect(reading.seq).toBeGreaterThan(lastSeq.get(reading.device) ?? -1);
          expect(acked.has(key)).toBe(false);
          expect(present.has(key)).toBe(false);
          lastIndex = index;
          lastSeq.set(reading.device, reading.seq);
          present.add(key);
          highest.set(reading.device, Math.max(highest.get(reading.device) ?? 0, reading.seq));
        }
        for (const key of appended) {
          if (!acking.has(key)) expect(present.has(key), `confirmed ${key} missing (round ${round}, killed after ${runMs} ms)`).toBe(true);
        }
        expect(buffer.depth()).toBe(records.length);
        for (const key of appended) {
          const [device, seq] = key.split(' ') as [string, string];
          highest.set(device, Math.max(highest.get(device) ?? 0, Number(seq)));
        }
      } finally {
        await buffer.close();
      }
    }
    expect(appended.size).toBeGreaterThan(0);
    expect(acked.size).toBeGreaterThan(0);
    expect(tornFound).toBe(tornInjected);
  });
});
