import type { Channel, DeviceProfile } from '@zenne/device-profiles';
import { agentErrors } from '../../errors.ts';
import type { MqttSourceConfig } from './config.ts';
import { decodeJsonPayload } from './json-payload.ts';
import type { DecodedMessage, DeviceFrame, MessageDecoder } from './message-source.ts';
import { messageProfile } from './profile-check.ts';
import { resolveSenml, senmlValueIn } from './senml.ts';
import { compileTopicPattern, type TopicPattern } from './topic-pattern.ts';

interface Route {
  pattern: TopicPattern;
  profile: DeviceProfile;
  device: string | undefined;
  allowed: ReadonlySet<string> | undefined;
}

/**
 * Decodes the messages of an `mqtt` source: finds the subscription whose topic
 * matches (in config order), the device (fixed or from the topic), and reads
 * the payload with the profile's JSON mapping or as SenML.
 */
export function createMqttDecoder(config: MqttSourceConfig): MessageDecoder {
  const routes: Route[] = config.subscriptions.map((s) => ({
    pattern: compileTopicPattern(s.topic),
    profile: messageProfile(s.profile, 'mqtt', config.id),
    device: s.device,
    allowed: s.devices ? new Set(s.devices) : undefined,
  }));

  function reject(kind: string, topic: string, profile: string, reason: string): DecodedMessage {
    return { frames: [], rejections: [{ kind, error: agentErrors.MQTT_PAYLOAD_INVALID({ topic, source: config.id, profile, kind, reason }) }] };
  }

  function senmlFrames(topic: string, payload: Buffer, device: string, profile: DeviceProfile, receivedAt: Date): DecodedMessage {
    const resolved = resolveSenml(payload, receivedAt);
    if (!resolved.ok) return reject('bad_senml', topic, profile.id, resolved.reason);
    const channels = new Map<string, Channel>(profile.channels.map((c) => [c.field, c]));
    // Map(epoch ms -> fields): records of one time make one frame (RFC 8428 §4.5.3 resolved time).
    const byTime = new Map<number, Record<string, number>>();
    const rejections: DecodedMessage['rejections'] = [];
    for (const record of resolved.records) {
      const channel = channels.get(record.field);
      if (!channel) continue;
      const converted = senmlValueIn(record, channel);
      if (!converted.ok) {
        rejections.push({ kind: 'bad_unit', error: agentErrors.MQTT_PAYLOAD_INVALID({ topic, source: config.id, profile: profile.id, kind: 'bad_unit', reason: converted.reason }) });
        continue;
      }
      const ms = Math.round(record.time * 1000);
      const fields = byTime.get(ms) ?? {};
      fields[record.field] = converted.value;
      byTime.set(ms, fields);
    }
    const frames: DeviceFrame[] = [...byTime.entries()]
      .sort(([a], [b]) => a - b)
      .map(([ms, fields]) => ({ device, profile, frame: { fields, ts: new Date(ms) } }));
    if (frames.length === 0 && rejections.length === 0) {
      const names = resolved.records.map((r) => r.field).join(', ') || '(no numeric record)';
      return reject('bad_senml', topic, profile.id, `no record names a field of profile ${profile.id} (${[...channels.keys()].join(', ')}); the pack has ${names}`);
    }
    return { frames, rejections };
  }

  return {
    filters: routes.map((r) => r.pattern.filter),
    decode(topic, payload, receivedAt) {
      let route: Route | undefined;
      let device: string | undefined;
      for (const candidate of routes) {
        const match = candidate.pattern.match(topic);
        if (match) {
          route = candidate;
          device = candidate.device ?? match.device;
          break;
        }
      }
      if (!route) return reject('unmatched_topic', topic, '-', 'no subscription of this source matches the topic (left over from an earlier config in the persistent session?)');
      const profile = route.profile;
      if (route.allowed && !route.allowed.has(device!)) {
        return reject('unknown_device', topic, profile.id, `"${device}" is not one of the devices listed for this topic (${[...route.allowed].join(', ')})`);
      }
      const format = profile.payload!;
      if (format.format === 'senml') return senmlFrames(topic, payload, device!, profile, receivedAt);
      if (format.format !== 'json') return reject('bad_json', topic, profile.id, `profile payload format ${format.format} is not read by an mqtt source`);
      const decoded = decodeJsonPayload(payload, format, receivedAt);
      if (!decoded.ok) return reject(decoded.kind, topic, profile.id, decoded.reason);
      return { frames: [{ device: device!, profile, frame: { fields: decoded.fields, ts: decoded.ts } }], rejections: [] };
    },
  };
}
