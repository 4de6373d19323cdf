import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { encodeRtuFrame, parseRtuResponse, rtuInterFrameDelayMs } from '@zenne/firmware-bridges/modbus';
import type { ModbusRtuSourceConfig } from './config.ts';
import type { Exchange, ModbusTransport } from './transport.ts';

interface Pending {
  unitId: number;
  settle: (exchange: Exchange) => void;
  fail: (err: Error) => void;
}

/**
 * Modbus RTU master on a serial port. A serial frame has no length field, so
 * the answer's length comes from its function code and byte count; bytes that
 * arrive while no request is out are line noise (counted as stray bytes).
 */
export class RtuTransport implements ModbusTransport {
  readonly address: string;
  strayBytes = 0;
  private port: SerialPortStream | undefined;
  private rx: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private readonly silenceMs: number;

  constructor(private readonly config: ModbusRtuSourceConfig) {
    this.address = config.port;
    this.silenceMs = rtuInterFrameDelayMs(config.baud_rate);
  }

  open(onLost: (cause: Error) => void): Promise<void> {
    this.rx = Buffer.alloc(0);
    this.strayBytes = 0;
    return new Promise((resolve, reject) => {
      let port: SerialPortStream;
      try {
        port = new SerialPortStream({
          binding: autoDetect(),
          path: this.config.port,
          baudRate: this.config.baud_rate,
          dataBits: this.config.data_bits,
          parity: this.config.parity,
          stopBits: this.config.stop_bits,
          autoOpen: false,
        });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      port.open((err) => {
        if (err) {
          reject(err);
          return;
        }
        this.port = port;
        port.on('data', (chunk: Buffer) => this.receive(chunk));
        port.on('error', () => undefined);
        port.on('close', (cause: Error | null) => {
          if (this.port !== port) return;
          this.port = undefined;
          const error = cause ?? new Error('port closed');
          this.pending?.fail(error);
          onLost(error);
        });
        resolve();
      });
    });
  }

  async exchange(unitId: number, pdu: Buffer, timeoutMs: number): Promise<Exchange> {
    // §2.5.1.1: a new frame may start only after 3.5 character times of silence.
    await new Promise((resolve) => setTimeout(resolve, this.silenceMs));
    const port = this.port;
    if (!port) throw new Error('port not open');
    this.strayBytes += this.rx.length;
    this.rx = Buffer.alloc(0);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done({ outcome: 'timeout' }), timeoutMs);
      const done = (exchange: Exchange) => {
        clearTimeout(timer);
        this.pending = undefined;
        resolve(exchange);
      };
      this.pending = {
        unitId,
        settle: done,
        fail: (err) => {
          clearTimeout(timer);
          this.pending = undefined;
          reject(err);
        },
      };
      port.write(encodeRtuFrame(unitId, pdu));
    });
  }

  close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    this.pending?.fail(new Error('transport closed'));
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }

  private receive(chunk: Buffer): void {
    const pending = this.pending;
    if (!pending) {
      this.strayBytes += chunk.length;
      return;
    }
    this.rx = this.rx.length === 0 ? chunk : Buffer.concat([this.rx, chunk]);
    const parsed = parseRtuResponse(this.rx);
    if (parsed.status === 'incomplete') return;
    if (parsed.status === 'unknown_function') {
      pending.settle({ outcome: 'bad_frame', detail: `unknown function code 0x${parsed.functionCode.toString(16)}` });
      return;
    }
    this.strayBytes += this.rx.length - parsed.length;
    this.rx = Buffer.alloc(0);
    if (parsed.status === 'bad_crc') {
      pending.settle({ outcome: 'crc_error' });
    } else if (parsed.unitId !== pending.unitId) {
      pending.settle({ outcome: 'bad_frame', detail: `answer from unit ${parsed.unitId}, asked unit ${pending.unitId}` });
    } else {
      pending.settle({ outcome: 'answer', pdu: parsed.pdu });
    }
  }
}
