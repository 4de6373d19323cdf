import type { Transform } from 'node:stream';
import { getProfile } from '@zenne/device-profiles';
import { encodeMhz19bFrame, Mhz19bCommandParser, type Mhz19bCommand, type Mhz19bDetectionRange } from '@zenne/firmware-bridges';
import type { ReplaySource } from '../../replay/replay-source.ts';
import { BaseVirtualDevice } from '../base-device.ts';
import type { VirtualDeviceKind, VirtualDeviceOptions } from '../device.ts';
import { capturedCo2At } from './mhz19b-capture.ts';

export const MHZ19B_PROFILE = 'winsen-mhz19b';

/** Byte 8 of a response is its checksum (MH-Z19B manual V1.0 §7). */
const CHECKSUM_INDEX = 8;

/**
 * A virtual Winsen MH-Z19B (User's Manual V1.0 §7): silent until asked; answers every
 * read-CO2 command (0x86) with one response, and acts on zero/span calibration, ABC on/off
 * and detection range without answering, as §7 says ("NO RESPONSE"). Starts with ABC on
 * (§8 C: "All Winsen sensor with ABC logic on before delivery") and the 0–5000 ppm range.
 * Calibrations are recorded in `state()` but do not shift the replayed values.
 */
export class VirtualMhz19b extends BaseVirtualDevice<Mhz19bCommand> {
  readonly kind = 'mhz19b';
  #abc = true;
  #rangePpm: Mhz19bDetectionRange = 5000;
  #zeroCalibrations = 0;
  #lastSpanPpm = 0;

  constructor(options: VirtualDeviceOptions, defaultPeriodMs: number) {
    super(options, defaultPeriodMs, CHECKSUM_INDEX);
  }

  state(): Record<string, string | number> {
    return {
      abc: this.#abc ? 'on' : 'off',
      detection_range_ppm: this.#rangePpm,
      zero_calibrations: this.#zeroCalibrations,
      last_span_ppm: this.#lastSpanPpm,
    };
  }

  protected createCommandParser(): Transform {
    return new Mhz19bCommandParser();
  }

  protected measurementFrame(): Buffer {
    return encodeMhz19bFrame({ co2: capturedCo2At(this.now()) });
  }

  /** §7 lists no unsolicited output: the sensor only answers read-CO2 commands. */
  protected reportIntervalMs(): null {
    return null;
  }

  protected handleCommand(command: Mhz19bCommand): void {
    switch (command.command) {
      case 'read_co2':
        this.sendMeasurement();
        return;
      case 'zero_calibration':
        this.#zeroCalibrations += 1;
        break;
      case 'span_calibration':
        this.#lastSpanPpm = command.span_ppm;
        break;
      case 'abc':
        this.#abc = command.enabled;
        break;
      case 'detection_range':
        this.#rangePpm = command.range_ppm;
        break;
    }
    this.acted();
  }
}

export const mhz19bKind: VirtualDeviceKind = {
  id: 'mhz19b',
  profile: MHZ19B_PROFILE,
  description: 'Winsen MH-Z19B (manual V1.0): answers read-CO2 with the real PyPMS capture replayed; calibration, ABC, range',
  // A replay source carries particulate values only; CO2 comes from the MH-Z19B capture.
  fieldsAt: (_source: ReplaySource, wallMs: number) => ({ co2: capturedCo2At(wallMs) }),
  create: (options) => new VirtualMhz19b(options, getProfile(MHZ19B_PROFILE).sample_period_s * 1000),
};
