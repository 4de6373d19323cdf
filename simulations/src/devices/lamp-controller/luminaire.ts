import { z } from 'zod';

/** Fault bits of register 8 (see device-profiles/profiles/generic-modbus-lamp-controller.yaml). */
export const FAULT_BITS = { lamp: 1 << 0, lantern: 1 << 1, column: 1 << 2 } as const;
export type Fault = keyof typeof FAULT_BITS;

export const luminaireSpecSchema = z.strictObject({
  /** Power at 100 % (W). The Smart Data Model StreetlightModel example lamp draws 100 W. */
  rated_power_w: z.number().positive().default(100),
  /** What the controller and driver draw when dark (W); EU ecodesign 2019/2020 caps networked standby at 0.5 W. */
  standby_power_w: z.number().nonnegative().default(0.5),
  /** Energy and on-time counters at start (a luminaire is not new). */
  energy_wh: z.number().nonnegative().default(0),
  lamp_on_time_s: z.number().nonnegative().default(0),
  /** IANA time zone of the controller's clock; schedules are in local time. */
  time_zone: z.string().default('Europe/Brussels'),
});
export type LuminaireSpec = z.input<typeof luminaireSpecSchema>;

export interface ScheduleStep {
  /** Minute of the local day, 0-1439. */
  minute: number;
  level: number;
}

/** Register addresses of the reference map. */
export const REGISTER = {
  setpoint: 0,
  switch: 1,
  level: 2,
  power: 3,
  energy: 4,
  lampOnTime: 6,
  faults: 8,
  schedule: 16,
} as const;
export const MAX_STEPS = 6;
const SCHEDULE_WORDS = 1 + 2 * MAX_STEPS;

/** Thrown for a write the controller refuses; the server answers Modbus exception 02 or 03. */
export class RegisterRefused extends Error {
  constructor(
    readonly exception: 0x02 | 0x03,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One luminaire behind a controller: the state a DALI-2 driver keeps
 * (setpoint, switch, energy, on time, failures), exposed as the reference
 * register map. Time only moves when `now()` is read: energy and on time are
 * integrated between two register accesses, and a schedule step takes over
 * the setpoint when its time of day has passed since the last access.
 *
 * Power follows light output linearly from standby to the rated power (LED
 * drivers lose a little efficiency when dimmed deep; the model ignores it).
 */
export class Luminaire {
  private readonly spec: z.output<typeof luminaireSpecSchema>;
  private setpoint = 100;
  private on = true;
  private faults = 0;
  private schedule: ScheduleStep[] = [];
  private energyWh: number;
  private onTimeS: number;
  private lastMs: number;
  private lastMinute: number;
  private readonly clock: Intl.DateTimeFormat;

  constructor(
    spec: LuminaireSpec = {},
    private readonly now: () => number = Date.now,
  ) {
    this.spec = luminaireSpecSchema.parse(spec);
    this.energyWh = this.spec.energy_wh;
    this.onTimeS = this.spec.lamp_on_time_s;
    this.clock = new Intl.DateTimeFormat('en-GB', { timeZone: this.spec.time_zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    this.lastMs = this.now();
    this.lastMinute = this.minuteOfDay(this.lastMs);
  }

  /** Light output now (%): 0 when switched off or when the lamp or driver has failed. */
  level(): number {
    this.advance();
    return this.output();
  }

  power(): number {
    this.advance();
    return this.powerAt(this.output());
  }

  setFault(fault: Fault, present: boolean): void {
    this.advance();
    this.faults = present ? this.faults | FAULT_BITS[fault] : this.faults & ~FAULT_BITS[fault];
  }

  /** Register values from `address`, `length` words (unmapped addresses read 0). */
  read(address: number, length: number): number[] {
    this.advance();
    return Array.from({ length }, (_, i) => this.word(address + i));
  }

  /** Writes words from `address` (functions 06 and 16); refuses read-only or out-of-range writes as a whole. */
  write(address: number, values: readonly number[]): void {
    this.advance();
    const end = address + values.length;
    const inSchedule = address >= REGISTER.schedule && end <= REGISTER.schedule + SCHEDULE_WORDS;
    if (inSchedule) {
      this.writeSchedule(address - REGISTER.schedule, values);
      return;
    }
    if (address > REGISTER.switch || end > REGISTER.switch + 1) {
      throw new RegisterRefused(0x02, `registers ${address}..${end - 1} are read-only or unmapped`);
    }
    values.forEach((value, i) => {
      if (address + i === REGISTER.setpoint) {
        if (value > 100) throw new RegisterRefused(0x03, `level ${value} % is above 100`);
        this.setpoint = value;
      } else {
        if (value > 1) throw new RegisterRefused(0x03, `switch value ${value} is neither 0 nor 1`);
        this.on = value === 1;
      }
    });
  }

  /** The schedule in force, for tests and status output. */
  scheduleSteps(): readonly ScheduleStep[] {
    return this.schedule;
  }

  private writeSchedule(offset: number, values: readonly number[]): void {
    const words = [this.schedule.length, ...this.schedule.flatMap((s) => [s.minute, s.level])];
    while (words.length < SCHEDULE_WORDS) words.push(0);
    values.forEach((v, i) => (words[offset + i] = v));
    const count = words[0]!;
    if (count > MAX_STEPS) throw new RegisterRefused(0x03, `${count} schedule steps, at most ${MAX_STEPS}`);
    const steps = Array.from({ length: count }, (_, i) => ({ minute: words[1 + 2 * i]!, level: words[2 + 2 * i]! }));
    const bad = steps.find((s, i) => s.minute > 1439 || s.level > 100 || (i > 0 && s.minute <= steps[i - 1]!.minute));
    if (bad) throw new RegisterRefused(0x03, `schedule step ${JSON.stringify(bad)} is out of range or out of order`);
    this.schedule = steps;
    // A new schedule takes over at once: the step in force now (the last one before now, or yesterday's last) sets the level.
    const inForce = steps.filter((s) => s.minute <= this.lastMinute).at(-1) ?? steps.at(-1);
    if (inForce && offset === 0) this.setpoint = inForce.level;
  }

  private word(address: number): number {
    const level = this.output();
    switch (address) {
      case REGISTER.setpoint:
        return this.setpoint;
      case REGISTER.switch:
        return this.on ? 1 : 0;
      case REGISTER.level:
        return level;
      case REGISTER.power:
        return Math.round(this.powerAt(level) * 10);
      case REGISTER.energy:
        return Math.floor(this.energyWh / 0x10000) & 0xffff;
      case REGISTER.energy + 1:
        return Math.floor(this.energyWh) & 0xffff;
      case REGISTER.lampOnTime:
        return Math.floor(this.onTimeS / 0x10000) & 0xffff;
      case REGISTER.lampOnTime + 1:
        return Math.floor(this.onTimeS) & 0xffff;
      case REGISTER.faults:
        return this.faults;
    }
    const offset = address - REGISTER.schedule;
    if (offset === 0) return this.schedule.length;
    if (offset > 0 && offset < SCHEDULE_WORDS) {
      const step = this.schedule[Math.floor((offset - 1) / 2)];
      return step ? (offset % 2 === 1 ? step.minute : step.level) : 0;
    }
    return 0;
  }

  private output(): number {
    if (!this.on || this.faults & (FAULT_BITS.lamp | FAULT_BITS.lantern)) return 0;
    return this.setpoint;
  }

  private powerAt(level: number): number {
    if (level === 0) return this.spec.standby_power_w;
    return this.spec.standby_power_w + (this.spec.rated_power_w * level) / 100;
  }

  /** Integrates energy and on time up to now, then lets a schedule step that came due take over the setpoint. */
  private advance(): void {
    const now = this.now();
    const dtS = Math.max(0, now - this.lastMs) / 1000;
    const level = this.output();
    this.energyWh += (this.powerAt(level) * dtS) / 3600;
    if (level > 0) this.onTimeS += dtS;
    this.lastMs = now;
    const minute = this.minuteOfDay(now);
    if (minute !== this.lastMinute && this.schedule.length > 0) {
      const due = this.stepCrossed(this.lastMinute, minute);
      if (due) this.setpoint = due.level;
    }
    this.lastMinute = minute;
  }

  /** The last step whose time lies in (from, to], wrapping over midnight. */
  private stepCrossed(from: number, to: number): ScheduleStep | undefined {
    const passed = (m: number) => (from < to ? m > from && m <= to : m > from || m <= to);
    const crossed = this.schedule.filter((s) => passed(s.minute));
    if (crossed.length === 0) return undefined;
    // Past midnight, the steps after `from` come before those up to `to`.
    return from < to ? crossed.at(-1) : (crossed.filter((s) => s.minute <= to).at(-1) ?? crossed.at(-1));
  }

  private minuteOfDay(ms: number): number {
    const [h, m] = this.clock.format(ms).split(':').map(Number);
    return h! * 60 + m!;
  }
}
