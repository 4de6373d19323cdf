import { z } from 'zod';
import { sourceBaseShape } from '../source-config.ts';

/** One serial device (RS-232/TTL UART behind a USB adapter) that reports on its own. */
export const serialSourceConfigSchema = z.strictObject({
  ...sourceBaseShape,
  kind: z.literal('serial'),
  /** Device path, e.g. /dev/ttyUSB0 or (stable across re-plugging) /dev/serial/by-id/usb-...; relative to the config file when relative. */
  port: z.string().min(1),
  baud_rate: z.number().int().positive(),
});
export type SerialSourceConfig = z.infer<typeof serialSourceConfigSchema>;
