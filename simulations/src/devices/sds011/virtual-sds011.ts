import type { Transform } from 'node:stream';
import { getProfile } from '@zenne/device-profiles';
import {
  encodeSds011Frame,
  encodeSds011Reply,
  Sds011CommandParser,
  type DecodedSds011Command,
  type Sds011ReportingMode,
  type Sds011WorkState,
} from '@zenne/firmware-bridges';
import type { ReplaySource } from '../../replay/replay-source.ts';
import { BaseVirtualDevice } from '../base-device.ts';
import type { VirtualDeviceKind, VirtualDeviceOptions } from '../device.ts';

export const SDS011_PROFILE = 'nova-sds011';

/** Byte 8 of a data frame is its checksum (protocol V1.3 §3.2, reply column). */
const CHECKSUM_INDEX = 8;
/**
 * The firmware date a virtual SDS011 reports, taken from the protocol's own
 * example reply (§3.6: "AA C5 07 0F 07 0A A1 60 28 AB … 15-7-10").
 */
const FIRMWARE = { year: 15, month: 7, day: 10 } as const;
/** §3.5: with a working period of n minutes the sensor works 30 s, sleeps n×60−30 s and reports once per cycle. */
const MINUTE_MS = 60_000;

export interface VirtualSds011Options extends VirtualDeviceOptions {
  /** The sensor's 16-bit id (ID1 << 8 | ID2); the protocol's examples use 0xA160. */
  deviceId?: number;
}

/**
 * A virtual Nova Fitness SDS011, "Laser Dust Sensor Control Protocol V1.3":
 * starts in active reporting, working, continuous period (the factory
 * defaults of §3.1, §3.4, §3.5); answers every command of §3 addressed to its
 * id or to FF FF. While asleep it still answers commands (so it can be woken,
 * §3.4) but measures nothing: query-data commands get no answer.
 */
export class VirtualSds011 extends BaseVirtualDevice<DecodedSds011Command> {
  readonly kind = 'sds011';
  #deviceId: number;
  #mode: Sds011ReportingMode = 'active';
  #work: Sds011WorkState = 'work';
  #periodMinutes = 0;

  constructor(
    private readonly options: VirtualSds011Options,
    defaultPeriodMs: number,
  ) {
    super(options, defaultPeriodMs, CHECKSUM_INDEX);
    this.#deviceId = options.deviceId ?? 0xa160;
  }

  state(): Record<string, string | number> {
    return { device_id: this.#deviceId, reporting_mode: this.#mode, work_state: this.#work, working_period_min: this.#periodMinutes };
  }

  protected createCommandParser(): Transform {
    return new Sds011CommandParser();
  }

  protected measurementFrame(): Buffer {
    return encodeSds011Frame({ ...sds011FieldsAt(this.options.source, this.now()), device_id: this.#deviceId });
  }

  protected reportIntervalMs(): number | null {
    if (this.#mode !== 'active' || this.#work !== 'work') return null;
    return this.#periodMinutes > 0 ? this.#periodMinutes * MINUTE_MS : this.periodMs;
  }

  protected handleCommand(command: DecodedSds011Command): void {
    // §2: FF FF addresses every sensor, anything else only the sensor with that id.
    if (command.target !== 'all' && command.target !== this.#deviceId) return;
    const device_id = this.#deviceId;
    switch (command.command) {
      case 'query_data':
        if (this.#work === 'work') this.sendMeasurement();
        return;
      case 'reporting_mode':
        if (command.op === 'set') this.#mode = command.mode;
        this.reply(encodeSds011Reply({ command: 'reporting_mode', op: command.op, mode: this.#mode, device_id }));
        break;
      case 'sleep_work':
        if (command.op === 'set') this.#work = command.state;
        this.reply(encodeSds011Reply({ command: 'sleep_work', op: command.op, state: this.#work, device_id }));
        break;
      case 'working_period':
        if (command.op === 'set') this.#periodMinutes = command.minutes;
        this.reply(encodeSds011Reply({ command: 'working_period', op: command.op, minutes: this.#periodMinutes, device_id }));
        break;
      case 'set_device_id':
        // §3.3: the reply already carries the new id.
        this.#deviceId = command.new_device_id;
        this.reply(encodeSds011Reply({ command: 'set_device_id', device_id: this.#deviceId }));
        break;
      case 'firmware_version':
        this.reply(encodeSds011Reply({ command: 'firmware_version', ...FIRMWARE, device_id }));
        break;
    }
    this.reschedule();
  }
}

/** PM2.5 and PM10 at the 0.1 µg/m³ the SDS011 sends (§3.2). */
function sds011FieldsAt(source: ReplaySource, wallMs: number): { pm2_5: number; pm10: number } {
  const { pm2_5, pm10 } = source.at(wallMs);
  return { pm2_5: Math.round(pm2_5 * 10) / 10, pm10: Math.round(pm10 * 10) / 10 };
}

export const sds011Kind: VirtualDeviceKind = {
  id: 'sds011',
  profile: SDS011_PROFILE,
  description: 'Nova Fitness SDS011 (protocol V1.3): active/query reporting, sleep/work, working period',
  fieldsAt: sds011FieldsAt,
  create: (options) => createVirtualSds011(options),
};

/** A virtual SDS011 with the options only this kind has (its 16-bit id). */
export function createVirtualSds011(options: VirtualSds011Options): VirtualSds011 {
  return new VirtualSds011(options, getProfile(SDS011_PROFILE).sample_period_s * 1000);
}
