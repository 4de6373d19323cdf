import { fileURLToPath } from 'node:url';
import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridges, type Bridge } from '../src/index.ts';
import { collect, loadCases, randomChunks, type BridgeCase } from '../src/testing/cases.ts';
import { openPtyPair, type PtyPair } from '../src/pty/pty-pair.ts';

const ARRIVAL_GUARD_MS = 15_000;

function openPort(path: string): Promise<SerialPortStream> {
  return new Promise((resolve, reject) => {
    const port = new SerialPortStream({ binding: autoDetect(), path, baudRate: 9600 }, (err) =>
      err ? reject(err) : resolve(port),
    );
  });
}

function closePort(port: SerialPortStream | undefined): Promise<void> {
  if (!port?.isOpen) return Promise.resolve();
  return new Promise((resolve, reject) => port.close((err) => (err ? reject(err) : resolve())));
}

/** Writes the case's bytes into `writer` in seeded chunks; the parser gets what `reader` receives. */
async function sendThrough(bridge: Bridge, testCase: BridgeCase, writer: SerialPortStream, reader: SerialPortStream) {
  const parser = bridge.createParser();
  const collector = collect(parser);
  let received = 0;
  const arrived = new Promise<void>((resolve, reject) => {
    const guard = setTimeout(() => {
      reader.removeListener('data', onData);
      reject(new Error(`only ${received} of ${testCase.input.length} bytes arrived over the pty`));
    }, ARRIVAL_GUARD_MS);
    const onData = (chunk: Buffer) => {
      parser.write(chunk);
      received += chunk.length;
      if (received >= testCase.input.length) {
        clearTimeout(guard);
        reader.removeListener('data', onData);
        resolve();
      }
    };
    reader.on('data', onData);
  });
  for (const chunk of randomChunks(testCase.input, testCase.input.length, 48)) writer.write(chunk);
  await arrived;
  parser.end();
  return { received, outcome: await collector.done() };
}

describe.each(Object.values(bridges))('$id parser over @serialport/stream on a socat pty pair', (bridge) => {
  const cases = loadCases(fileURLToPath(new URL(`../src/${bridge.id}/test/cases`, import.meta.url)));
  let pair: PtyPair | undefined;
  let writer: SerialPortStream | undefined;
  let reader: SerialPortStream | undefined;

  beforeAll(async () => {
    pair = await openPtyPair();
    writer = await openPort(pair.a);
    reader = await openPort(pair.b);
  });

  afterAll(async () => {
    await closePort(reader);
    await closePort(writer);
    await pair?.close();
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s arrives and decodes as expected', async (_name, testCase) => {
    const { received, outcome } = await sendThrough(bridge, testCase, writer!, reader!);
    expect(received).toBe(testCase.input.length);
    expect(outcome.frames.map((f) => f.fields)).toEqual(testCase.expected.frames.map((f) => f.fields));
    expect(outcome.replies).toEqual(testCase.expected.replies);
    expect(outcome.counters).toEqual(testCase.expected.counters);
  });
});
