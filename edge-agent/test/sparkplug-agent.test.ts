/**
 * The real `zenne-agent` in `uplink.mode: sparkplug_b`: an SDS011 capture
 * (real UART bytes) on a pty, Debian's mosquitto, and the test as the
 * Sparkplug host decoding with the agent's own sparkplug_b.proto.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNormaliser, getProfile } from '@zenne/device-profiles';
import { getBridge } from '@zenne/firmware-bridges';
import { openPtyPair } from '@zenne/firmware-bridges/pty';
import { loadCases } from '@zenne/firmware-bridges/testing/cases';
import { decodePayload, type Payload } from '../src/uplink/sparkplug/index.ts';
import { startAgentProcess, until, waitForStatus } from './helpers/agent-process.ts';
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto.ts';

const GROUP = 'brussels-aq';
const GATEWAY = 'gw-sparkplug-it';
const DEVICE = 'aq-sp-it-01';
// Real SDS011 UART capture from the bridge's test cases (PyPMS fixtures, MIT): 10 frames.
const bridgesSrc = dirname(createRequire(import.meta.url).resolve('@zenne/firmware-bridges'));
const SDS011_CAPTURE = loadCases(join(bridgesSrc, 'sds011/test/cases')).find((c) => c.name === 'capture-sds01x')!;

describe('zenne-agent in Sparkplug B mode', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('publishes NBIRTH, DBIRTH and the pty readings as DDATA; SIGKILL makes the broker publish NDEATH with the same bdSeq', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-sparkplug-it-'));
    const pty = await openPtyPair();
    const host = await mqtt.connectAsync(broker.url, { clientId: 'zenne-test-scada-host-it' });
    await writeFile(
      join(dir, 'agent.yaml'),
      [
        `gateway: { id: ${GATEWAY} }`,
        `cloud: { mqtt_url: "${broker.url}", password: "it-secret" }`,
        'state_dir: ./state',
        'uplink: { mode: sparkplug_b }',
        `sparkplug: { group_id: ${GROUP} }`,
        'sources:',
        `  - { id: sds011-01, kind: serial, port: ${pty.a}, baud_rate: 9600, bridge: sds011, profile: nova-sds011, device: ${DEVICE} }`,
      ].join('\n') + '\n',
    );
    const agent = startAgentProcess(['run', '--config', join(dir, 'agent.yaml')]);
    try {
      const messages: Array<{ type: string; device?: string; payload: Payload }> = [];
      host.on('message', (topic, bytes) => {
        const [, , type, , device] = topic.split('/');
        messages.push({ type: type!, device, payload: decodePayload(bytes) });
      });
      await host.subscribeAsync(`spBv1.0/${GROUP}/#`, { qos: 1 });
      await waitForStatus(join(dir, 'state'), (s) => s.pid === agent.child.pid && s.uplink.state === 'connected' && s.sources[0]?.state === 'running');

      const frames = SDS011_CAPTURE.expected.frames;
      const bridge = getBridge('sds011');
      await writeFile(pty.b, Buffer.concat(frames.map((f) => bridge.encodeFrame(f.fields))));
      const normaliser = createNormaliser(getProfile('nova-sds011'), { device: DEVICE });
      const expected = frames.flatMap((f) => normaliser.normalise({ fields: f.fields, ts: new Date() }).readings.map((r) => [r.quantity, r.value]));
      const data = () => messages.filter((m) => m.type === 'DDATA').flatMap((m) => m.payload.metrics.map((x) => [x.name, x.doubleValue]));
      await until(() => data().length >= expected.length);

      // The edge node id defaults to the gateway id; the device id is the Zenne device id.
      expect(messages.slice(0, 2).map((m) => [m.type, m.device])).toEqual([
        ['NBIRTH', undefined],
        ['DBIRTH', DEVICE],
      ]);
      expect(data()).toEqual(expected);
      const seqs = messages.map((m) => m.payload.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i % 256));

      const bdSeq = messages[0]!.payload.metrics.find((m) => m.name === 'bdSeq')!.longValue;
      agent.child.kill('SIGKILL');
      await agent.exited;
      await until(() => messages.some((m) => m.type === 'NDEATH'));
      const death = messages.find((m) => m.type === 'NDEATH')!;
      expect(death.payload.metrics.map((m) => [m.name, m.longValue])).toEqual([['bdSeq', bdSeq]]);
    } finally {
      if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
      await agent.exited;
      await host.endAsync();
      await pty.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
