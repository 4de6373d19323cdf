import { Duplex } from 'node:stream';

/**
 * Follows the MQTT fixed headers on an inbound byte stream (MQTT 3.1.1 §2.2:
 * one type byte, then the Remaining Length as 1-4 bytes of 7 bits,
 * least significant first, continuation in bit 7) and reports the first packet
 * whose total size exceeds `limit`, before its body has arrived.
 */
export class PacketSizeScanner {
  /** Bytes of the current packet's body still to skip. */
  private skip = 0;
  /** Header bytes seen of a header split across chunks. */
  private header: number[] = [];

  constructor(private readonly limit: number) {}

  /** Returns the declared size of an oversized packet, or null while every packet fits. */
  scan(chunk: Uint8Array): number | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      this.header.push(chunk[i++]!);
      // header[0] is the type byte; header[1..] the Remaining Length bytes.
      if (this.header.length < 2) continue;
      const last = this.header[this.header.length - 1]!;
      if (last & 0x80 && this.header.length < 5) continue;
      let remaining = 0;
      for (let b = this.header.length - 1; b >= 1; b--) remaining = remaining * 128 + (this.header[b]! & 0x7f);
      const total = this.header.length + remaining;
      // A fifth length byte is malformed (§2.2.3); let the MQTT parser reject it.
      if (total > this.limit) return total;
      this.header = [];
      this.skip = remaining;
    }
    return null;
  }
}

/**
 * Wraps a TCP socket (or a WebSocket stream) for aedes so that a packet larger than `limit` closes the
 * connection as soon as its header arrives, instead of being buffered whole
 * (aedes and mqtt-packet have no packet size limit of their own).
 */
export function guardPacketSize(socket: Duplex, limit: number, onOversize: (bytes: number) => void): Duplex {
  const scanner = new PacketSizeScanner(limit);
  const guarded = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (socket.write(chunk)) callback();
      else socket.once('drain', () => callback());
    },
    final(callback) {
      socket.end(() => callback());
    },
    destroy(err, callback) {
      socket.destroy();
      callback(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    const oversized = scanner.scan(chunk);
    if (oversized !== null) {
      onOversize(oversized);
      socket.destroy();
      return;
    }
    if (!guarded.push(chunk)) socket.pause();
  });
  socket.on('end', () => guarded.push(null));
  socket.on('close', () => guarded.destroy());
  socket.on('error', (err) => guarded.destroy(err));
  return guarded;
}
