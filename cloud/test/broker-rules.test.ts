import { describe, expect, it } from 'vitest';
import { mayPublish, maySubscribe } from '../src/broker/acl.ts';
import { PacketSizeScanner } from '../src/broker/packet-size-guard.ts';

describe('gateway ACL', () => {
  it('lets a gateway publish only its own readings, status, events and reported config', () => {
    for (const kind of ['readings', 'status', 'events', 'config/reported']) {
      expect(mayPublish('gw-a', `zenne/v1/gw/gw-a/${kind}`)).toBe(true);
      expect(mayPublish('gw-a', `zenne/v1/gw/gw-b/${kind}`)).toBe(false);
    }
    for (const topic of ['zenne/v1/gw/gw-a/ack', 'zenne/v1/gw/gw-a/config/desired', 'zenne/v1/gw/gw-a/readings/x', 'zenne/v1/gw/gw-a', '$SYS/x', 'other']) {
      expect(mayPublish('gw-a', topic)).toBe(false);
    }
  });

  it('lets a gateway subscribe only to its own ack and desired config, without wildcards', () => {
    expect(maySubscribe('gw-a', 'zenne/v1/gw/gw-a/ack')).toBe(true);
    expect(maySubscribe('gw-a', 'zenne/v1/gw/gw-a/config/desired')).toBe(true);
    for (const filter of ['zenne/v1/gw/gw-b/ack', 'zenne/v1/gw/+/ack', 'zenne/v1/gw/gw-a/#', '#', 'zenne/v1/gw/gw-a/readings']) {
      expect(maySubscribe('gw-a', filter)).toBe(false);
    }
  });
});

describe('MQTT packet size scanner', () => {
  /** A PUBLISH packet with a `bytes`-long body: type byte, Remaining Length varint (MQTT 3.1.1 §2.2.3), zeros. */
  const publish = (bytes: number) => {
    const length: number[] = [];
    let n = bytes;
    do {
      length.push((n % 128) | (n >= 128 ? 0x80 : 0));
      n = Math.floor(n / 128);
    } while (n > 0);
    return Buffer.concat([Buffer.from([0x30, ...length]), Buffer.alloc(bytes)]);
  };
  const scanAll = (scanner: PacketSizeScanner, stream: Buffer, chunkSize: number) => {
    const found: (number | null)[] = [];
    for (let i = 0; i < stream.length; i += chunkSize) found.push(scanner.scan(stream.subarray(i, i + chunkSize)));
    return found.filter((f) => f !== null);
  };

  it('follows packets of every length encoding, whatever the chunking', () => {
    // Bodies of 0, 200, 20 000 and 3 000 000 bytes need 1, 2, 3 and 4 length bytes.
    const small = Buffer.concat([publish(0), publish(200), publish(20_000), publish(5)]);
    for (const chunkSize of [1, 2, 3, 7, 1000, small.length]) expect(scanAll(new PacketSizeScanner(65_536), small, chunkSize)).toEqual([]);
    const large = Buffer.concat([publish(3), publish(3_000_000), publish(3)]);
    for (const chunkSize of [3, 4096, large.length]) expect(scanAll(new PacketSizeScanner(4_000_000), large, chunkSize)).toEqual([]);
    expect(scanAll(new PacketSizeScanner(2_000_000), large, 4096)[0]).toBe(3_000_005); // 1 type + 4 length bytes + body
  });

  it('reports the first packet above the limit from its header alone', () => {
    const big = publish(70_000);
    const scanner = new PacketSizeScanner(65_536);
    expect(scanner.scan(publish(10))).toBeNull();
    expect(scanner.scan(big.subarray(0, 2))).toBeNull(); // length not complete yet
    expect(scanner.scan(big.subarray(2, 5))).toBe(big.length);
  });
});
