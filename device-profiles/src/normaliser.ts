import type { ZenneError } from './contracts/errors.ts';
import { deviceIdSchema, scenarioIdSchema } from './contracts/ids.ts';
import type { DecodedFrame, DeviceProfile } from './contracts/profile.ts';
import type { ReadingDraft } from './contracts/reading.ts';
import { profileErrors } from './errors.ts';
import { createChannelQuality } from './quality.ts';
import { canonicalUnit, dropFloatNoise, toCanonical } from './units.ts';

export interface NormaliserOptions {
  /** Registry id of the device the frames come from. */
  device: string;
  /** Scenario id for simulated data; absent for real data. */
  scenario?: string;
}

export interface NormaliseResult {
  /** One draft per profile channel whose field is in the frame, in profile channel order. */
  readings: ReadingDraft[];
  /** Why a channel produced no reading (ZENNE_ERR_PROFILE_FRAME_*); count them by `code`, log `message`. */
  problems: ZenneError[];
}

export interface Normaliser {
  readonly profile: DeviceProfile;
  readonly device: string;
  /** Turns one decoded frame into readings; never throws on bad frames. */
  normalise(frame: DecodedFrame): NormaliseResult;
}

function checkedId(
  schema: typeof deviceIdSchema,
  field: 'device' | 'scenario',
  value: string,
  profile: DeviceProfile,
): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw profileErrors.NORMALISER_OPTIONS({ profile: profile.id, field, value, reason: parsed.error.issues[0]?.message });
  }
  return parsed.data;
}

/**
 * A normaliser turns a bridge's decoded frames into canonical ReadingDrafts for
 * one device: `(raw × scale + offset)` converted from the channel unit to the
 * quantity's canonical unit, stamped with the frame's time, judged by the
 * quality rules of src/quality.ts.
 *
 * Lifecycle: create one per device stream and feed it that device's frames in
 * arrival order; jump and stuck-value history is per channel and per instance,
 * so a new instance (e.g. after an agent restart) starts with no history.
 * Throws at creation (ZENNE_ERR_PROFILE_NORMALISER_OPTIONS, ZENNE_ERR_UNIT_*)
 * when the ids are invalid or a channel unit cannot express its quantity.
 *
 * A non-finite value gives a `bad` reading with reason `sensor_fault` and
 * value 0 (the contract requires a finite value; 0 carries no information).
 */
export function createNormaliser(profile: DeviceProfile, options: NormaliserOptions): Normaliser {
  const device = checkedId(deviceIdSchema, 'device', options.device, profile);
  const scenario =
    options.scenario === undefined ? undefined : checkedId(scenarioIdSchema, 'scenario', options.scenario, profile);

  const channels = profile.channels.map((channel) => {
    const unit = canonicalUnit(channel.quantity);
    // Fails here, not per frame, when the unit cannot express the quantity.
    toCanonical(0, channel.unit, channel.quantity);
    return { channel, unit, quality: createChannelQuality(channel) };
  });

  return {
    profile,
    device,
    normalise(frame) {
      const readings: ReadingDraft[] = [];
      const problems: ZenneError[] = [];
      if (!(frame.ts instanceof Date) || Number.isNaN(frame.ts.getTime())) {
        problems.push(profileErrors.FRAME_BAD_TIMESTAMP({ device, profile: profile.id }));
        return { readings, problems };
      }
      const ts = frame.ts.toISOString();
      const fields: Record<string, unknown> = typeof frame.fields === 'object' && frame.fields !== null ? frame.fields : {};

      for (const { channel, unit, quality } of channels) {
        if (!Object.hasOwn(fields, channel.field)) {
          problems.push(
            profileErrors.FRAME_FIELD_MISSING({
              device,
              field: channel.field,
              quantity: channel.quantity,
              profile: profile.id,
              bridge: profile.bridge,
              present: Object.keys(fields).sort().join(', ') || '(none)',
            }),
          );
          continue;
        }
        const raw = fields[channel.field];
        const scaled = typeof raw === 'number' ? dropFloatNoise(raw * channel.scale + channel.offset) : Number.NaN;
        const value = toCanonical(scaled, channel.unit, channel.quantity);
        const { quality: verdict, reasons } = quality.assess(value);

        const reading: ReadingDraft = {
          device,
          quantity: channel.quantity,
          value: Number.isFinite(value) ? value : 0,
          unit,
          ts,
          quality: verdict,
        };
        if (reasons.length > 0) reading.reasons = reasons;
        if (scenario !== undefined) reading.scenario = scenario;
        readings.push(reading);
      }
      return { readings, problems };
    },
  };
}
