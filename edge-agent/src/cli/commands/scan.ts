import { parseArgs } from 'node:util';
import { agentErrors } from '../../errors.ts';
import { browseOpcua, NUMERIC_TYPES } from '../../scan/opcua-browse.ts';
import { parseUnitRange, scanModbusUnits, type UnitProbe } from '../../scan/modbus-scan.ts';
import { proposeModbus, proposeOpcua, proposeSerial } from '../../scan/propose.ts';
import { probeSerialPort, type ProbeResult } from '../../scan/serial-probe.ts';
import { listSerialPorts } from '../../scan/serial-ports.ts';
import { RtuTransport } from '../../sources/modbus/rtu-transport.ts';
import { TcpTransport } from '../../sources/modbus/tcp-transport.ts';
import type { ModbusRtuSourceConfig } from '../../sources/modbus/config.ts';
import type { ModbusTransport } from '../../sources/modbus/transport.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';

const help = `Usage: zenne-agent scan [--serial] [--serial-port PATH ...] [--modbus-tcp HOST:PORT]
                        [--modbus-rtu PORT [--baud N]] [--units RANGE] [--timeout-ms N]
                        [--opcua URL [--depth N]] [--seconds N]

Finds devices a gateway can read and prints config entries for them (YAML for
the \`sources:\` list; replace the new-... device ids with the ids registered in
the cloud). Progress goes to stderr, findings and YAML to stdout.

  serial     lists the serial ports; with --serial probes every listed port (or
             only the --serial-port ones) for the known serial sensors (SDS011,
             PMS5003, MH-Z19B): listens --seconds at 9600 baud with every
             bridge's parser (and sends the MH-Z19B poll command), then tries
             other common baud rates when bytes came but no frame decoded.
             Probing writes poll commands: probe ports that hold sensors only.
  modbus     asks each unit id of --units for holding register 0 (function 03)
             and lists the ids that answer (an exception is an answer too).
  opcua      browses the Objects folder down to --depth levels (security None,
             anonymous) and lists the variables.

Options:
      --serial              probe serial ports for known sensors
      --serial-port PATH    probe this port (repeatable; implies --serial)
      --modbus-tcp HOST:PORT scan a Modbus TCP server or gateway
      --modbus-rtu PORT     scan a Modbus RTU bus on this serial port
      --baud N              RTU baud rate (default 9600; 8N1)
      --units RANGE         unit ids to scan, e.g. 1-247 (default), 1-10,20
      --timeout-ms N        wait per unit id (default 200)
      --opcua URL           browse an OPC UA endpoint (opc.tcp://host:4840)
      --depth N             OPC UA browse depth below Objects (default 3)
      --seconds N           listening time per serial port and baud rate (default 3)
  -h, --help                this help

Examples:
  zenne-agent scan                                   # list serial ports
  zenne-agent scan --serial                          # probe every port for SDS011/PMS5003/MH-Z19B
  zenne-agent scan --serial-port /dev/ttyUSB0 --seconds 5
  zenne-agent scan --modbus-rtu /dev/ttyUSB1 --baud 9600 --units 1-32
  zenne-agent scan --modbus-tcp 192.168.1.50:502
  zenne-agent scan --opcua opc.tcp://bms.local:4840 --depth 4

Exit codes: 0 scan done (whatever it found), 1 a bus or endpoint could not be
opened, 2 usage error.
`;

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function positiveNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw agentErrors.CLI_USAGE({ reason: `${name} must be a positive number, got "${text}"` });
  return value;
}

function reportSerial(result: ProbeResult): void {
  const { port, verdict, attempts } = result;
  const tried = attempts.map((a) => `${a.baud_rate} (${a.bytes} bytes)`).join(', ');
  switch (verdict.kind) {
    case 'found': {
      out(`${port}: ${verdict.bridge} at ${verdict.baud_rate} baud, ${verdict.frames} valid frame(s)`);
      if (verdict.bad_checksum > 0) {
        out(`  warning: ${verdict.bad_checksum} frame(s) failed the checksum: wiring or noise (short, shielded cable; common ground; away from power lines)`);
      }
      out('  proposed source:');
      out(proposeSerial(port, verdict.bridge, verdict.profiles, verdict.baud_rate));
      for (const other of verdict.alike) {
        out(`${port}: the same frames also fit ${other.bridge} (${other.profiles.join(', ')}); if the label says so, proposed source:`);
        out(proposeSerial(port, other.bridge, other.profiles, verdict.baud_rate));
      }
      return;
    }
    case 'silent':
      out(`${port}: no bytes at all in ${attempts.length} attempt(s): not a self-reporting sensor, or check power, that the sensor TX goes to the adapter RX (crossed), and that it is in active (reporting) mode`);
      return;
    case 'garbage': {
      const checksum = attempts.reduce((n, a) => n + a.tallies.reduce((m, t) => m + t.bad_checksum, 0), 0);
      out(`${port}: bytes but no valid frame at ${tried}: wrong baud rate or not a known sensor${checksum > 0 ? `; ${checksum} frame(s) with bad checksums point to wiring or noise` : ''}`);
      return;
    }
    case 'unopenable':
      out(`${port}: cannot open (${verdict.reason}): check that no other program (zenne-agent run, a terminal) holds it and that you may read it (group dialout)`);
  }
}

function describeUnit(probe: UnitProbe): string {
  switch (probe.outcome) {
    case 'answer':
      return `unit ${probe.unit}: answers`;
    case 'exception':
      return `unit ${probe.unit}: answers (exception ${probe.code} ${probe.name} for register 0: alive, the register map decides what to read)`;
    case 'crc_error':
      return `unit ${probe.unit}: answer with CRC error: wiring or noise (twisted pair, 120 ohm termination at both ends, ground), or two devices at address ${probe.unit}`;
    case 'bad_frame':
      return `unit ${probe.unit}: malformed answer (${probe.detail}): two devices at one address, or another master on the bus`;
  }
}

async function scanModbus(
  transport: ModbusTransport,
  bus: Parameters<typeof proposeModbus>[0],
  units: number[],
  timeoutMs: number,
): Promise<void> {
  try {
    await transport.open(() => undefined);
  } catch (err) {
    throw agentErrors.SCAN_MODBUS_UNREACHABLE({ address: transport.address, reason: (err as Error).message }, { cause: err });
  }
  try {
    progress(`scanning ${units.length} unit id(s) on ${transport.address}, ${timeoutMs} ms each ...`);
    const step = Math.max(1, Math.ceil(units.length / 10));
    const result = await scanModbusUnits(transport, units, {
      timeoutMs,
      onProgress: (done, total, found) => {
        if (done % step === 0 || done === total) progress(`  ${done}/${total} unit ids, ${found} found`);
      },
    });
    out(`Modbus ${result.address}: ${result.found.length} unit(s) answered of ${result.scanned} scanned`);
    for (const probe of result.found) out(`  ${describeUnit(probe)}`);
    const alive = result.found.filter((p) => p.outcome === 'answer' || p.outcome === 'exception').map((p) => p.unit);
    if (alive.length === 0) {
      out(`  no answer at any address: check the unit addresses set on the devices${bus.kind === 'modbus_rtu' ? `, baud rate and parity (${bus.baud_rate} 8N1 tried), A/B wiring (swap A and B if unsure)` : ', that the gateway forwards to its RTU side'}; try a longer --timeout-ms`);
      return;
    }
    out('  proposed source:');
    out(proposeModbus(bus, alive));
  } finally {
    await transport.close();
  }
}

async function scanOpcua(endpoint: string, depth: number): Promise<void> {
  progress(`browsing ${endpoint} to depth ${depth} ...`);
  let result;
  try {
    result = await browseOpcua(endpoint, depth, (nodes) => progress(`  ${nodes} node(s) browsed`));
  } catch (err) {
    const reason = (err as Error).message;
    const certificate = /certificate|BadSecurityChecksFailed|BadCertificate/i.test(reason);
    throw agentErrors.SCAN_OPCUA_FAILED({ endpoint, reason: certificate ? `certificate rejected (${reason})` : reason }, { cause: err });
  }
  const numeric = result.variables.filter((v) => NUMERIC_TYPES.has(v.data_type));
  out(`OPC UA ${endpoint}: ${result.variables.length} variable(s), ${numeric.length} numeric${result.truncated > 0 ? `; ${result.truncated} node(s) below depth ${depth} not browsed (raise --depth)` : ''}`);
  for (const v of result.variables) out(`  ${v.node_id}  ${v.path}  (${v.data_type})`);
  if (numeric.length === 0) return;
  out('  proposed source:');
  out(proposeOpcua(endpoint, numeric));
}

export const scanCommand: Command = {
  name: 'scan',
  summary: 'find serial sensors, Modbus units and OPC UA points; propose config entries',
  help,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        serial: { type: 'boolean' },
        'serial-port': { type: 'string', multiple: true },
        'modbus-tcp': { type: 'string' },
        'modbus-rtu': { type: 'string' },
        baud: { type: 'string' },
        units: { type: 'string' },
        'timeout-ms': { type: 'string' },
        opcua: { type: 'string' },
        depth: { type: 'string' },
        seconds: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(help);
      return EXIT.OK;
    }
    const seconds = positiveNumber('--seconds', values.seconds, 3);
    const timeoutMs = positiveNumber('--timeout-ms', values['timeout-ms'], 200);
    const depth = positiveNumber('--depth', values.depth, 3);
    const baud = positiveNumber('--baud', values.baud, 9600);
    const units = parseUnitRange(values.units ?? '1-247');
    if (!units) throw agentErrors.CLI_USAGE({ reason: `--units must look like 1-247 or 1-10,20 (ids 0-255), got "${values.units}"` });
    let tcp: { host: string; port: number } | undefined;
    if (values['modbus-tcp'] !== undefined) {
      const match = /^(.+):(\d{1,5})$/.exec(values['modbus-tcp']);
      if (!match) throw agentErrors.CLI_USAGE({ reason: `--modbus-tcp must be HOST:PORT, got "${values['modbus-tcp']}"` });
      tcp = { host: match[1]!, port: Number(match[2]) };
    }
    if (values.opcua !== undefined && !/^opc\.tcp:\/\/\S+/.test(values.opcua)) {
      throw agentErrors.CLI_USAGE({ reason: `--opcua must be an opc.tcp:// URL, got "${values.opcua}"` });
    }

    const explicitPorts = values['serial-port'] ?? [];
    const probe = values.serial === true || explicitPorts.length > 0;
    const nothingElse = !tcp && values['modbus-rtu'] === undefined && values.opcua === undefined;
    if (explicitPorts.length === 0 && (probe || nothingElse)) {
      const listing = await listSerialPorts();
      if (listing.note) out(`note: ${listing.note}`);
      out(listing.ports.length === 0 ? 'serial ports: none found' : `serial ports:\n${listing.ports.map((p) => `  ${p}`).join('\n')}`);
      if (probe) explicitPorts.push(...listing.ports);
      else if (nothingElse) out('run with --serial to probe them for known sensors, or see --help for Modbus and OPC UA');
    }
    if (probe) {
      for (const port of explicitPorts) {
        const result = await probeSerialPort(port, { seconds, onAttempt: (b) => progress(`probing ${port} at ${b} baud for ${seconds} s ...`) });
        reportSerial(result);
      }
    }
    if (tcp) await scanModbus(new TcpTransport(tcp.host, tcp.port), { kind: 'modbus_tcp', ...tcp }, units, timeoutMs);
    if (values['modbus-rtu'] !== undefined) {
      const port = values['modbus-rtu'];
      // RtuTransport reads only the line settings of its config.
      const line = { port, baud_rate: baud, data_bits: 8, parity: 'none', stop_bits: 1 } as ModbusRtuSourceConfig;
      await scanModbus(new RtuTransport(line), { kind: 'modbus_rtu', port, baud_rate: baud }, units, timeoutMs);
    }
    if (values.opcua !== undefined) await scanOpcua(values.opcua, depth);
    return EXIT.OK;
  },
};
