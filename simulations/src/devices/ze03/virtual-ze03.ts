import type { Transform } from 'node:stream';
import { getProfile } from '@zenne/device-profiles';
import { encodeZe03Frame, Ze03CommandParser, type Ze03Command, type Ze03Mode } from '@zenne/firmware-bridges';
import type { ReplaySource } from '../../replay/replay-source.ts';
import { BaseVirtualDevice } from '../base-device.ts';
import type { VirtualDeviceKind, VirtualDeviceOptions } from '../device.ts';
import { STE_CATHERINE_NO2_2023_UG_M3, ZE03_NO2_PROFILE, ze03No2Count } from './brussels-no2.ts';

/** Byte 8 of a read response is its checksum (Winsen 9-byte frame, firmware-bridges/src/ze03/README.md). */
const CHECKSUM_INDEX = 8;

/** The count every answer carries: the Ste-Catherine annual mean, below one 0.1-ppm step. */
const concentration = () => ({ concentration: ze03No2Count(STE_CATHERINE_NO2_2023_UG_M3) });

/**
 * A virtual Winsen ZE03-NO2 in question-and-answer mode, as installed (firmware-bridges/src/ze03
 * README: switch to Q&A once): answers every read command (0x86) with one read response and
 * records mode switches (0x78) in `state()` without a reply (the real reply is unconfirmed).
 * Switched to active upload it goes quiet: that mode's frame is not confirmed, so it is not
 * imitated, and it answers reads again once switched back to Q&A.
 */
export class VirtualZe03 extends BaseVirtualDevice<Ze03Command> {
  readonly kind = 'ze03';
  #mode: Ze03Mode = 'qa';

  constructor(options: VirtualDeviceOptions, defaultPeriodMs: number) {
    super(options, defaultPeriodMs, CHECKSUM_INDEX);
  }

  state(): Record<string, string | number> {
    return { mode: this.#mode };
  }

  protected createCommandParser(): Transform {
    return new Ze03CommandParser();
  }

  protected measurementFrame(): Buffer {
    return encodeZe03Frame(concentration());
  }

  /** Q&A mode has no unsolicited output, and active upload is not imitated (see above). */
  protected reportIntervalMs(): null {
    return null;
  }

  protected handleCommand(command: Ze03Command): void {
    if (command.command === 'set_mode') {
      this.#mode = command.mode;
      this.acted();
    } else if (this.#mode === 'qa') {
      this.sendMeasurement();
    }
  }
}

export const ze03Kind: VirtualDeviceKind = {
  id: 'ze03',
  profile: ZE03_NO2_PROFILE,
  description: 'Winsen ZE03-NO2 in Q&A mode: answers the read command with the 2023 annual mean NO2 at IRCEL 41B004 Ste-Catherine',
  // A replay source carries particulate values only; NO2 comes from the IRCEL annual mean.
  fieldsAt: (_source: ReplaySource, _wallMs: number) => concentration(),
  create: (options) => new VirtualZe03(options, getProfile(ZE03_NO2_PROFILE).sample_period_s * 1000),
};
