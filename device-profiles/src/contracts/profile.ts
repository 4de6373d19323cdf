import { z } from 'zod';
import { MAX_SCHEDULE_STEPS, type CommandAction } from './commands.ts';
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

/** A dotted path into a JSON document: `occupancy`, `line.in`, `lines.0.in` (a number indexes an array). */
const jsonPathSchema = z
  .string()
  .regex(/^[^.\s]+(\.[^.\s]+)*$/, 'dot-separated keys, e.g. line.in or lines.0.in');

/**
 * How a message payload (MQTT, LoRaWAN uplink) becomes a decoded frame, for
 * devices that have no firmware bridge:
 * - `json`: one JSON object per message; `fields` maps each frame field to the
 *   path holding its number; `timestamp` (optional) says where the observation
 *   time is, else the receive time is used.
 * - `senml`: a SenML pack (RFC 8428, JSON); each record's name (`n`) is the
 *   frame field, its unit is converted to the channel's unit.
 * - `codec`: binary payload decoded by a registered payload codec
 *   (device-profiles/src/codecs), e.g. a LoRaWAN FRMPayload.
 */
export const payloadFormatSchema = z.discriminatedUnion('format', [
  z.strictObject({
    format: z.literal('json'),
    fields: z.record(z.string().min(1), jsonPathSchema),
    timestamp: z
      .strictObject({ path: jsonPathSchema, encoding: z.enum(['iso8601', 'unix_s', 'unix_ms']) })
      .optional(),
  }),
  z.strictObject({ format: z.literal('senml') }),
  z.strictObject({ format: z.literal('codec'), codec: idSchema }),
]);
export type PayloadFormat = z.infer<typeof payloadFormatSchema>;

export const serialSettingsSchema = z.strictObject({
  baud_rate: z.number().int().positive(),
  data_bits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stop_bits: z.union([z.literal(1), z.literal(2)]).default(1),
});

/**
 * Where a Modbus device keeps the fields its channels read: one register (or
 * register pair) per decoded field. Types and word order follow
 * firmware-bridges/src/modbus/values.ts; `phase` marks a per-phase register of
 * a polyphase meter (see modbusMapSchema).
 */
export const modbusRegisterSchema = z.strictObject({
  field: z.string().min(1),
  /** 0-based register address on the wire (register number 30001 → address 0). */
  address: z.number().int().min(0).max(0xffff),
  type: z.enum(['uint16', 'int16', 'uint32', 'int32', 'float32']),
  /** Order of the two words of a 32-bit value: `big` = high word first. */
  word_order: z.enum(['big', 'little']).default('big'),
  scale: z.number().default(1),
  /**
   * Phase (1-3) this register belongs to. A bus device configured with `phase: N`
   * reads the registers of phase N; one without a phase reads the untagged
   * (whole-meter) registers. Readings have no phase tag, so each phase is its
   * own registry device (e.g. `meter-01-l1`).
   */
  phase: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
});

const holdingRegisterSchema = z.number().int().min(0).max(0xffff);

/**
 * Holding registers through which a Modbus device takes commands (see
 * commands.ts). Each is written (function 06, or 16 for a schedule) and then
 * read back (function 03) to confirm:
 * - `dim`: one register, the level in percent;
 * - `switch`: one register, 1 = on, 0 = off;
 * - `schedule`: `1 + 2 * max_steps` registers from `register`: the number of
 *   steps, then per step the minute of the day (0-1439) and the level;
 *   unused steps are written as zeros.
 */
export const modbusCommandMapSchema = z.strictObject({
  dim: z.strictObject({ register: holdingRegisterSchema }).optional(),
  switch: z.strictObject({ register: holdingRegisterSchema }).optional(),
  schedule: z.strictObject({ register: holdingRegisterSchema, max_steps: z.number().int().min(1).max(MAX_SCHEDULE_STEPS) }).optional(),
});
export type ModbusCommandMap = z.infer<typeof modbusCommandMapSchema>;

/** Register map of a Modbus device (transport modbus_rtu / modbus_tcp). */
export const modbusMapSchema = z.strictObject({
  /** `input` = function 04 (read input registers), `holding` = function 03. */
  function: z.enum(['input', 'holding']),
  /** Most registers one request may read (≤ 125, the protocol limit); a device with a small buffer needs less. */
  max_block: z.number().int().min(1).max(125).default(125),
  registers: z.array(modbusRegisterSchema).min(1),
  /** The commands the device takes, and where; absent for read-only devices. */
  commands: modbusCommandMapSchema.optional(),
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
    /** Register map; required by the modbus_rtu and modbus_tcp transports. */
    modbus: modbusMapSchema.optional(),
    /** How message payloads become frames (transports `mqtt` and `lorawan`); see payloadFormatSchema. */
    payload: payloadFormatSchema.optional(),
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
    if ((p.transport === 'modbus_rtu' || p.transport === 'modbus_tcp') && !p.modbus) {
      ctx.addIssue({ code: 'custom', path: ['modbus'], message: 'a Modbus device profile needs a `modbus` register map' });
    }
    if (p.transport === 'serial' && !p.serial) {
      ctx.addIssue({ code: 'custom', path: ['serial'], message: 'a serial device profile needs `serial` settings (baud_rate ...)' });
    }
  });
export type DeviceProfile = z.infer<typeof deviceProfileSchema>;

/** The commands a device of this profile takes (none for a read-only sensor). */
export function profileCommands(profile: DeviceProfile): CommandAction[] {
  const map = profile.modbus?.commands ?? {};
  return (['dim', 'switch', 'schedule'] as const).filter((action) => map[action] !== undefined);
}
export type DeviceProfileInput = z.input<typeof deviceProfileSchema>;

/** What a firmware bridge hands to the normaliser: named numeric fields of one frame. */
export const decodedFrameSchema = z.strictObject({
  fields: z.record(z.string(), z.number()),
  /** When the frame was received (UTC); the observation time of its readings. */
  ts: z.date(),
});
export type DecodedFrame = z.infer<typeof decodedFrameSchema>;
