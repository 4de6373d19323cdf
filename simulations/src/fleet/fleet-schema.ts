import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { deviceIdSchema, gatewayIdSchema, idSchema } from '@zenne/device-profiles';
import { simErrors } from '../errors.ts';

export const fleetDeviceSchema = z.strictObject({
  id: deviceIdSchema,
  /** Virtual device kind (simulations/src/devices/registry.ts), e.g. `sds011`. */
  kind: z.string().min(1),
  name: z.string().min(1),
  /** UrbIS STRNAMEFRE of the street the sensor stands on. */
  street: z.string().min(1),
  /** UrbIS STRNAMEDUT of the same street. */
  street_nl: z.string().min(1),
  /** WGS84; `height` in metres above the ground (lamp-post mount). */
  location: z.strictObject({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90), height: z.number() }),
  /** The same point in Lambert 72 (EPSG:31370), as placed on the UrbIS centre line. */
  lambert72: z.strictObject({ x: z.number(), y: z.number() }),
  /** Where in the replayed 14-day series this sensor runs (simulations/src/replay/time-shift.ts). */
  replay: z.strictObject({ phase_days: z.number().int().min(0), phase_minutes: z.number().int().min(0).max(59) }),
});
export type FleetDevice = z.infer<typeof fleetDeviceSchema>;

export const fleetGatewaySchema = z.strictObject({
  id: gatewayIdSchema,
  name: z.string().min(1),
  devices: z.array(fleetDeviceSchema).min(1),
});
export type FleetGateway = z.infer<typeof fleetGatewaySchema>;

export const fleetSchema = z
  .strictObject({
    site: z.strictObject({ id: idSchema, name: z.string().min(1) }),
    gateways: z.array(fleetGatewaySchema).min(1),
  })
  .superRefine((fleet, ctx) => {
    const seen = new Set<string>();
    for (const [g, gateway] of fleet.gateways.entries()) {
      for (const [d, device] of gateway.devices.entries()) {
        if (seen.has(device.id)) {
          ctx.addIssue({ code: 'custom', path: ['gateways', g, 'devices', d, 'id'], message: `device id ${device.id} appears twice` });
        }
        seen.add(device.id);
      }
    }
  });
export type Fleet = z.infer<typeof fleetSchema>;

/** The committed demo fleet. */
export const BRUSSELS_DEMO_FLEET = new URL('../../fleet/brussels-demo.yaml', import.meta.url).pathname;

/** Reads and validates a fleet YAML file. Throws `ZENNE_ERR_SIM_FLEET_INVALID` naming the field. */
export function loadFleet(file: string = BRUSSELS_DEMO_FLEET): Fleet {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw simErrors.FLEET_INVALID({ file, reason: (cause as Error).message }, { cause });
  }
  const parsed = fleetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw simErrors.FLEET_INVALID({ file, reason: `${issue.path.join('.')}: ${issue.message}` });
  }
  return parsed.data;
}
