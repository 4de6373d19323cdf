import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createNormaliser, getProfile, type ReadingDraft } from '@zenne/device-profiles';
import { loadCases, type BridgeCase } from '@zenne/firmware-bridges/testing/cases';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { silentLogger, type Logger } from '../src/logger.ts';
import { SerialSource, type SerialSourceConfig } from '../src/sources/serial/index.ts';
import type { Source } from '../src/sources/index.ts';
import { sourceContract, type ExpectedReading } from '../src/sources/testing/source-contract.ts';

// The bridges' captured test cases: real UART bytes recorded from the sensors (PyPMS fixtures, MIT).
const bridgesSrc = dirname(createRequire(import.meta.url).resolve('@zenne/firmware-bridges'));
function capture(family: string, name: string): BridgeCase {
  const found = loadCases(join(bridgesSrc, family, 'test/cases')).find((c) => c.name === name);
  if (!found) throw new Error(`no case ${family}/${name}`);
  return found;
}

const devices = [
  { bridge: 'sds011', profile: 'nova-sds011', capture: capture('sds011', 'capture-sds01x') },
  { bridge: 'pms5003', profile: 'plantower-pms5003', capture: capture('pms5003', 'capture-pmsx003') },
];

/** The readings the profile makes of the capture's expected frames, in order. */
function expectedReadings(profileId: string, device: string, testCase: BridgeCase): ExpectedReading[] {
  const normaliser = createNormaliser(getProfile(profileId), { device });
  return testCase.expected.frames.flatMap((frame) =>
    normaliser.normalise({ fields: frame.fields, ts: new Date() }).readings.map(({ device, quantity, value }) => ({ device, quantity, value })),
  );
}

function serialConfig(port: string, bridge: string, profile: string): SerialSourceConfig {
  return { id: `${bridge}-01`, kind: 'serial', port, baud_rate: 9600, bridge, profile, device: 'aq-test-01' };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

for (const device of devices) {
  let pair: PtyPair | undefined;
  let source: Source | undefined;
  sourceContract({
    name: `serial over a socat pty, ${device.bridge} capture`,
    async create() {
      pair = await openPtyPair();
      source = new SerialSource(serialConfig(pair.a, device.bridge, device.profile), { logger: silentLogger() });
      return source;
    },
    async feed() {
      await writeFile(pair!.b, device.capture.input);
      return expectedReadings(device.profile, 'aq-test-01', device.capture);
    },
    async feedNoise() {
      await writeFile(pair!.b, Buffer.from('\r\nAT+RESET\r\n\u0000\u0013\u0011'));
    },
    async teardown() {
      await source?.stop();
      await pair?.close();
      source = undefined;
      pair = undefined;
    },
  });
}

/** A pino logger whose records land in `lines` (parsed). */
function memoryLogger(): { logger: Logger; lines: Array<{ msg: string; level: number }> } {
  const lines: Array<{ msg: string; level: number }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('serial source: port loss and recovery', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  it('waits for a port that does not exist yet, logging it once, and reads it when it appears', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-serial-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const { logger, lines } = memoryLogger();
    const sds = devices[0]!;
    const source = new SerialSource(serialConfig(join(dir, 'a'), sds.bridge, sds.profile), { logger });
    cleanup.push(() => source.stop());
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => (source.stats().errors.port ?? 0) >= 3);
    expect(source.stats().state).toBe('unavailable');

    const pair = await openPtyPair({ dir });
    cleanup.splice(1, 0, () => pair.close());
    await until(() => source.stats().state === 'running');
    await writeFile(pair.b, sds.capture.input);
    await until(() => readings.length >= expectedReadings(sds.profile, 'aq-test-01', sds.capture).length);
    expect(lines.filter((l) => l.msg.includes('is unavailable'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'serial port recovered')).toHaveLength(1);
  });

  it('survives the port disappearing (adapter unplugged) and resumes with a fresh parser', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-serial-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const { logger, lines } = memoryLogger();
    const pms = devices[1]!;
    const frames = pms.capture.expected.frames.length;
    let pair = await openPtyPair({ dir });
    const source = new SerialSource(serialConfig(join(dir, 'a'), pms.bridge, pms.profile), { logger });
    cleanup.push(async () => {
      await source.stop();
      await pair.close();
    });
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => source.stats().state === 'running');
    // Half a frame, then the cable goes: the next parser must not glue it to new bytes.
    await writeFile(pair.b, Buffer.concat([pms.capture.input, pms.capture.input.subarray(0, 15)]));
    await until(() => source.stats().frames >= frames);
    // The replacement ptys are made while the first pair still holds its own, so the kernel
    // cannot hand the unplugged port's pty number to them (or to another test's socat) and
    // the source can only ever reopen the right device.
    const replacement = await openPtyPair();
    await pair.close();
    await until(() => source.stats().state === 'unavailable');
    await rename(replacement.a, join(dir, 'a'));
    await rename(replacement.b, join(dir, 'b'));
    pair = { a: join(dir, 'a'), b: join(dir, 'b'), close: () => replacement.close() };
    await until(() => source.stats().state === 'running');
    await writeFile(pair.b, pms.capture.input);
    await until(() => source.stats().frames >= frames * 2);
    expect(readings.length).toBe(expectedReadings(pms.profile, 'aq-test-01', pms.capture).length * 2);
    expect(source.stats().errors.truncated).toBe(1);
    expect(lines.filter((l) => l.msg.includes('is unavailable'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'serial port recovered')).toHaveLength(1);
  });
});
