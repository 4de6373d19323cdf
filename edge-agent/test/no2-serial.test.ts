import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createNormaliser, getProfile, type ReadingDraft } from '@zenne/device-profiles';
import { Ze03CommandParser, encodeZe03Frame, type Ze03Command } from '@zenne/firmware-bridges';
import { loadCases, type BridgeCase } from '@zenne/firmware-bridges/testing/cases';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { silentLogger } from '../src/logger.ts';
import { SerialSource, serialSourceKind, type SerialSourceConfig } from '../src/sources/serial/index.ts';
import { sourceContract, type ExpectedReading } from '../src/sources/testing/source-contract.ts';

// The Winsen ZE03-NO2 in Q&A mode answers only the read command 0x86
// (firmware-bridges/src/ze03/README.md), so the serial source polls it. A real socat pty sits
// between the source and the module's end, which decodes the host's commands and answers each
// read with the next queued response.

const bridgesSrc = dirname(createRequire(import.meta.url).resolve('@zenne/firmware-bridges'));
const answersCase: BridgeCase = loadCases(join(bridgesSrc, 'ze03/test/cases')).find((c) => c.name === 'qa-answers')!;
const PROFILE = 'winsen-ze03-no2';
const DEVICE = 'no2-test-01';

function ze03Config(port: string): SerialSourceConfig {
  return { id: 'ze03-01', kind: 'serial', port, baud_rate: 9600, bridge: 'ze03', profile: PROFILE, device: DEVICE, poll_period_s: 0.05 };
}

function openPort(path: string): Promise<SerialPortStream> {
  return new Promise((resolve, reject) => {
    const port = new SerialPortStream({ binding: autoDetect(), path, baudRate: 9600 }, (err) => (err ? reject(err) : resolve(port)));
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The module's end of the pty: records the host's commands; each read takes one queued answer. */
async function openModuleEnd(path: string) {
  const port = await openPort(path);
  const commands: Ze03Command[] = [];
  const answers: Buffer[] = [];
  const parser = new Ze03CommandParser();
  parser.on('data', (command: Ze03Command) => {
    commands.push(command);
    const answer = command.command === 'read_concentration' ? answers.shift() : undefined;
    if (answer) port.write(answer);
  });
  port.on('data', (chunk: Buffer) => parser.write(chunk));
  const close = () => (port.isOpen ? new Promise<void>((resolve) => port.close(() => resolve())) : Promise.resolve());
  return { port, commands, answers, close };
}

function expectedReadings(testCase: BridgeCase): ExpectedReading[] {
  const normaliser = createNormaliser(getProfile(PROFILE), { device: DEVICE });
  return testCase.expected.frames.flatMap((frame) =>
    normaliser.normalise({ fields: frame.fields, ts: new Date() }).readings.map(({ device, quantity, value }) => ({ device, quantity, value })),
  );
}

{
  let pair: PtyPair | undefined;
  let module: Awaited<ReturnType<typeof openModuleEnd>> | undefined;
  let source: SerialSource | undefined;
  sourceContract({
    name: 'serial over a socat pty, polled ZE03-NO2 answering in Q&A mode',
    async create() {
      pair = await openPtyPair();
      module = await openModuleEnd(pair.b);
      source = new SerialSource(ze03Config(pair.a), { logger: silentLogger() });
      return source;
    },
    async feed() {
      for (let at = 0; at < answersCase.input.length; at += 9) module!.answers.push(answersCase.input.subarray(at, at + 9));
      return expectedReadings(answersCase);
    },
    async feedNoise() {
      module!.port.write(Buffer.from('\r\nAT+RESET\r\n\u0000\u0013\u0011'));
    },
    async teardown() {
      await source?.stop();
      await module?.close();
      await pair?.close();
      [source, module, pair] = [undefined, undefined, undefined];
    },
  });
}

describe('ZE03-NO2 over a serial pty', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('is accepted by the serial kind: bridge ze03 has a poll command, profile winsen-ze03-no2', () => {
    const config = ze03Config('/dev/ttyUSB0');
    expect(serialSourceKind.configSchema.safeParse(config).success).toBe(true);
    expect(serialSourceKind.check(config, new Map([[DEVICE, getProfile(PROFILE)]]))).toEqual({ errors: [], warnings: [] });
  });

  it('polls with the read command only and turns 0.1-ppm counts into µg/m³ at EU reference conditions', async () => {
    const pair = await openPtyPair();
    cleanup.push(() => pair.close());
    const module = await openModuleEnd(pair.b);
    cleanup.push(() => module.close());
    // Brussels street air (0 counts), the EU 1-hour limit (1 count ≈ 200 µg/m³) and a value
    // above the alert threshold (3 counts = 573.75 µg/m³), in that order.
    module.answers.push(...[0, 1, 3].map((concentration) => encodeZe03Frame({ concentration })));
    const source = new SerialSource(ze03Config(pair.a), { logger: silentLogger() });
    cleanup.push(() => source.stop());
    const readings: ReadingDraft[] = [];
    await source.start(async (batch) => void readings.push(...batch));
    await until(() => readings.length >= 3);
    expect(readings.slice(0, 3)).toMatchObject([
      { device: DEVICE, quantity: 'no2', unit: 'ug/m3', value: 0, quality: 'good' },
      { device: DEVICE, quantity: 'no2', unit: 'ug/m3', value: 191.25, quality: 'good' },
      { device: DEVICE, quantity: 'no2', unit: 'ug/m3', value: 573.75, quality: 'suspect', reasons: ['out_of_plausible_range'] },
    ]);
    expect(module.commands.length).toBeGreaterThanOrEqual(3);
    expect(module.commands.every((c) => c.command === 'read_concentration')).toBe(true);
  });
});
