import type { Transform } from 'node:stream';
import { getProfile } from '@zenne/device-profiles';
import {
  encodePms5003Frame,
  Pms5003CommandParser,
  type Pms5003Command,
  type Pms5003Mode,
  type Pms5003SleepState,
} from '@zenne/firmware-bridges';
import { loadPlantowerFieldRatios, plantowerFields, type PlantowerFieldRatio } from '../../replay/plantower-field-ratios.ts';
import type { ReplaySource } from '../../replay/replay-source.ts';
import { BaseVirtualDevice } from '../base-device.ts';
import type { VirtualDeviceKind, VirtualDeviceOptions } from '../device.ts';

export const PMS5003_PROFILE = 'plantower-pms5003';

/** Bytes 30–31 of the 32-byte frame are its check word; corrupting the low byte breaks it. */
const CHECKSUM_INDEX = 31;

let ratios: PlantowerFieldRatio[] | undefined;

/** All twelve frame fields at the integer resolution the PMS5003 sends. */
function pms5003FieldsAt(source: ReplaySource, wallMs: number): Record<string, number> {
  ratios ??= loadPlantowerFieldRatios();
  const fields = plantowerFields(source.at(wallMs), ratios);
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Math.round(v)]));
}

/**
 * A virtual Plantower PMS5003 (data manual V2.3, appendix B): starts in active
 * mode, awake; `change_mode` switches active/passive, `read` answers with one
 * frame in passive mode, `sleep_wakeup` stops/resumes measuring. The manual
 * defines no acknowledgement for these commands, so none is sent.
 */
export class VirtualPms5003 extends BaseVirtualDevice<Pms5003Command> {
  readonly kind = 'pms5003';
  #mode: Pms5003Mode = 'active';
  #sleep: Pms5003SleepState = 'wakeup';

  constructor(
    private readonly options: VirtualDeviceOptions,
    defaultPeriodMs: number,
  ) {
    super(options, defaultPeriodMs, CHECKSUM_INDEX);
  }

  state(): Record<string, string | number> {
    return { mode: this.#mode, sleep_state: this.#sleep };
  }

  protected createCommandParser(): Transform {
    return new Pms5003CommandParser();
  }

  protected measurementFrame(): Buffer {
    return encodePms5003Frame(pms5003FieldsAt(this.options.source, this.now()));
  }

  protected reportIntervalMs(): number | null {
    return this.#mode === 'active' && this.#sleep === 'wakeup' ? this.periodMs : null;
  }

  protected handleCommand(command: Pms5003Command): void {
    switch (command.command) {
      case 'read':
        if (this.#mode === 'passive' && this.#sleep === 'wakeup') this.sendMeasurement();
        return;
      case 'change_mode':
        this.#mode = command.mode;
        break;
      case 'sleep_wakeup':
        this.#sleep = command.state;
        break;
    }
    this.acted();
    this.reschedule();
  }
}

export const pms5003Kind: VirtualDeviceKind = {
  id: 'pms5003',
  profile: PMS5003_PROFILE,
  description: 'Plantower PMS5003 (data manual V2.3): active/passive mode, read, sleep/wakeup',
  fieldsAt: pms5003FieldsAt,
  create: (options) => new VirtualPms5003(options, getProfile(PMS5003_PROFILE).sample_period_s * 1000),
};
