import { createConnection, type Socket } from 'node:net';
import { encodeTcpFrame, parseTcpFrame } from '@zenne/firmware-bridges/modbus';
import type { Exchange, ModbusTransport } from './transport.ts';

const CONNECT_TIMEOUT_MS = 5_000;

interface Pending {
  transactionId: number;
  unitId: number;
  settle: (exchange: Exchange) => void;
  fail: (err: Error) => void;
}

/** Modbus TCP: MBAP framing over one TCP connection; answers are matched by transaction id. */
export class TcpTransport implements ModbusTransport {
  readonly address: string;
  strayBytes = 0;
  private socket: Socket | undefined;
  private rx: Buffer = Buffer.alloc(0);
  private transactionId = 0;
  private pending: Pending | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.address = `${host}:${port}`;
  }

  open(onLost: (cause: Error) => void): Promise<void> {
    this.rx = Buffer.alloc(0);
    this.strayBytes = 0;
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: this.host, port: this.port });
      // Kept from the start so close() can abort a connection attempt to a host that does not answer.
      this.socket = socket;
      let connected = false;
      let lastError: Error | undefined;
      const timer = setTimeout(() => socket.destroy(new Error(`no TCP connection within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      socket.setNoDelay(true);
      socket.once('connect', () => {
        clearTimeout(timer);
        connected = true;
        resolve();
      });
      socket.on('data', (chunk: Buffer) => this.receive(chunk));
      socket.on('error', (err) => (lastError = err));
      socket.on('close', () => {
        clearTimeout(timer);
        const cause = lastError ?? new Error(connected ? 'connection closed by the server' : 'connection attempt aborted');
        const deliberate = this.socket !== socket;
        this.socket = deliberate ? this.socket : undefined;
        if (!connected) reject(cause);
        else if (!deliberate) {
          this.pending?.fail(cause);
          onLost(cause);
        }
      });
    });
  }

  exchange(unitId: number, pdu: Buffer, timeoutMs: number): Promise<Exchange> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('not connected'));
    this.transactionId = (this.transactionId + 1) & 0xffff;
    const transactionId = this.transactionId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done({ outcome: 'timeout' }), timeoutMs);
      const done = (exchange: Exchange) => {
        clearTimeout(timer);
        this.pending = undefined;
        resolve(exchange);
      };
      this.pending = {
        transactionId,
        unitId,
        settle: done,
        fail: (err) => {
          clearTimeout(timer);
          this.pending = undefined;
          reject(err);
        },
      };
      socket.write(encodeTcpFrame(transactionId, unitId, pdu));
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    // From here the 'close' handler knows the close is deliberate (this.socket !== socket): no `lost` call.
    this.pending?.fail(new Error('transport closed'));
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  private receive(chunk: Buffer): void {
    this.rx = this.rx.length === 0 ? chunk : Buffer.concat([this.rx, chunk]);
    for (;;) {
      const parsed = parseTcpFrame(this.rx);
      if (parsed.status === 'incomplete') return;
      if (parsed.status === 'bad_header') {
        // A TCP stream cannot resynchronise on a broken header: drop what is buffered.
        this.strayBytes += this.rx.length;
        this.rx = Buffer.alloc(0);
        this.pending?.settle({ outcome: 'bad_frame', detail: parsed.reason });
        return;
      }
      this.rx = this.rx.subarray(parsed.length);
      const pending = this.pending;
      if (!pending || parsed.transactionId !== pending.transactionId) {
        // An answer that came after its request timed out (Modbus TCP Implementation Guide §4.3.1.2: discard it).
        this.strayBytes += parsed.length;
        continue;
      }
      if (parsed.unitId !== pending.unitId) {
        pending.settle({ outcome: 'bad_frame', detail: `answer from unit ${parsed.unitId}, asked unit ${pending.unitId}` });
        continue;
      }
      pending.settle({ outcome: 'answer', pdu: parsed.pdu });
    }
  }
}
