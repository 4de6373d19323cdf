import { Duplex } from 'node:stream';
import { openPtyPair } from '@zenne/firmware-bridges/pty';
import { closeSerialLink, openSerialLink } from '../../src/devices/serial-link.ts';

/** Two connected byte streams: what the device writes, the host reads, and back. */
export interface LinkPair {
  device: Duplex;
  host: Duplex;
  close(): Promise<void>;
}

export type LinkPairFactory = { name: string; open(): Promise<LinkPair> };

/** One end of an in-memory pair: what is written here is read at `peer`. */
class MemoryEnd extends Duplex {
  peer: MemoryEnd | undefined;
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.peer?.push(chunk);
    callback();
  }
}

function inMemoryPair(): LinkPair {
  const device = new MemoryEnd();
  const host = new MemoryEnd();
  device.peer = host;
  host.peer = device;
  return {
    device,
    host,
    close: async () => {
      device.destroy();
      host.destroy();
    },
  };
}

async function ptyPair(): Promise<LinkPair> {
  const pair = await openPtyPair();
  const device = await openSerialLink(pair.a, 9600);
  const host = await openSerialLink(pair.b, 9600);
  return {
    device,
    host,
    close: async () => {
      await closeSerialLink(device);
      await closeSerialLink(host);
      await pair.close();
    },
  };
}

/** The same device suites run over both: the protocol logic in memory, and the real pty path. */
export const linkPairFactories: LinkPairFactory[] = [
  { name: 'in memory', open: async () => inMemoryPair() },
  { name: 'over a socat pty pair', open: ptyPair },
];
