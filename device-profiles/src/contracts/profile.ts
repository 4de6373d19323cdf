import { z } from 'zod';
import { idSchema } from './ids.ts';
import { quantitySchema, unitSchema } from './quantities.ts';

const rangeSchema = z
  .strictObject({ min: z.number(), max: z.number() })
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max' });

/**
 * How one field of a decoded frame becomes one canonical reading.
 * `canonical = convert((raw * scale + offset), unit → quantity's canonical unit)`.
 */
export const channelSchema = z.strictObject({
  quantity: quantitySchema,
  /** Field name in the bridge's decoded frame, e.g. `pm2_5`. */
  field: z.string().min(1),
  /** Unit of the decoded field (after scale/offset). */
  unit: unitSchema,
  scale: z.number().default(1),
  offset: z.number().default(0),
  /** Outside this range (the sensor's measuring range, in the canonical unit) the reading is `bad`. */
  valid: rangeSchema,
  /** Outside this range (what the real world produces here, canonical unit) the reading is `suspect`. */
  plausible: rangeSchema,
  /** Largest believable change between consecutive samples (canonical unit); a larger step is `suspect`. */
  max_step: z.number().positive().optional(),
  /** This many identical consecutive values make a reading `suspect` (stuck sensor). */
  stuck_after: z.number().int().min(2).optional(),
});
export type Channel = z.infer<typeof channelSchema>;

export const serialSettingsSchema = z.strictObject({
  baud_rate: z.number().int().positive(),
  data_bits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stop_bits: z.union([z.literal(1), z.literal(2)]).default(1),
});

/** A device profile: the declarative description of one device model (device-profiles/profiles/*.yaml). */
export const deviceProfileSchema = z
  .strictObject({
    id: idSchema,
    manufacturer: z.string().min(1),
    model: z.string().min(1),
    description: z.string().optional(),
    /** Datasheet or protocol document the numbers come from. */
    reference: z.string().optional(),
    /** Id of the firmware bridge that decodes this device's wire protocol. */
    bridge: idSchema,
    transport: z.enum(['serial', 'modbus_rtu', 'modbus_tcp', 'opcua', 'mqtt', 'lorawan']),
    serial: serialSettingsSchema.optional(),
    /** Nominal time between samples in seconds. */
    sample_period_s: z.number().positive(),
    channels: z.array(channelSchema).min(1),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of p.channels.entries()) {
      if (seen.has(c.quantity)) {
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'quantity'], message: `quantity ${c.quantity} appears twice` });
      }
      seen.add(c.quantity);
    }
    if (p.transport === 'serial' && !p.serial) {
      ctx.addIssue({ code: 'custom', path: ['serial'], message: 'a serial device profile needs `serial` settings (baud_rate ...)' });
    }
  });
export type DeviceProfile = z.infer<typeof deviceProfileSchema>;
export type DeviceProfileInput = z.input<typeof deviceProfileSchema>;

/** What a firmware bridge hands to the normaliser: named numeric fields of one frame. */
export const decodedFrameSchema = z.strictObject({
  fields: z.record(z.string(), z.number()),
  /** When the frame was received (UTC); the observation time of its readings. */
  ts: z.date(),
});
export type DecodedFrame = z.infer<typeof decodedFrameSchema>;
