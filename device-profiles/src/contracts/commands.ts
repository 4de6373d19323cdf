import { z } from 'zod';
import { deviceIdSchema, timestampSchema } from './ids.ts';

/** Light output in percent of the luminaire's rated output (0 = dark, the controller stays powered). */
const levelSchema = z.number().int().min(0).max(100);

/** A local time of day, `HH:MM` (24 h, the controller's clock, Europe/Brussels in the region). */
const timeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM, 00:00 to 23:59');

/** Most steps a dimming schedule may have: a night profile rarely needs more than four. */
export const MAX_SCHEDULE_STEPS = 8;

/**
 * What a device can be told to do. Street-light controllers accept all three:
 * - `dim`: set the light level now; it holds until the next schedule step.
 * - `switch`: on (back to the level in force) or off.
 * - `schedule`: the nightly dimming profile, one level per step from its time
 *   until the next step, e.g. 20:00 → 70 %, 22:00 → 50 %, 05:00 → 100 %.
 */
/** The steps of a dimming schedule: each level holds from its time of day until the next step's. */
export const scheduleStepsSchema = z
  .array(z.strictObject({ at: timeOfDaySchema, level: levelSchema }))
  .min(1)
  .max(MAX_SCHEDULE_STEPS)
  .refine((steps) => steps.every((s, i) => i === 0 || steps[i - 1]!.at < s.at), {
    message: 'steps must be in increasing time order, each time once',
  });

/** `HH:MM` → minute of the day (0-1439), the form controllers keep a schedule step in. */
export function minuteOfDay(at: string): number {
  const [h, m] = at.split(':').map(Number);
  return h! * 60 + m!;
}

export const commandSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('dim'), level: levelSchema }),
  z.strictObject({ action: z.literal('switch'), state: z.enum(['on', 'off']) }),
  z.strictObject({ action: z.literal('schedule'), steps: scheduleStepsSchema }),
]);
export type Command = z.infer<typeof commandSchema>;
export const commandActionSchema = z.enum(['dim', 'switch', 'schedule']);
export type CommandAction = z.infer<typeof commandActionSchema>;

/** Command ids are made by the cloud (UUIDs); the same alphabet bound as other ids travelling in payloads. */
export const commandIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-" (max 64)');

/** Upper bound on devices in one command message (a lamp group of a whole district fits). */
export const MAX_COMMAND_DEVICES = 1000;

/**
 * Cloud → gateway, on `zenne/v1/gw/{gateway}/commands`, QoS 1. The gateway
 * carries it out for each device (in any order) and answers once per device
 * on `.../commands/result`. A command received after `expires_at` is not
 * carried out (it is answered `expired`): a "dim to 50 %" delayed by an
 * outage must not fire hours later.
 */
export const commandRequestSchema = z.strictObject({
  v: z.literal(1),
  id: commandIdSchema,
  devices: z.array(deviceIdSchema).min(1).max(MAX_COMMAND_DEVICES),
  command: commandSchema,
  issued_at: timestampSchema,
  expires_at: timestampSchema,
});
export type CommandRequest = z.infer<typeof commandRequestSchema>;

/**
 * How a command ended for one device:
 * - `done`: the device confirmed it (for Modbus: the write was echoed and the
 *   register read back); `observed` holds what was read back.
 * - `failed`: the device refused or did not answer before `expires_at`.
 * - `rejected`: the gateway would not try (unknown device, a device that
 *   takes no such command, an invalid message).
 * - `expired`: it arrived after `expires_at` and was not carried out.
 */
export const commandStatusSchema = z.enum(['done', 'failed', 'rejected', 'expired']);
export type CommandStatus = z.infer<typeof commandStatusSchema>;

/** Gateway → cloud, on `zenne/v1/gw/{gateway}/commands/result`, QoS 1: one per device of a command. */
export const commandResultSchema = z.strictObject({
  v: z.literal(1),
  id: commandIdSchema,
  device: deviceIdSchema,
  status: commandStatusSchema,
  /** When the gateway finished with the device. */
  at: timestampSchema,
  observed: z.record(z.string(), z.number()).optional(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
});
export type CommandResult = z.infer<typeof commandResultSchema>;
