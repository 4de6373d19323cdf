import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROFILES_DIR,
  QUANTITIES,
  convert,
  createNormaliser,
  listProfileIds,
  loadProfileFile,
  readingDraftSchema,
  type Channel,
  type DeviceProfile,
} from '../src/index.ts';

// Every file in profiles/ falls under this suite without being registered anywhere.
const files = readdirSync(DEFAULT_PROFILES_DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();

/** The frame field value that normalises to `canonical` through this channel. */
function rawFor(channel: Channel, canonical: number): number {
  return (convert(canonical, QUANTITIES[channel.quantity].unit, channel.unit) - channel.offset) / channel.scale;
}

function frameAt(profile: DeviceProfile, pick: (c: Channel) => number) {
  const fields = Object.fromEntries(profile.channels.map((c) => [c.field, rawFor(c, pick(c))]));
  return { fields, ts: new Date('2026-01-01T00:00:00.000Z') };
}

it('ships the SDS011 and PMS5003 profiles', () => {
  expect(files).toEqual(expect.arrayContaining(['nova-sds011.yaml', 'plantower-pms5003.yaml']));
});

describe.each(files)('profile %s', (file) => {
  const load = () => loadProfileFile(join(DEFAULT_PROFILES_DIR, file));

  it('validates: schema, units convertible to canonical, plausible inside valid, id = file name', () => {
    expect(load).not.toThrow();
  });

  it('says where its numbers come from and is listed', () => {
    const profile = load();
    expect(profile.reference?.trim()).toBeTruthy();
    expect(listProfileIds()).toContain(profile.id);
  });

  it('normalises a frame in the middle of every plausible range to good canonical readings', () => {
    const profile = load();
    const normaliser = createNormaliser(profile, { device: 'contract-device' });
    const { readings, problems } = normaliser.normalise(frameAt(profile, (c) => (c.plausible.min + c.plausible.max) / 2));
    expect(problems).toEqual([]);
    expect(readings.map((r) => r.quantity)).toEqual(profile.channels.map((c) => c.quantity));
    for (const reading of readings) {
      expect(readingDraftSchema.parse(reading)).toMatchObject({ quality: 'good', unit: QUANTITIES[reading.quantity].unit });
    }
  });

  it('marks values beyond the valid range bad', () => {
    const profile = load();
    const normaliser = createNormaliser(profile, { device: 'contract-device' });
    const { readings } = normaliser.normalise(frameAt(profile, (c) => c.valid.max + Math.max(1, c.valid.max - c.valid.min)));
    for (const reading of readings) {
      expect(readingDraftSchema.parse(reading)).toMatchObject({ quality: 'bad', reasons: ['out_of_valid_range'] });
    }
  });
});
