import { z } from 'zod';
import { sourceBaseShape } from '../source-config.ts';

/** One serial device (RS-232/TTL UART behind a USB adapter) that reports on its own or is polled. */
export const serialSourceConfigSchema = z.strictObject({
  ...sourceBaseShape,
  kind: z.literal('serial'),
  /** Device path, e.g. /dev/ttyUSB0 or (stable across re-plugging) /dev/serial/by-id/usb-...; relative to the config file when relative. */
  port: z.string().min(1),
  baud_rate: z.number().int().positive(),
  /**
   * Seconds between poll commands, for devices that only answer when asked (bridges with
   * `pollCommand`, e.g. mhz19b). Defaults to the profile's `sample_period_s`; ignored otherwise.
   */
  poll_period_s: z.number().positive().optional(),
});
export type SerialSourceConfig = z.infer<typeof serialSourceConfigSchema>;
