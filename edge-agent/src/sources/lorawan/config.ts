import { z } from 'zod';
import { deviceIdSchema, idSchema } from '@zenne/device-profiles';
import { brokerShape } from '../mqtt/broker-config.ts';

/** One end device of the application: how the network server names it, and what Zenne calls it. */
export const lorawanDeviceSchema = z
  .strictObject({
    /** DevEUI, 16 hex digits (as printed on the device label). */
    dev_eui: z.string().regex(/^[0-9A-Fa-f]{16}$/, '16 hex digits, e.g. A81758FFFE0312AB').optional(),
    /** The Things Stack end device id (the topic level), when the uplink carries no DevEUI (e.g. ABP devices). */
    device_id: z.string().min(1).optional(),
    device: deviceIdSchema,
    profile: idSchema,
  })
  .refine((d) => d.dev_eui !== undefined || d.device_id !== undefined, { message: 'give `dev_eui` (or, for The Things Stack, `device_id`)' });

/**
 * Uplinks of one LoRaWAN application, from the network server's MQTT
 * integration: The Things Stack v3 (`tts_v3`) or ChirpStack v4 (`chirpstack_v4`,
 * JSON marshaler).
 */
export const lorawanSourceConfigSchema = z.strictObject({
  id: idSchema,
  kind: z.literal('lorawan'),
  network_server: z.enum(['tts_v3', 'chirpstack_v4']),
  ...brokerShape,
  /** TTS: `{application id}@{tenant id}` (`my-app@ttn` on The Things Network); ChirpStack: the application id (UUID). */
  application: z.string().regex(/^[^/+#\s]+$/, 'the application id, without "/", "+" or "#"'),
  devices: z.array(lorawanDeviceSchema).min(1),
});
export type LorawanSourceConfig = z.infer<typeof lorawanSourceConfigSchema>;
