import { z } from 'zod';
import { commandSchema, deviceIdSchema, MAX_COMMAND_DEVICES, timestampSchema } from '@zenne/device-profiles';

/** Which devices a command goes to: a list of ids, or every device carrying all the given tags (`{ lamp_group: "12" }`). */
export const commandTargetSchema = z
  .strictObject({
    devices: z.array(deviceIdSchema).min(1).max(MAX_COMMAND_DEVICES).optional(),
    tags: z
      .record(z.string().min(1), z.string())
      .refine((tags) => Object.keys(tags).length > 0, 'give at least one tag')
      .optional(),
  })
  .refine((t) => (t.devices === undefined) !== (t.tags === undefined), { message: 'give exactly one of `devices` or `tags`' });
export type CommandTarget = z.infer<typeof commandTargetSchema>;

/** Body of POST /api/v1/commands. */
export const commandSubmissionSchema = z.strictObject({
  target: commandTargetSchema,
  command: commandSchema,
  /** How long gateways have to carry it out; after that it is not carried out any more. */
  timeout_s: z.number().int().min(1).max(3600).default(30),
});
export type CommandSubmission = z.infer<typeof commandSubmissionSchema>;

/**
 * Where a command stands for one device: `pending` until its gateway answers;
 * the gateway's `done`, `failed`, `rejected` or `expired`; or, decided by the
 * cloud, `rejected` (the profile takes no such command, never sent),
 * `undeliverable` (gateway offline) and `timeout` (no answer before expiry).
 */
export const deviceCommandStatusSchema = z.enum(['pending', 'done', 'failed', 'rejected', 'expired', 'undeliverable', 'timeout']);
export type DeviceCommandStatus = z.infer<typeof deviceCommandStatusSchema>;

export const deviceCommandStateSchema = z.object({
  device: deviceIdSchema,
  gateway: z.string(),
  status: deviceCommandStatusSchema,
  /** When the status last changed. */
  at: timestampSchema,
  observed: z.record(z.string(), z.number()).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type DeviceCommandState = z.infer<typeof deviceCommandStateSchema>;

/** A command as GET /api/v1/commands/{id} shows it. */
export const commandRecordSchema = z.object({
  id: z.string(),
  command: commandSchema,
  target: commandTargetSchema,
  created_at: timestampSchema,
  expires_at: timestampSchema,
  /** `complete` once no device is `pending`. */
  state: z.enum(['pending', 'complete']),
  /** Devices by status. */
  summary: z.partialRecord(deviceCommandStatusSchema, z.number().int().nonnegative()),
  devices: z.array(deviceCommandStateSchema),
});
export type CommandRecord = z.infer<typeof commandRecordSchema>;
