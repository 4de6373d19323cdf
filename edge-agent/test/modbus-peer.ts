import { createServer } from 'node:net';
import { ServerSerial, ServerTCP, type IServiceVector } from 'modbus-serial';

type Callback<T> = (err: { modbusErrorCode: number; msg: string } | null, value?: T) => void;

/** One simulated slave: its registers and how it behaves. */
export interface PeerUnit {
  /** Input and holding registers (the same bank), address → 16-bit word. */
  registers: Map<number, number>;
  /**
   * How many requests get a real answer; undefined = all. Once used up the
   * unit answers exception 06 SERVER DEVICE BUSY (alive, but no data).
   */
  answers?: number;
  /** Requests to ignore (no answer at all) before behaving normally again. */
  drop?: number;
  /** When each request arrived (performance.now()), for period checks. */
  requests: number[];
  /** Writes taken (functions 06 and 16), in order: [address, ...values]. */
  writes: number[][];
  /** How the unit treats writes: store them (default), answer exception 03, or store a clamped value (a local override). */
  onWrite?: 'store' | 'refuse' | { clampTo: number };
}

/**
 * Slaves served by modbus-serial (an independent Modbus implementation) over
 * TCP or RTU. A unit id without a PeerUnit never answers, like a dead or
 * absent slave.
 */
export class ModbusPeer {
  readonly units = new Map<number, PeerUnit>();
  private server: ServerTCP | ServerSerial | undefined;

  unit(unitId: number, registers: Record<number, number> = {}): PeerUnit {
    const unit: PeerUnit = { registers: new Map(Object.entries(registers).map(([a, v]) => [Number(a), v])), requests: [], writes: [] };
    this.units.set(unitId, unit);
    return unit;
  }

  private read(addr: number, length: number, unitID: number, cb: Callback<number[]>): void {
    const unit = this.units.get(unitID);
    if (!unit) return;
    unit.requests.push(performance.now());
    if (unit.drop) {
      unit.drop -= 1;
      return;
    }
    if (unit.answers !== undefined) {
      if (unit.answers === 0) {
        cb({ modbusErrorCode: 0x06, msg: 'busy' });
        return;
      }
      unit.answers -= 1;
    }
    cb(null, Array.from({ length }, (_, i) => unit.registers.get(addr + i) ?? 0));
  }

  private write(addr: number, values: number[], unitID: number, cb: (err: { modbusErrorCode: number; msg: string } | null) => void): void {
    const unit = this.units.get(unitID);
    if (!unit) return;
    unit.requests.push(performance.now());
    if (unit.drop) {
      unit.drop -= 1;
      return;
    }
    if (unit.onWrite === 'refuse') {
      cb({ modbusErrorCode: 0x03, msg: 'illegal data value' });
      return;
    }
    unit.writes.push([addr, ...values]);
    const clamp = typeof unit.onWrite === 'object' ? unit.onWrite.clampTo : Infinity;
    values.forEach((v, i) => unit.registers.set(addr + i, Math.min(v, clamp)));
    cb(null);
  }

  private vector(): IServiceVector {
    // modbus-serial picks the callback style from each function's arity: keep the parameter lists as they are.
    const multiple = (addr: number, length: number, unitID: number, cb: Callback<number[]>) => this.read(addr, length, unitID, cb);
    const single = (addr: number, unitID: number, cb: Callback<number>) =>
      this.read(addr, 1, unitID, (err, values) => cb(err, values?.[0]));
    return {
      getMultipleInputRegisters: multiple,
      getMultipleHoldingRegisters: multiple,
      getInputRegister: single,
      getHoldingRegister: single,
      setRegister: (addr: number, value: number, unitID: number, cb: (err: { modbusErrorCode: number; msg: string } | null) => void) =>
        this.write(addr, [value], unitID, cb),
      setRegisterArray: (addr: number, values: number[], unitID: number, cb: (err: { modbusErrorCode: number; msg: string } | null) => void) =>
        this.write(addr, values, unitID, cb),
    } as IServiceVector;
  }

  /** Serves Modbus TCP on 127.0.0.1 and `port` (default: a free one); resolves with the port. */
  async listenTcp(port?: number): Promise<number> {
    port ??= await freeTcpPort();
    const server = new ServerTCP(this.vector(), { host: '127.0.0.1', port, unitID: 255 });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('initialized', () => resolve());
      server.once('serverError', reject);
    });
    return port;
  }

  /** Serves Modbus RTU on a serial port (one end of a socat pty pair). */
  async listenSerial(path: string, baudRate: number): Promise<void> {
    // Not locked (TIOCEXCL), so a test can also write line noise into the same pty.
    const Server = ServerSerial as unknown as new (vector: IServiceVector, options: object, serialport: object) => ServerSerial;
    await new Promise<void>((resolve, reject) => {
      this.server = new Server(
        this.vector(),
        { path, baudRate, unitID: 255, openCallback: (err?: Error | null) => (err ? reject(err) : resolve()) },
        { lock: false },
      );
    });
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}

/** A TCP port nothing listens on right now (modbus-serial treats port 0 as "use the default 8502"). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
