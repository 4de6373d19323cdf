import { z } from 'zod';
import { deviceIdSchema, timestampSchema } from '@zenne/device-profiles';

/** Counters of one device on a Modbus bus (ModbusSource.deviceStats()). */
export const modbusDeviceStatsSchema = z.strictObject({
  device: deviceIdSchema,
  unit_id: z.number().int(),
  /** `polling` at its poll period; `slow_retry` after it stopped answering. */
  schedule: z.enum(['polling', 'slow_retry']),
  polls: z.number().int().nonnegative(),
  answers: z.number().int().nonnegative(),
  timeouts: z.number().int().nonnegative(),
  crc_errors: z.number().int().nonnegative(),
  exceptions: z.number().int().nonnegative(),
  bad_frames: z.number().int().nonnegative(),
  last_answer_at: timestampSchema.nullable(),
  last_error: z.string().nullable(),
});
export type ModbusDeviceStats = z.infer<typeof modbusDeviceStatsSchema>;

/** The fault counters, which also go into the source's `errors` as `<device>.<counter>`. */
export const DEVICE_FAULT_COUNTERS = ['timeouts', 'crc_errors', 'exceptions', 'bad_frames'] as const;
export type DeviceFault = (typeof DEVICE_FAULT_COUNTERS)[number];
