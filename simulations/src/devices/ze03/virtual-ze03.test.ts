import { afterEach, describe, expect, it } from 'vitest';
import { createNormaliser, getProfile, type DecodedFrame } from '@zenne/device-profiles';
import { encodeZe03Command, Ze03Parser, type Ze03Command } from '@zenne/firmware-bridges';
import type { ReplaySource } from '../../replay/replay-source.ts';
import { getVirtualDeviceKind } from '../registry.ts';
import type { VirtualDevice } from '../device.ts';
import { virtualDeviceContract } from '../testing/device-contract.ts';
import { linkPairFactories, type LinkPair } from '../../../test/helpers/link-pairs.ts';
import { nextEvent } from '../../../test/helpers/next-event.ts';
import { STE_CATHERINE_NO2_2023_UG_M3, ZE03_NO2_PROFILE, ze03No2Count } from './brussels-no2.ts';
import { ze03Kind } from './virtual-ze03.ts';

const PM_SOURCE: ReplaySource = { at: () => ({ pm2_5: 12.3, pm10: 20.5 }) };

describe('ZE03-NO2 values', () => {
  it('quantises µg/m³ to 0.1-ppm counts with the profile scale: Brussels street air is 0 counts', () => {
    expect(ze03No2Count(STE_CATHERINE_NO2_2023_UG_M3)).toBe(0);
    // EU 1-hour limit value and alert threshold (Directive 2008/50/EC): 1 and 2 counts.
    expect(ze03No2Count(200)).toBe(1);
    expect(ze03No2Count(400)).toBe(2);
    expect(ze03Kind.fieldsAt(PM_SOURCE, Date.UTC(2026, 0, 15))).toEqual({ concentration: 0 });
  });

  it('normalises a count back to µg/m³ through the profile (0.1 ppm = 191.25 µg/m³ at 20 °C)', () => {
    const normaliser = createNormaliser(getProfile(ZE03_NO2_PROFILE), { device: 'no2-test-01' });
    const { readings } = normaliser.normalise({ fields: { concentration: 1 }, ts: new Date('2026-01-15T08:30:00.000Z') });
    expect(readings).toMatchObject([{ quantity: 'no2', value: 191.25, unit: 'ug/m3', quality: 'good' }]);
  });

  it('is registered under its bridge id', () => {
    expect(getVirtualDeviceKind('ze03')).toBe(ze03Kind);
  });
});

for (const factory of linkPairFactories) {
  describe(`virtual ZE03-NO2 ${factory.name}`, () => {
    virtualDeviceContract({ kind: ze03Kind, openLink: factory.open });

    let link: LinkPair | undefined;
    let device: VirtualDevice | undefined;
    afterEach(async () => {
      await device?.stop();
      await link?.close();
      link = undefined;
      device = undefined;
    });

    async function start() {
      link = await factory.open();
      device = ze03Kind.create({ id: 'no2-test-01', source: PM_SOURCE });
      const parser = new Ze03Parser();
      link.host.pipe(parser);
      device.start(link.device);
      const send = (command: Ze03Command) => link!.host.write(encodeZe03Command(command));
      return { parser, send, device };
    }

    it('answers each read command with one response, and only then', async () => {
      const { parser, send, device } = await start();
      const frame = nextEvent<DecodedFrame>(parser, 'data');
      send({ command: 'read_concentration' });
      expect((await frame).fields).toEqual({ concentration: 0 });
      expect(device.counters.frames_sent).toBe(1);
    });

    it('records mode switches without answering, and answers reads only in Q&A mode', async () => {
      const { parser, send, device } = await start();
      send({ command: 'set_mode', mode: 'active_upload' });
      send({ command: 'read_concentration' });
      send({ command: 'set_mode', mode: 'qa' });
      // Commands are handled in order: the one answer is to the read after the switch back to Q&A.
      const frame = nextEvent<DecodedFrame>(parser, 'data');
      send({ command: 'read_concentration' });
      await frame;
      expect(device.state()).toEqual({ mode: 'qa' });
      expect(device.counters).toMatchObject({ commands: 4, frames_sent: 1, replies: 2, bad_commands: 0 });
    });
  });
}
