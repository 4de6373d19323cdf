import { createServer } from 'node:net';
import { ServerTCP, type IServiceVector } from 'modbus-serial';
import { Luminaire, RegisterRefused, type LuminaireSpec } from './luminaire.ts';

type Callback<T> = (err: { modbusErrorCode: number; msg: string } | null, value?: T) => void;

export interface LampControllerCounters {
  reads: number;
  writes: number;
  /** Writes refused with a Modbus exception. */
  refused: number;
  /** Requests for a unit id with no luminaire (left unanswered, like an absent slave). */
  unanswered: number;
}

/**
 * A segment controller that puts luminaires on Modbus TCP, one unit id per
 * luminaire, with the reference register map of
 * device-profiles/profiles/generic-modbus-lamp-controller.yaml. The Modbus
 * side is modbus-serial's server, an implementation independent of the
 * agent's own codec. A unit id without a luminaire never answers.
 *
 * Lifecycle: add luminaires, listen(), then close(); luminaires may be added
 * or removed while listening (a failed controller that stops answering).
 */
export class LampControllerServer {
  readonly luminaires = new Map<number, Luminaire>();
  readonly counters: LampControllerCounters = { reads: 0, writes: 0, refused: 0, unanswered: 0 };
  private server: ServerTCP | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  add(unitId: number, spec: LuminaireSpec = {}): Luminaire {
    const luminaire = new Luminaire(spec, this.now);
    this.luminaires.set(unitId, luminaire);
    return luminaire;
  }

  /** Serves on 127.0.0.1 (or `host`) and `port` (default: a free one); resolves with the port. */
  async listen(port?: number, host = '127.0.0.1'): Promise<number> {
    port ??= await freePort(host);
    const server = new ServerTCP(this.vector(), { host, port, unitID: 255 });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('initialized', () => resolve());
      server.once('serverError', reject);
    });
    return port;
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    for (const socket of server.socks.keys()) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private read(address: number, length: number, unitId: number, cb: Callback<number[]>): void {
    const luminaire = this.luminaires.get(unitId);
    if (!luminaire) {
      this.counters.unanswered += 1;
      return;
    }
    this.counters.reads += 1;
    cb(null, luminaire.read(address, length));
  }

  private write(address: number, values: number[], unitId: number, cb: (err: { modbusErrorCode: number; msg: string } | null) => void): void {
    const luminaire = this.luminaires.get(unitId);
    if (!luminaire) {
      this.counters.unanswered += 1;
      return;
    }
    try {
      luminaire.write(address, values);
      this.counters.writes += 1;
      cb(null);
    } catch (err) {
      if (!(err instanceof RegisterRefused)) throw err;
      this.counters.refused += 1;
      cb({ modbusErrorCode: err.exception, msg: err.message });
    }
  }

  private vector(): IServiceVector {
    // modbus-serial picks the callback style from each function's arity: keep the parameter lists as they are.
    return {
      getMultipleHoldingRegisters: (addr: number, length: number, unitID: number, cb: Callback<number[]>) => this.read(addr, length, unitID, cb),
      getHoldingRegister: (addr: number, unitID: number, cb: Callback<number>) => this.read(addr, 1, unitID, (err, v) => cb(err, v?.[0])),
      setRegister: (addr: number, value: number, unitID: number, cb: (err: { modbusErrorCode: number; msg: string } | null) => void) =>
        this.write(addr, [value], unitID, cb),
      setRegisterArray: (addr: number, values: number[], unitID: number, cb: (err: { modbusErrorCode: number; msg: string } | null) => void) =>
        this.write(addr, values, unitID, cb),
    } as IServiceVector;
  }
}

/** A TCP port nothing listens on right now (modbus-serial treats port 0 as "use the default 8502"). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
