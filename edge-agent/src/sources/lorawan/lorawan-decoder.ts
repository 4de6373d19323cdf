import { findCodec, type DeviceProfile, type PayloadCodec } from '@zenne/device-profiles';
import { agentErrors } from '../../errors.ts';
import type { DecodedMessage, MessageDecoder } from '../mqtt/message-source.ts';
import { messageProfile } from '../mqtt/profile-check.ts';
import type { LorawanSourceConfig } from './config.ts';
import { uplinkFormats } from './uplink-formats.ts';

interface Target {
  device: string;
  profile: DeviceProfile;
  codec: PayloadCodec;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes the uplinks of a `lorawan` source: parses the network server's
 * message, finds the device by DevEUI (or TTS device id), decodes the
 * FRMPayload with the codec of the device's profile. The observation time is
 * when the network server received the uplink (TTS `uplink_message.received_at`,
 * ChirpStack `time`), else when the source got the message.
 */
export function createLorawanDecoder(config: LorawanSourceConfig): MessageDecoder {
  const format = uplinkFormats[config.network_server];
  // Map(upper-case DevEUI -> target) and Map(TTS device id -> target)
  const byEui = new Map<string, Target>();
  const byDeviceId = new Map<string, Target>();
  for (const d of config.devices) {
    const profile = messageProfile(d.profile, 'lorawan', config.id);
    const codec = findCodec((profile.payload as { codec: string }).codec)!;
    const target = { device: d.device, profile, codec };
    if (d.dev_eui) byEui.set(d.dev_eui.toUpperCase(), target);
    if (d.device_id) byDeviceId.set(d.device_id, target);
  }

  function reject(topic: string, kind: string, reason: string): DecodedMessage {
    return { frames: [], rejections: [{ kind, error: agentErrors.LORAWAN_UPLINK_INVALID({ topic, source: config.id, kind, reason }) }] };
  }

  return {
    filters: [format.topic(config.application)],
    decode(topic, payload, receivedAt) {
      let document: unknown;
      try {
        document = JSON.parse(payload.toString('utf8'));
      } catch (err) {
        return reject(topic, 'bad_uplink', `not JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
      const parsed = format.parse(document);
      if (!parsed.ok) return reject(topic, 'bad_uplink', parsed.reason);
      const up = parsed.uplink;
      const target = (up.devEui && byEui.get(up.devEui.toUpperCase())) || (up.deviceId && byDeviceId.get(up.deviceId)) || undefined;
      if (!target) {
        return reject(topic, 'unknown_device', `DevEUI ${up.devEui ?? '(none)'}${up.deviceId ? `, device id ${up.deviceId}` : ''} is not in \`devices\``);
      }
      // A frame without application payload (MAC commands only, port 0) carries no measurement.
      if (up.payload === undefined || up.fPort === undefined || up.fPort === 0) return { frames: [], rejections: [] };
      if (!BASE64.test(up.payload)) return reject(topic, 'bad_payload', `payload of ${target.device} is not base64: ${JSON.stringify(up.payload.slice(0, 40))}`);
      const bytes = Buffer.from(up.payload, 'base64');
      const decoded = target.codec.decode(bytes, up.fPort);
      if (!decoded.ok) {
        return reject(topic, 'codec', `codec ${target.codec.id} could not decode ${target.device} (f_port ${up.fPort}, ${bytes.toString('hex').toUpperCase()}): ${decoded.reason}`);
      }
      const networkTime = up.receivedAt === undefined ? Number.NaN : Date.parse(up.receivedAt);
      const ts = Number.isNaN(networkTime) ? receivedAt : new Date(networkTime);
      return { frames: [{ device: target.device, profile: target.profile, frame: { fields: decoded.fields, ts } }], rejections: [] };
    },
  };
}
