import { fileURLToPath } from 'node:url';
import {
  DataType,
  nodesets,
  OPCUAServer,
  StatusCode,
  StatusCodes,
  Variant,
  type UAVariable,
} from 'node-opcua';

const BACNET_NODESET = fileURLToPath(new URL('../fixtures/opcua/Opc.Ua.BACnet.NodeSet2.xml', import.meta.url));
const BACNET_URI = 'http://opcfoundation.org/UA/BACnet_V2/';

/**
 * The points of the simulated building management system, each a
 * BACnetAnalogInputType object (OPC UA for BACnet 2.00, §7) whose
 * Present_Value the agent monitors. `unit` is what the BMS reports in: the
 * meter gives kW so the agent's conversion to the canonical W is exercised.
 */
export const BMS_POINTS = {
  room_temperature: { object: 'AI-101_RoomTemperature', quantity: 'temperature', unit: 'Cel', base: 21.5, swing: 0.8 },
  room_co2: { object: 'AI-102_RoomCO2', quantity: 'co2', unit: 'ppm', base: 650, swing: 120 },
  room_humidity: { object: 'AI-103_RoomHumidity', quantity: 'humidity', unit: '%', base: 45, swing: 5 },
  meter_power: { object: 'AI-201_MeterPower', quantity: 'active_power', unit: 'kW', base: 3.2, swing: 1.1 },
} as const;
export type BmsPointName = keyof typeof BMS_POINTS;
export const BMS_POINT_NAMES = Object.keys(BMS_POINTS) as BmsPointName[];

export interface BmsServerOptions {
  /** When set, every point's value changes on its own with this period (ms), like a live BMS. */
  simulateEveryMs?: number;
}

/**
 * A node-opcua server standing for a building management system: the OPC UA
 * for BACnet nodeset with four analog inputs in an `Objects/BMS` folder.
 *
 * Lifecycle: `BmsServer.start()` listens on a free port of 127.0.0.1; points
 * start without a value (BadWaitingForInitialData, as a BMS point not yet
 * polled); `restart()` shuts the server down (every session and subscription
 * is lost, as on a real server restart) and starts a fresh one on the same
 * port with the same node ids; `stop()` ends it for good. Each point's
 * Present_Value node id is in `nodeIds`.
 */
export class BmsServer {
  readonly nodeIds = {} as Record<BmsPointName, string>;
  private server: OPCUAServer | undefined;
  private variables = {} as Record<BmsPointName, UAVariable>;
  private timer: NodeJS.Timeout | undefined;
  private tick = 0;

  private constructor(
    private port: number,
    private readonly options: BmsServerOptions,
  ) {}

  static async start(options: BmsServerOptions = {}): Promise<BmsServer> {
    const bms = new BmsServer(0, options);
    await bms.open();
    return bms;
  }

  get endpoint(): string {
    return `opc.tcp://127.0.0.1:${this.port}`;
  }

  /** Sets a point's Present_Value (in the point's BMS unit) with an OPC UA status (Good by default). */
  set(name: BmsPointName, value: number, status: StatusCode = StatusCodes.Good): void {
    this.variables[name].setValueFromSource(new Variant({ dataType: DataType.Float, value }), status, new Date());
  }

  /** Gives a point NaN with a Good status, as a BMS with a broken input conversion does. */
  setGarbage(name: BmsPointName): void {
    this.set(name, Number.NaN);
  }

  /** Returns every point to "no value yet" (BadWaitingForInitialData). */
  clear(): void {
    for (const name of BMS_POINT_NAMES) {
      this.variables[name].setValueFromSource(new Variant({ dataType: DataType.Null }), StatusCodes.BadWaitingForInitialData);
    }
  }

  /** Closes every session and deletes its subscriptions while the server keeps running (an operator kicking clients). */
  dropSessions(): void {
    const engine = this.server!.engine;
    for (const session of engine.getSessions()) engine.closeSession(session.authenticationToken, true, 'Terminated');
  }

  async restart(): Promise<void> {
    await this.close();
    await this.open();
  }

  /** Only shuts the server down (for tests that hold it down for a while); `open()` brings it back on the same port. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const server = this.server;
    this.server = undefined;
    await server?.shutdown(0);
  }

  async open(): Promise<void> {
    const server = new OPCUAServer({
      port: this.port,
      host: '127.0.0.1',
      hostname: '127.0.0.1',
      nodeset_filename: [nodesets.standard, BACNET_NODESET],
      buildInfo: { productName: 'Zenne test BMS', manufacturerName: 'Zenne' },
      // The agent asks for 100 ms publishing in tests; the default floor is higher.
      serverCapabilities: { minSupportedSampleRate: 10 } as never,
    });
    await server.initialize();
    this.build(server);
    await server.start();
    const port = Number(new URL(server.getEndpointUrl().replace('opc.tcp:', 'http:')).port);
    this.port = port;
    this.server = server;
    if (this.options.simulateEveryMs) this.timer = setInterval(() => this.simulate(), this.options.simulateEveryMs);
  }

  private build(server: OPCUAServer): void {
    const addressSpace = server.engine.addressSpace!;
    const bacnet = addressSpace.getNamespaceIndex(BACNET_URI);
    const analogInput = addressSpace.findObjectType('BACnetAnalogInputType', bacnet);
    if (!analogInput) throw new Error(`BACnetAnalogInputType not found in ${BACNET_NODESET}`);
    const own = addressSpace.getOwnNamespace();
    const folder = own.addFolder(addressSpace.rootFolder.objects, { browseName: 'BMS', nodeId: 's=BMS' });
    const variables = {} as Record<BmsPointName, UAVariable>;
    for (const name of BMS_POINT_NAMES) {
      const point = analogInput.instantiate({ browseName: BMS_POINTS[name].object, organizedBy: folder });
      const presentValue = point.getComponentByName('Present_Value', bacnet) as UAVariable | null;
      if (!presentValue) throw new Error(`${BMS_POINTS[name].object} has no Present_Value`);
      variables[name] = presentValue;
      const nodeId = presentValue.nodeId.toString();
      // A restarted BMS must expose the same node ids, or the test would prove nothing about restoring items.
      if (this.nodeIds[name] && this.nodeIds[name] !== nodeId) {
        throw new Error(`${name} came back as ${nodeId}, was ${this.nodeIds[name]}`);
      }
      this.nodeIds[name] = nodeId;
    }
    this.variables = variables;
    this.clear();
  }

  private simulate(): void {
    this.tick += 1;
    for (const [i, name] of BMS_POINT_NAMES.entries()) {
      const { base, swing } = BMS_POINTS[name];
      const value = base + swing * Math.sin((this.tick + i * 7) / 10);
      this.set(name, Math.round(value * 100) / 100);
    }
  }
}

/** Device ids the agent config gives the BMS points (one room, one meter). */
export const BMS_DEVICES: Record<BmsPointName, string> = {
  room_temperature: 'room-101',
  room_co2: 'room-101',
  room_humidity: 'room-101',
  meter_power: 'meter-101',
};

const BMS_PROFILES: Record<string, string> = { 'room-101': 'generic-bms-room-climate', 'meter-101': 'generic-bms-power-meter' };

/** The `devices` entries of an opcua source reading every BMS point (profile fields are the quantities). */
export function bmsSourceDevices(bms: BmsServer): Array<{ device: string; profile: string; nodes: Record<string, string> }> {
  return Object.entries(BMS_PROFILES).map(([device, profile]) => ({
    device,
    profile,
    nodes: Object.fromEntries(
      BMS_POINT_NAMES.filter((name) => BMS_DEVICES[name] === device).map((name) => [BMS_POINTS[name].quantity, bms.nodeIds[name]]),
    ),
  }));
}
