import { afterEach, describe, expect, it } from 'vitest';
import type { DecodedFrame } from '@zenne/device-profiles';
import { encodeSds011Command, Sds011Parser, type Sds011Command, type Sds011Reply } from '@zenne/firmware-bridges';
import { createVirtualSds011, sds011Kind, type VirtualSds011 } from '../../src/devices/sds011/virtual-sds011.ts';
import { virtualDeviceContract } from '../../src/devices/testing/device-contract.ts';
import type { ReplaySource } from '../../src/replay/replay-source.ts';
import { linkPairFactories, type LinkPair } from '../helpers/link-pairs.ts';
import { nextEvent } from '../helpers/next-event.ts';

for (const factory of linkPairFactories) {
  describe(`virtual SDS011 ${factory.name}`, () => {
    virtualDeviceContract({ kind: sds011Kind, openLink: factory.open });

    const source: ReplaySource = { at: () => ({ pm2_5: 123.6, pm10: 261.8 }) };
    let link: LinkPair | undefined;
    let device: VirtualSds011 | undefined;
    afterEach(async () => {
      await device?.stop();
      await link?.close();
      link = undefined;
      device = undefined;
    });

    /** Starts an SDS011 with the protocol's example id A160 and a host-side bridge parser on the other end. */
    async function start() {
      link = await factory.open();
      device = createVirtualSds011({ id: 'aq-test-01', source, periodMs: 50, deviceId: 0xa160 });
      const parser = new Sds011Parser();
      link.host.pipe(parser);
      device.start(link.device);
      const send = (command: Sds011Command) => link!.host.write(encodeSds011Command(command));
      const reply = (accept: (r: Sds011Reply) => boolean) => nextEvent<Sds011Reply>(parser, 'reply', accept);
      return { parser, send, reply, device };
    }

    it('switches to query reporting and then answers a query-data command with a data frame', async () => {
      const { parser, send, reply, device } = await start();
      // Active mode first: the factory default of protocol V1.3 §3.1.
      await nextEvent<DecodedFrame>(parser, 'data');

      const modeSet = reply((r) => r.command === 'reporting_mode');
      send({ command: 'reporting_mode', op: 'set', mode: 'query' });
      expect(await modeSet).toEqual({ command: 'reporting_mode', op: 'set', mode: 'query', device_id: 0xa160 });
      expect(device.state().reporting_mode).toBe('query');

      const modeGet = reply((r) => r.command === 'reporting_mode');
      send({ command: 'reporting_mode', op: 'get', target: 0xa160 });
      expect(await modeGet).toEqual({ command: 'reporting_mode', op: 'get', mode: 'query', device_id: 0xa160 });

      const sentBefore = device.counters.frames_sent;
      const frame = nextEvent<DecodedFrame>(parser, 'data');
      send({ command: 'query_data' });
      expect((await frame).fields).toEqual({ pm2_5: 123.6, pm10: 261.8, device_id: 0xa160 });
      expect(device.counters.frames_sent).toBe(sentBefore + 1);
    });

    it('sleeps and wakes, sets its working period, and ignores commands addressed to another id', async () => {
      const { send, reply, device } = await start();

      const other = reply(() => true);
      send({ command: 'sleep_work', op: 'set', state: 'sleep', target: 0x1234 });
      send({ command: 'sleep_work', op: 'set', state: 'sleep', target: 'all' });
      // The first reply is to the broadcast: the command for 0x1234 was not ours (§2).
      expect(await other).toEqual({ command: 'sleep_work', op: 'set', state: 'sleep', device_id: 0xa160 });
      expect(device.state().work_state).toBe('sleep');

      const woke = reply((r) => r.command === 'sleep_work');
      send({ command: 'sleep_work', op: 'set', state: 'work' });
      expect(await woke).toMatchObject({ state: 'work' });

      const period = reply((r) => r.command === 'working_period');
      send({ command: 'working_period', op: 'set', minutes: 5 });
      expect(await period).toEqual({ command: 'working_period', op: 'set', minutes: 5, device_id: 0xa160 });
      expect(device.state().working_period_min).toBe(5);
    });

    it('counts a command with a bad checksum and still answers the next one', async () => {
      const { send, reply, device } = await start();
      const broken = encodeSds011Command({ command: 'firmware_version' });
      broken[17] = broken[17]! ^ 0xff;
      link!.host.write(broken);
      const version = reply((r) => r.command === 'firmware_version');
      send({ command: 'firmware_version' });
      expect(await version).toEqual({ command: 'firmware_version', year: 15, month: 7, day: 10, device_id: 0xa160 });
      expect(device.counters.bad_commands).toBe(1);
    });
  });
}
