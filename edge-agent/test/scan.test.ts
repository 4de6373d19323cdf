import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '@zenne/firmware-bridges/pty';
import { parse } from 'yaml';
import { scanCommand } from '../src/cli/commands/scan.ts';
import { agentErrors } from '../src/errors.ts';
import { sourceConfigSchema } from '../src/sources/index.ts';
import { bridges } from '@zenne/firmware-bridges';
import { answerPort, capture, feedPort } from './helpers/capture-feeder.ts';
import { invokeCommand } from './helpers/invoke-command.ts';
import { freeTcpPort, ModbusPeer } from './modbus-peer.ts';
import { BmsServer } from './support/opcua-server.ts';

/** The YAML list items printed under "proposed source:", parsed. */
function proposals(out: string): unknown[] {
  const blocks = out.split('proposed source:\n').slice(1);
  return blocks.map((block) => {
    const lines = block.split('\n');
    const end = lines.findIndex((line) => line !== '' && !line.startsWith('  '));
    return (parse(lines.slice(0, end === -1 ? undefined : end).join('\n')) as unknown[])[0];
  });
}

const bin = fileURLToPath(new URL('../bin/zenne-agent.js', import.meta.url));

describe('zenne-agent scan: serial port list', () => {
  it('falls back to /dev when udevadm is missing (containers) and says so', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'scan'], { env: { ...process.env, PATH: '/nonexistent' } });
    expect(stdout).toContain('note: system port list unavailable (spawn udevadm ENOENT)');
    expect(stdout).toMatch(/serial ports:|serial ports: none found/);
  }, 20_000);
});

describe('zenne-agent scan: serial', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function sensorOnPty(family: string, name: string): Promise<PtyPair> {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const feeder = await feedPort(pair.b, capture(family, name).input);
    cleanups.push(() => feeder.stop());
    return pair;
  }

  it.each([
    { family: 'sds011', name: 'capture-sds01x', profile: 'nova-sds011' },
    { family: 'pms5003', name: 'capture-pmsx003', profile: 'plantower-pms5003' },
  ])('recognises a $family on a pty and proposes a serial source with $profile', async ({ family, name, profile }) => {
    const pair = await sensorOnPty(family, name);
    const { code, out } = await invokeCommand(scanCommand, ['--serial-port', pair.a, '--seconds', '1.5']);
    expect(code).toBe(0);
    expect(out).toContain(`${pair.a}: ${family} at 9600 baud`);
    const [proposal] = proposals(out);
    const source = sourceConfigSchema.parse(proposal);
    expect(source).toMatchObject({ kind: 'serial', port: pair.a, baud_rate: 9600, bridge: family, profile });
  }, 20_000);

  it('polls an MH-Z19B (it only answers its read command) and proposes winsen-mhz19b, and the ZE03-NO2 whose answer is the same bytes', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const responder = await answerPort(pair.b, bridges.mhz19b.pollCommand(), capture('mhz19b', 'capture-mhz19b').input.subarray(0, 9));
    cleanups.push(() => responder.stop());
    const { out } = await invokeCommand(scanCommand, ['--serial-port', pair.a, '--seconds', '1.5']);
    expect(out).toContain(`${pair.a}: mhz19b at 9600 baud`);
    const [first, second] = proposals(out).map((p) => sourceConfigSchema.parse(p));
    expect(first).toMatchObject({ bridge: 'mhz19b', profile: 'winsen-mhz19b' });
    // Both Winsen modules answer the same read command with the same frame: the label decides, so both are proposed.
    expect(out).toContain(`${pair.a}: the same frames also fit ze03 (winsen-ze03-no2); if the label says so`);
    expect(second).toMatchObject({ bridge: 'ze03', profile: 'winsen-ze03-no2' });
  }, 20_000);

  it('warns that checksum errors point to wiring or noise', async () => {
    const pair = await sensorOnPty('sds011', 'fault-bad-checksum');
    const { out } = await invokeCommand(scanCommand, ['--serial-port', pair.a, '--seconds', '1.5']);
    expect(out).toContain(`${pair.a}: sds011 at 9600 baud`);
    expect(out).toMatch(/\d+ frame\(s\) failed the checksum: wiring or noise/);
  }, 20_000);

  it('tries the other baud rates when bytes come but no frame decodes, and names the likely cause', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    // What a 9600-baud sensor looks like to a UART set to another rate: bytes, never a valid header.
    const feeder = await feedPort(pair.b, Buffer.from([0x00, 0xf0, 0x80, 0xfe, 0x18, 0x06, 0x60, 0x78]), 50);
    cleanups.push(() => feeder.stop());
    const { out } = await invokeCommand(scanCommand, ['--serial-port', pair.a, '--seconds', '0.3']);
    expect(out).toContain('bytes but no valid frame at 9600');
    expect(out).toContain('115200');
    expect(out).toContain('wrong baud rate');
  }, 20_000);

  it('says a silent port sent no bytes and what to check', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const { out } = await invokeCommand(scanCommand, ['--serial-port', pair.a, '--seconds', '0.5']);
    expect(out).toContain(`${pair.a}: no bytes at all`);
    expect(out).toContain('crossed');
    expect(out).not.toContain('proposed source');
  }, 20_000);

  it('says which port cannot be opened', async () => {
    const { out } = await invokeCommand(scanCommand, ['--serial-port', '/dev/zenne-no-such-port', '--seconds', '0.5']);
    expect(out).toContain('/dev/zenne-no-such-port: cannot open');
  });
});

describe('zenne-agent scan: Modbus TCP', () => {
  let peer: ModbusPeer;
  beforeEach(() => {
    peer = new ModbusPeer();
  });
  afterEach(() => peer.close());

  it('lists the unit ids that answer and proposes a modbus_tcp bus with them', async () => {
    peer.unit(3, { 0: 230 });
    peer.unit(7, { 0: 1 });
    const port = await peer.listenTcp();
    const { code, out } = await invokeCommand(scanCommand, ['--modbus-tcp', `127.0.0.1:${port}`, '--units', '1-10', '--timeout-ms', '100']);
    expect(code).toBe(0);
    expect(out).toContain('2 unit(s) answered of 10 scanned');
    const [proposal] = proposals(out);
    const source = sourceConfigSchema.parse(proposal);
    expect(source.kind).toBe('modbus_tcp');
    expect((source as { devices: { unit_id: number }[] }).devices.map((d) => d.unit_id)).toEqual([3, 7]);
  }, 20_000);

  it('names the fix when no unit answers', async () => {
    const port = await peer.listenTcp();
    const { out } = await invokeCommand(scanCommand, ['--modbus-tcp', `127.0.0.1:${port}`, '--units', '1-3', '--timeout-ms', '50']);
    expect(out).toContain('no answer at any address');
  }, 20_000);

  it('fails with SCAN_MODBUS_UNREACHABLE when nothing listens', async () => {
    const port = await freeTcpPort();
    await expect(invokeCommand(scanCommand, ['--modbus-tcp', `127.0.0.1:${port}`, '--units', '1'])).rejects.toSatisfy((err) =>
      agentErrors.SCAN_MODBUS_UNREACHABLE.is(err),
    );
  });

  it('refuses a malformed unit range', async () => {
    await expect(invokeCommand(scanCommand, ['--units', '300'])).rejects.toSatisfy((err) => agentErrors.CLI_USAGE.is(err));
  });
});

describe('zenne-agent scan: Modbus RTU', () => {
  it('finds the unit that answers on a serial bus', async () => {
    const pair = await openPtyPair();
    const peer = new ModbusPeer();
    try {
      peer.unit(2, { 0: 400 });
      await peer.listenSerial(pair.b, 9600);
      const { out } = await invokeCommand(scanCommand, ['--modbus-rtu', pair.a, '--baud', '9600', '--units', '1-4', '--timeout-ms', '150']);
      expect(out).toContain('1 unit(s) answered of 4 scanned');
      const source = sourceConfigSchema.parse(proposals(out)[0]);
      expect(source).toMatchObject({ kind: 'modbus_rtu', port: pair.a, baud_rate: 9600, devices: [{ unit_id: 2 }] });
    } finally {
      await peer.close();
      await pair.close();
    }
  }, 20_000);
});

describe('zenne-agent scan: OPC UA', () => {
  it('lists the variables under Objects and proposes an opcua source with their node ids', async () => {
    const bms = await BmsServer.start();
    try {
      const { code, out } = await invokeCommand(scanCommand, ['--opcua', bms.endpoint, '--depth', '3']);
      expect(code).toBe(0);
      for (const nodeId of Object.values(bms.nodeIds)) expect(out).toContain(nodeId);
      const [proposal] = proposals(out);
      const source = sourceConfigSchema.parse(proposal);
      expect(source.kind).toBe('opcua');
      const nodes = Object.values((source as { devices: { nodes: Record<string, string> }[] }).devices[0]!.nodes);
      expect(nodes).toEqual(expect.arrayContaining(Object.values(bms.nodeIds)));
    } finally {
      await bms.close();
    }
  }, 30_000);

  it('fails with SCAN_OPCUA_FAILED naming the endpoint when nothing listens', async () => {
    const port = await freeTcpPort();
    await expect(invokeCommand(scanCommand, ['--opcua', `opc.tcp://127.0.0.1:${port}`])).rejects.toSatisfy((err) =>
      agentErrors.SCAN_OPCUA_FAILED.is(err),
    );
  }, 30_000);
});
