import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { deviceIdSchema, gatewayIdSchema, minuteOfDay, scheduleStepsSchema } from '@zenne/device-profiles';
import { LampControllerServer } from '../devices/lamp-controller/index.ts';
import { simErrors } from '../errors.ts';
import { centralBrusselsLampPosts, type LampPost } from '../fleet/lamp-posts.ts';

const LAMP_PROFILE = 'generic-modbus-lamp-controller';
/** Modbus unit ids 1-247 (Modbus over Serial Line §2.2): one segment controller holds that many luminaires at most. */
const MAX_UNITS = 247;

export const lightingConfigSchema = z.strictObject({
  gateway: gatewayIdSchema,
  name: z.string().min(1),
  schedule: scheduleStepsSchema,
  faults: z.array(z.strictObject({ lamp: deviceIdSchema, fault: z.enum(['lamp', 'lantern', 'column']) })).default([]),
});
export type LightingConfig = z.infer<typeof lightingConfigSchema>;

/** The committed demo lighting. */
export const BRUSSELS_DEMO_LIGHTING = new URL('../../fleet/brussels-lighting.yaml', import.meta.url).pathname;

/** The lighting config and its lamps (placed from the UrbIS axes), unit id = position + 1. */
export interface DemoLighting {
  config: LightingConfig;
  lamps: LampPost[];
}

/** Reads the lighting file and places its lamps. Throws `ZENNE_ERR_SIM_FLEET_INVALID` naming the field. */
export function loadLighting(file: string = BRUSSELS_DEMO_LIGHTING): DemoLighting {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw simErrors.FLEET_INVALID({ file, reason: (cause as Error).message }, { cause });
  }
  const parsed = lightingConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw simErrors.FLEET_INVALID({ file, reason: `${issue.path.join('.')}: ${issue.message}` });
  }
  const lamps = centralBrusselsLampPosts();
  if (lamps.length > MAX_UNITS) {
    throw simErrors.FLEET_INVALID({ file, reason: `${lamps.length} lamp posts, but one segment controller holds at most ${MAX_UNITS} (Modbus unit ids)` });
  }
  const unknown = parsed.data.faults.find((f) => !lamps.some((l) => l.id === f.lamp));
  if (unknown) throw simErrors.FLEET_INVALID({ file, reason: `faults: no lamp ${unknown.lamp} among the placed lamp posts` });
  return { config: parsed.data, lamps };
}

/** Registry devices of the lamps (cloud seed file). */
export function lampSeedDevices(lighting: DemoLighting, site: string) {
  return lighting.lamps.map((lamp) => ({
    id: lamp.id,
    gateway: lighting.config.gateway,
    profile: LAMP_PROFILE,
    name: lamp.name,
    site,
    street: lamp.street,
    location: lamp.location,
    tags: { street_nl: lamp.street_nl, lamp_group: lamp.lamp_group, simulated: 'virtual luminaire controller on Modbus TCP' },
  }));
}

/** The agent source reading every lamp from the segment controller at `port`. */
export function lampSource(lighting: DemoLighting, port: number) {
  return {
    id: 'segment-controller',
    kind: 'modbus_tcp',
    host: '127.0.0.1',
    port,
    devices: lighting.lamps.map((lamp, i) => ({ device: lamp.id, profile: LAMP_PROFILE, unit_id: i + 1, poll_period_s: 60 })),
  };
}

/**
 * The segment controller of the demo: one luminaire per lamp post, the
 * config's nightly schedule written into each (the step in force applies at
 * once), the configured faults set.
 */
export async function startStreetLights(lighting: DemoLighting): Promise<{ server: LampControllerServer; port: number }> {
  const server = new LampControllerServer();
  const words = [lighting.config.schedule.length, ...lighting.config.schedule.flatMap((s) => [minuteOfDay(s.at), s.level])];
  lighting.lamps.forEach((lamp, i) => {
    const luminaire = server.add(i + 1);
    luminaire.write(16, words);
    for (const f of lighting.config.faults) if (f.lamp === lamp.id) luminaire.setFault(f.fault, true);
  });
  return { server, port: await server.listen() };
}
