import { z } from 'zod';

/** What the source needs of one uplink, whichever network server sent it. */
export interface Uplink {
  devEui: string | undefined;
  deviceId: string | undefined;
  /** undefined: no application payload (a MAC-only frame on port 0). */
  fPort: number | undefined;
  /** base64 FRMPayload as sent by the server. */
  payload: string | undefined;
  /** When the network received it; the observation time of its readings. */
  receivedAt: string | undefined;
}

export interface UplinkFormat {
  /** Topic filter of the application's uplinks. */
  topic(application: string): string;
  parse(document: unknown): { ok: true; uplink: Uplink } | { ok: false; reason: string };
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || '(message)'}: ${issue.message}`;
}

// The Things Stack v3, "Data Formats" > "Uplink Messages" (thethingsindustries.com/docs/integrations/data-formats/).
// Empty fields (0, "", false) are omitted by the server, so f_port and frm_payload may be absent.
const ttsUplinkSchema = z.looseObject({
  end_device_ids: z.looseObject({ device_id: z.string().min(1), dev_eui: z.string().optional() }),
  received_at: z.string().optional(),
  uplink_message: z.looseObject({
    f_port: z.number().int().min(0).max(255).optional(),
    frm_payload: z.string().optional(),
    received_at: z.string().optional(),
    rx_metadata: z.array(z.looseObject({ time: z.string().optional() })).optional(),
  }),
});

// ChirpStack v4 integration event "up", JSON marshaler (chirpstack api/proto/integration/integration.proto, UplinkEvent).
const chirpstackUplinkSchema = z.looseObject({
  time: z.string().optional(),
  deviceInfo: z.looseObject({ devEui: z.string(), deviceName: z.string().optional() }),
  fPort: z.number().int().min(0).max(255).optional(),
  data: z.string().optional(),
});

export const uplinkFormats: Record<'tts_v3' | 'chirpstack_v4', UplinkFormat> = {
  tts_v3: {
    // v3/{application id}@{tenant id}/devices/{device id}/up
    topic: (application) => `v3/${application}/devices/+/up`,
    parse(document) {
      const parsed = ttsUplinkSchema.safeParse(document);
      if (!parsed.success) return { ok: false, reason: `not a The Things Stack v3 uplink: ${firstIssue(parsed.error)}` };
      const { end_device_ids: ids, uplink_message: up } = parsed.data;
      return {
        ok: true,
        uplink: {
          devEui: ids.dev_eui,
          deviceId: ids.device_id,
          fPort: up.frm_payload === undefined ? undefined : (up.f_port ?? 0),
          payload: up.frm_payload,
          // Network server reception, else the first gateway's (GPS) time, else the application server's.
          receivedAt: up.received_at ?? up.rx_metadata?.find((m) => m.time)?.time ?? parsed.data.received_at,
        },
      };
    },
  },
  chirpstack_v4: {
    // application/{application id}/device/{dev eui}/event/up
    topic: (application) => `application/${application}/device/+/event/up`,
    parse(document) {
      const parsed = chirpstackUplinkSchema.safeParse(document);
      if (!parsed.success) return { ok: false, reason: `not a ChirpStack v4 uplink event: ${firstIssue(parsed.error)}` };
      const up = parsed.data;
      return {
        ok: true,
        uplink: {
          devEui: up.deviceInfo.devEui,
          deviceId: undefined,
          fPort: up.data === undefined ? undefined : (up.fPort ?? 0),
          payload: up.data,
          receivedAt: up.time,
        },
      };
    },
  },
};
