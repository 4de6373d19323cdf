import { z } from 'zod';
import { deviceIdSchema, idSchema } from '@zenne/device-profiles';
import { brokerShape } from './broker-config.ts';
import { topicPatternSchema } from './topic-pattern.ts';

/**
 * One topic (filter) on the local broker and how its messages become readings:
 * the profile says the payload format (JSON mapping or SenML); the device is
 * fixed (`device`) or taken from the topic's `{device}` level.
 */
export const mqttSubscriptionSchema = z
  .strictObject({
    topic: topicPatternSchema,
    profile: idSchema,
    device: deviceIdSchema.optional(),
    /** With `{device}`: the device ids the topic level may take (others are counted as `unknown_device`); each must be registered in the cloud. */
    devices: z.array(deviceIdSchema).min(1).optional(),
  })
  .superRefine((s, ctx) => {
    const fromTopic = s.topic.split('/').includes('{device}');
    if (fromTopic && s.device !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['device'], message: 'the topic names the device with {device}: remove `device` or the {device} level' });
    }
    if (!fromTopic && s.device === undefined) {
      ctx.addIssue({ code: 'custom', path: ['device'], message: 'say which device publishes here: `device: <id>`, or a {device} level in the topic' });
    }
    if (fromTopic && s.devices === undefined) {
      ctx.addIssue({ code: 'custom', path: ['devices'], message: 'list the device ids the {device} level may take: `devices: [id, ...]`' });
    }
    if (!fromTopic && s.devices !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['devices'], message: '`devices` lists the ids a {device} topic level may take; this topic has none' });
    }
  });

/** Sensors publishing JSON or SenML on an MQTT broker on the gateway's LAN. */
export const mqttSourceConfigSchema = z.strictObject({
  id: idSchema,
  kind: z.literal('mqtt'),
  ...brokerShape,
  subscriptions: z.array(mqttSubscriptionSchema).min(1),
});
export type MqttSourceConfig = z.infer<typeof mqttSourceConfigSchema>;
export type MqttSubscription = z.infer<typeof mqttSubscriptionSchema>;
