import { z } from 'zod';

/**
 * Keys of a source that reads from an MQTT broker on the gateway's LAN
 * (`mqtt`, `lorawan`). A kind spreads this into its strict zod object.
 */
export const brokerShape = {
  /** mqtt://host:1883, mqtts://host:8883, ws://... */
  url: z.string().regex(/^(mqtts?|wss?):\/\/[^/\s]+/, 'an MQTT URL such as mqtt://192.168.1.10:1883 or mqtts://broker.lan:8883'),
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  /** Default `zenne-<source id>`; must be unique on the broker (a second client with the same id disconnects the first). */
  client_id: z.string().min(1).max(64).optional(),
  /**
   * false (default): a persistent session, so the broker keeps QoS 1 messages
   * while the agent restarts and the source acknowledges each message only after
   * its readings are in the durable buffer.
   */
  clean_session: z.boolean().default(false),
};

export interface BrokerOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  client_id?: string | undefined;
  clean_session: boolean;
}
