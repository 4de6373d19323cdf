import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createNormaliser, getProfile, type ReadingDraft } from '@zenne/device-profiles';
import { encodeSds011Frame, Mhz19bCommandParser, type Mhz19bCommand } from '@zenne/firmware-bridges';
import { loadCases, type BridgeCase } from '@zenne/firmware-bridges/testing/cases';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { silentLogger, type Logger } from '../src/logger.ts';
import { SerialSource, serialSourceKind, type SerialSourceConfig } from '../src/sources/serial/index.ts';
import { sourceContract, type ExpectedReading } from '../src/sources/testing/source-contract.ts';

// The MH-Z19B only answers when asked (Winsen manual V1.0 §7), so the serial source must write
// the bridge's poll command (FF 01 86 … 79) on a timer. These tests put a real socat pty between
// the source and the answering side.

const bridgesSrc = dirname(createRequire(import.meta.url).resolve('@zenne/firmware-bridges'));
const capture: BridgeCase = loadCases(join(bridgesSrc, 'mhz19b/test/cases')).find((c) => c.name === 'capture-mhz19b')!;
const PROFILE = 'winsen-mhz19b';
const DEVICE = 'co2-test-01';
const FAST_POLL_S = 0.05;

function mhz19bConfig(port: string, extra: Partial<SerialSourceConfig> = {}): SerialSourceConfig {
  return { id: 'mhz19b-01', kind: 'serial', port, baud_rate: 9600, bridge: 'mhz19b', profile: PROFILE, device: DEVICE, poll_period_s: FAST_POLL_S, ...extra };
}

function openPort(path: string): Promise<SerialPortStream> {
  return new Promise((resolve, reject) => {
    const port = new SerialPortStream({ binding: autoDetect(), path, baudRate: 9600 }, (err) => (err ? reject(err) : resolve(port)));
  });
}

function closePort(port: SerialPortStream): Promise<void> {
  return port.isOpen ? new Promise((resolve) => port.close(() => resolve())) : Promise.resolve();
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The sensor's end of the pty: decodes the host's commands; `answers` are written one per read command. */
async function openSensorEnd(path: string) {
  const port = await openPort(path);
  const commands: Mhz19bCommand[] = [];
  const answers: Buffer[] = [];
  const parser = new Mhz19bCommandParser();
  parser.on('data', (command: Mhz19bCommand) => {
    commands.push(command);
    const answer = command.command === 'read_co2' ? answers.shift() : undefined;
    if (answer) port.write(answer);
  });
  port.on('data', (chunk: Buffer) => parser.write(chunk));
  return { port, commands, answers, close: () => closePort(port) };
}

function expectedReadings(testCase: BridgeCase): ExpectedReading[] {
  const normaliser = createNormaliser(getProfile(PROFILE), { device: DEVICE });
  return testCase.expected.frames.flatMap((frame) =>
    normaliser.normalise({ fields: frame.fields, ts: new Date() }).readings.map(({ device, quantity, value }) => ({ device, quantity, value })),
  );
}

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

{
  let pair: PtyPair | undefined;
  let sensor: Awaited<ReturnType<typeof openSensorEnd>> | undefined;
  let source: SerialSource | undefined;
  sourceContract({
    name: 'serial over a socat pty, polled MH-Z19B answering with its capture',
    async create() {
      pair = await openPtyPair();
      sensor = await openSensorEnd(pair.b);
      source = new SerialSource(mhz19bConfig(pair.a), { logger: silentLogger() });
      return source;
    },
    async feed() {
      // Each captured response answers one poll, in capture order.
      for (let at = 0; at < capture.input.length; at += 9) sensor!.answers.push(capture.input.subarray(at, at + 9));
      return expectedReadings(capture);
    },
    async feedNoise() {
      sensor!.port.write(Buffer.from('\r\nAT+RESET\r\n\u0000\u0013\u0011'));
    },
    async teardown() {
      await source?.stop();
      await sensor?.close();
      await pair?.close();
      [source, sensor, pair] = [undefined, undefined, undefined];
    },
  });
}

describe('serial source: polled devices', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  async function pty(): Promise<PtyPair> {
    const pair = await openPtyPair();
    cleanup.push(() => pair.close());
    return pair;
  }

  it('counts polls left unanswered as no_answer, logs it once, and logs once when answers resume', async () => {
    const pair = await pty();
    const { logger, lines } = memoryLogger();
    const sensor = await openSensorEnd(pair.b);
    cleanup.push(() => sensor.close());
    // A period far above the pty's answer time, so a loaded machine cannot turn a late
    // answer into a second no-answer episode.
    const source = new SerialSource(mhz19bConfig(pair.a, { poll_period_s: 0.3 }), { logger });
    cleanup.push(() => source.stop());
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => (source.stats().errors.no_answer ?? 0) >= 3);
    expect(sensor.commands.every((c) => c.command === 'read_co2')).toBe(true);
    expect(source.stats().last_error).toMatch(/TX and RX/);

    for (let at = 0; at < capture.input.length; at += 9) sensor.answers.push(capture.input.subarray(at, at + 9));
    await until(() => readings.length >= 2 && lines.some((l) => l.msg === 'device answers the poll command again'));
    expect(lines.filter((l) => l.msg.startsWith('no frame from'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'device answers the poll command again')).toHaveLength(1);
  });

  it('uses the profile sample period when poll_period_s is not set', async () => {
    const pair = await pty();
    const sensor = await openSensorEnd(pair.b);
    cleanup.push(() => sensor.close());
    const { poll_period_s: _unused, ...config } = mhz19bConfig(pair.a);
    const source = new SerialSource(config, { logger: silentLogger() });
    cleanup.push(() => source.stop());
    await source.start(async () => undefined);
    // The first poll goes out as soon as the port is open; the next only after sample_period_s (10 s).
    await until(() => sensor.commands.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sensor.commands).toEqual([{ command: 'read_co2' }]);
  });

  it('writes nothing to a device that reports by itself (bridge without a poll command)', async () => {
    const pair = await pty();
    const sensorPort = await openPort(pair.b);
    cleanup.push(() => closePort(sensorPort));
    const received: Buffer[] = [];
    sensorPort.on('data', (chunk: Buffer) => received.push(chunk));
    const source = new SerialSource(
      { id: 'sds011-01', kind: 'serial', port: pair.a, baud_rate: 9600, bridge: 'sds011', profile: 'nova-sds011', device: 'aq-test-01', poll_period_s: FAST_POLL_S },
      { logger: silentLogger() },
    );
    cleanup.push(() => source.stop());
    await source.start(async () => undefined);
    await until(() => source.stats().state === 'running');
    for (let i = 0; i < 3; i += 1) sensorPort.write(encodeSds011Frame({ pm2_5: 12.3, pm10: 20.5, device_id: 0xa160 }));
    await until(() => source.stats().frames >= 3);
    await new Promise((resolve) => setTimeout(resolve, FAST_POLL_S * 1000 * 4));
    expect(Buffer.concat(received)).toHaveLength(0);
  });

  it('validates poll_period_s and warns when the bridge is not polled', () => {
    expect(serialSourceKind.configSchema.safeParse(mhz19bConfig('/dev/ttyUSB0', { poll_period_s: 0 })).success).toBe(false);
    const config = mhz19bConfig('/dev/ttyUSB0');
    const polled = serialSourceKind.check(config, new Map([[config.device, getProfile(PROFILE)]]));
    expect(polled).toEqual({ errors: [], warnings: [] });
    const selfReporting = serialSourceKind.check(
      { ...config, bridge: 'sds011', profile: 'nova-sds011' },
      new Map([[config.device, getProfile('nova-sds011')]]),
    );
    expect(selfReporting.warnings).toEqual([expect.objectContaining({ key: 'poll_period_s' })]);
  });
});
