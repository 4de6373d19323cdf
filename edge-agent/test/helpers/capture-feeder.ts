import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { loadCases, type BridgeCase } from '@zenne/firmware-bridges/testing/cases';

const bridgesSrc = dirname(createRequire(import.meta.url).resolve('@zenne/firmware-bridges'));

/** A firmware-bridges test case: real UART bytes recorded from the sensor (PyPMS fixtures, MIT). */
export function capture(family: string, name: string): BridgeCase {
  const found = loadCases(join(bridgesSrc, family, 'test/cases')).find((c) => c.name === name);
  if (!found) throw new Error(`no case ${family}/${name}`);
  return found;
}

/**
 * Plays `bytes` into a pty end every `periodMs`, like a self-reporting sensor.
 * Lifecycle: resolves once the port is open; `stop()` ends the loop and closes the port.
 */
export async function feedPort(path: string, bytes: Buffer, periodMs = 300): Promise<{ stop(): Promise<void> }> {
  const port = await openPort(path);
  port.on('data', () => undefined);
  const write = () => port.write(bytes);
  write();
  const timer = setInterval(write, periodMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await closePort(port);
    },
  };
}

/**
 * Answers `reply` whenever bytes holding `request` arrive, like a polled sensor
 * (MH-Z19B). Lifecycle: resolves once the port is open; `stop()` closes it.
 */
export async function answerPort(path: string, request: Buffer, reply: Buffer): Promise<{ stop(): Promise<void> }> {
  const port = await openPort(path);
  port.on('data', (chunk: Buffer) => {
    if (chunk.includes(request)) port.write(reply);
  });
  return { stop: () => closePort(port) };
}

async function openPort(path: string): Promise<SerialPortStream> {
  const port = new SerialPortStream({ binding: autoDetect(), path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

async function closePort(port: SerialPortStream): Promise<void> {
  if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
}
