import { afterEach, describe, expect, it } from 'vitest';
import type { DecodedFrame } from '@zenne/device-profiles';
import { encodePms5003Command, Pms5003Parser, type Pms5003Command } from '@zenne/firmware-bridges';
import { pms5003Kind } from '../../src/devices/pms5003/virtual-pms5003.ts';
import type { VirtualDevice } from '../../src/devices/device.ts';
import { virtualDeviceContract } from '../../src/devices/testing/device-contract.ts';
import type { ReplaySource } from '../../src/replay/replay-source.ts';
import { linkPairFactories, type LinkPair } from '../helpers/link-pairs.ts';
import { nextEvent } from '../helpers/next-event.ts';

for (const factory of linkPairFactories) {
  describe(`virtual PMS5003 ${factory.name}`, () => {
    virtualDeviceContract({ kind: pms5003Kind, openLink: factory.open });

    const source: ReplaySource = { at: () => ({ pm2_5: 8, pm10: 8 }) };
    let link: LinkPair | undefined;
    let device: VirtualDevice | undefined;
    afterEach(async () => {
      await device?.stop();
      await link?.close();
      link = undefined;
      device = undefined;
    });

    it('goes passive, answers a read with one frame, and honours sleep and wakeup', async () => {
      link = await factory.open();
      device = pms5003Kind.create({ id: 'aq-test-02', source, periodMs: 50 });
      const dev = device;
      const parser = new Pms5003Parser();
      link.host.pipe(parser);
      dev.start(link.device);
      const send = (command: Pms5003Command) => link!.host.write(encodePms5003Command(command));
      // Active mode after power-up (data manual V2.3, appendix B).
      const first = await nextEvent<DecodedFrame>(parser, 'data');
      expect(first.fields).toMatchObject(pms5003Kind.fieldsAt(source, 0));

      send({ command: 'change_mode', mode: 'passive' });
      send({ command: 'sleep_wakeup', state: 'sleep' });
      send({ command: 'sleep_wakeup', state: 'wakeup' });
      // Commands are handled in order, so when the read is answered, the mode changes are done.
      send({ command: 'read' });
      const answered = await nextEvent<DecodedFrame>(parser, 'data', () => dev.state().mode === 'passive');
      expect(answered.fields.pm2_5).toBe(8);
      expect(dev.state()).toEqual({ mode: 'passive', sleep_state: 'wakeup' });
      expect(dev.counters.commands).toBe(4);
    });
  });
}
