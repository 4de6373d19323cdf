import { describe, expect, it } from 'vitest';
import {
  createNormaliser,
  deviceProfileSchema,
  getProfile,
  profileErrors,
  readingDraftSchema,
  readingSchema,
  unitErrors,
  type DecodedFrame,
  type DeviceProfile,
  type Normaliser,
  type ReadingDraft,
} from '../src/index.ts';
import { capturedFrames } from './support/captured.ts';

const sds011 = getProfile('nova-sds011');
const pms5003 = getProfile('plantower-pms5003');
const T0 = new Date('2020-09-27T18:11:20.000Z');

/** SDS011 protocol V1.3 §3.2 example reply `AA C0 D4 04 3A 0A A1 60 1D AB`, decoded. */
const PROTOCOL_EXAMPLE = { pm2_5: 123.6, pm10: 261.8 };
/** What an SDS011 frame with all-ones data bytes (0xFFFF / 10) decodes to. */
const ALL_ONES = 6553.5;

function withChannels(profile: DeviceProfile, patch: Partial<DeviceProfile['channels'][number]>): DeviceProfile {
  return { ...profile, channels: profile.channels.map((c) => ({ ...c, ...patch })) };
}

function frame(fields: Record<string, number>, seconds = 0): DecodedFrame {
  return { fields, ts: new Date(T0.getTime() + seconds * 1000) };
}

/** Normalises frames in order; every draft must satisfy the contract. Returns drafts of one quantity. */
function feed(normaliser: Normaliser, frames: DecodedFrame[], quantity = 'pm2_5'): ReadingDraft[] {
  const out: ReadingDraft[] = [];
  for (const f of frames) {
    for (const reading of normaliser.normalise(f).readings) {
      expect(readingDraftSchema.safeParse(reading).success, JSON.stringify(reading)).toBe(true);
      if (reading.quantity === quantity) out.push(reading);
    }
  }
  return out;
}

const pm = (...values: number[]) => values.map((v, i) => frame({ pm2_5: v, pm10: v }, i));

describe('normaliser on real captures', () => {
  it('turns the SDS011 capture into good readings stamped with the frame time', () => {
    const frames = capturedFrames('SDS01x.csv');
    const n = createNormaliser(sds011, { device: 'aq-monnaie-01' });
    const readings = feed(n, frames);
    expect(readings.map((r) => r.value)).toEqual(frames.map((f) => f.fields.pm2_5));
    expect(readings.every((r) => r.quality === 'good' && r.reasons === undefined)).toBe(true);
    expect(readings[0]).toEqual({
      device: 'aq-monnaie-01',
      quantity: 'pm2_5',
      value: 0.6,
      unit: 'ug/m3',
      ts: '2020-09-27T18:11:20.000Z',
      quality: 'good',
    });
  });

  it('reads the PMS5003 atmospheric fields, not the CF=1 ones', () => {
    const frames = capturedFrames('PMSx003.csv');
    const n = createNormaliser(pms5003, { device: 'aq-bourse-02' });
    const { readings } = n.normalise(frames[0]!);
    expect(readings.map((r) => [r.quantity, r.value, r.quality])).toEqual([
      ['pm1', frames[0]!.fields.pm1, 'good'],
      ['pm2_5', frames[0]!.fields.pm2_5, 'good'],
      ['pm10', frames[0]!.fields.pm10, 'good'],
    ]);
  });
});

describe('quality rules', () => {
  it('stuck_value: flags the stuck_after-th identical value and restarts the count on change', () => {
    // SDS01x.csv: 0.6, then 0.9 six times, then 0.8 three times.
    const n = createNormaliser(withChannels(sds011, { stuck_after: 3 }), { device: 'aq-1' });
    const readings = feed(n, capturedFrames('SDS01x.csv'));
    expect(readings.map((r) => `${r.value}:${r.quality}`)).toEqual([
      '0.6:good',
      '0.9:good',
      '0.9:good',
      '0.9:suspect',
      '0.9:suspect',
      '0.9:suspect',
      '0.9:suspect',
      '0.8:good',
      '0.8:good',
      '0.8:suspect',
    ]);
    expect(readings[3]!.reasons).toEqual(['stuck_value']);
  });

  it('implausible_jump: flags a step larger than max_step, per channel', () => {
    const n = createNormaliser(sds011, { device: 'aq-1' });
    const first = n.normalise(frame({ pm2_5: 0.9, pm10: 0.9 })).readings;
    expect(first.every((r) => r.quality === 'good')).toBe(true);

    // 0.9 → 123.6 (step 122.7 > 100) and 0.9 → 261.8 (step 260.9 > 150).
    const jumped = n.normalise(frame(PROTOCOL_EXAMPLE, 1)).readings;
    expect(jumped.map((r) => [r.quantity, r.quality, r.reasons])).toEqual([
      ['pm2_5', 'suspect', ['implausible_jump']],
      ['pm10', 'suspect', ['implausible_jump']],
    ]);

    // A suspect value becomes the new reference: staying up there is no further jump.
    const stayed = n.normalise(frame(PROTOCOL_EXAMPLE, 2)).readings;
    expect(stayed.every((r) => r.quality === 'good')).toBe(true);
  });

  it('a step of exactly max_step is not a jump', () => {
    const n = createNormaliser(sds011, { device: 'aq-1' });
    expect(feed(n, pm(0.9, 100.9)).map((r) => r.quality)).toEqual(['good', 'good']);
  });

  it('out_of_plausible_range: suspect above the plausible bound', () => {
    const n = createNormaliser(sds011, { device: 'aq-1' });
    const [, high] = feed(n, pm(280, 310));
    expect(high).toMatchObject({ value: 310, quality: 'suspect', reasons: ['out_of_plausible_range'] });
  });

  it('out_of_valid_range: bad, and a bad value is not the reference for jumps', () => {
    const n = createNormaliser(sds011, { device: 'aq-1' });
    const readings = feed(n, pm(0.9, ALL_ONES, 1.0));
    expect(readings.map((r) => [r.value, r.quality, r.reasons])).toEqual([
      [0.9, 'good', undefined],
      // Out of valid implies out of plausible; only the more severe reason is listed.
      [ALL_ONES, 'bad', ['out_of_valid_range', 'implausible_jump']],
      [1.0, 'good', undefined],
    ]);
  });

  it('several reasons: bad beats suspect, reasons ordered by severity', () => {
    const n = createNormaliser(withChannels(sds011, { stuck_after: 2 }), { device: 'aq-1' });
    const readings = feed(n, pm(ALL_ONES, ALL_ONES, 0.9, 350, 350));
    expect(readings.map((r) => [r.quality, r.reasons])).toEqual([
      ['bad', ['out_of_valid_range']],
      ['bad', ['out_of_valid_range', 'stuck_value']],
      ['good', undefined],
      ['suspect', ['out_of_plausible_range', 'implausible_jump']],
      ['suspect', ['out_of_plausible_range', 'stuck_value']],
    ]);
  });

  it('sensor_fault: non-finite values are bad, never NaN, and leave the history alone', () => {
    const n = createNormaliser(sds011, { device: 'aq-1' });
    const readings = feed(n, pm(0.9, Number.NaN, Number.POSITIVE_INFINITY, 1.0));
    expect(readings.map((r) => [r.value, r.quality, r.reasons])).toEqual([
      [0.9, 'good', undefined],
      [0, 'bad', ['sensor_fault']],
      [0, 'bad', ['sensor_fault']],
      [1.0, 'good', undefined],
    ]);
  });

  it('keeps history per normaliser instance', () => {
    const a = createNormaliser(sds011, { device: 'aq-a' });
    const b = createNormaliser(sds011, { device: 'aq-b' });
    feed(a, pm(0.9));
    // b has never seen 0.9, so 123.6 is its first value, not a jump.
    expect(feed(b, [frame(PROTOCOL_EXAMPLE)])[0]!.quality).toBe('good');
    expect(feed(a, [frame(PROTOCOL_EXAMPLE)])[0]!.quality).toBe('suspect');
  });
});

describe('frames the normaliser cannot fully use', () => {
  it('a missing field gives no reading and a problem naming the field', () => {
    const n = createNormaliser(sds011, { device: 'aq-1' });
    const { readings, problems } = n.normalise(frame({ pm2_5: 0.9, device_id: 0x58d9 }));
    expect(readings.map((r) => r.quantity)).toEqual(['pm2_5']);
    expect(problems).toHaveLength(1);
    expect(profileErrors.FRAME_FIELD_MISSING.is(problems[0])).toBe(true);
    expect(problems[0]!.message).toContain('no field "pm10"');
    expect(problems[0]!.message).toContain('fields present: device_id, pm2_5');
  });

  it('an invalid timestamp drops the frame with a problem', () => {
    const n = createNormaliser(sds011, { device: 'aq-1' });
    const { readings, problems } = n.normalise({ fields: { pm2_5: 1, pm10: 1 }, ts: new Date(Number.NaN) });
    expect(readings).toEqual([]);
    expect(profileErrors.FRAME_BAD_TIMESTAMP.is(problems[0])).toBe(true);
  });
});

describe('conversion and options', () => {
  // PMS5003T capture (PyPMS): temp 21.2 °C and rhum 22.4 % travel as tenths on the wire.
  const thermo = deviceProfileSchema.parse({
    id: 'acme-th-1',
    manufacturer: 'Acme',
    model: 'TH-1',
    bridge: 'acme',
    transport: 'mqtt',
    sample_period_s: 10,
    channels: [
      { quantity: 'temperature', field: 'temp', unit: 'Cel', scale: 0.1, valid: { min: -40, max: 85 }, plausible: { min: -20, max: 45 } },
      { quantity: 'humidity', field: 'rhum', unit: '%', scale: 0.1, valid: { min: 0, max: 100 }, plausible: { min: 0, max: 100 } },
      { quantity: 'pressure', field: 'p', unit: 'Pa', valid: { min: 30000, max: 110000 }, plausible: { min: 95000, max: 105000 } },
      { quantity: 'co2', field: 'co2_ppb', unit: 'ppb', valid: { min: 0, max: 10000000 }, plausible: { min: 350000, max: 5000000 } },
    ],
  });

  it('applies scale and offset, then converts to the canonical unit', () => {
    const n = createNormaliser(thermo, { device: 'room-1' });
    const { readings } = n.normalise(frame({ temp: 212, rhum: 224, p: 101325, co2_ppb: 412000 }));
    expect(readings.map((r) => [r.quantity, r.value, r.unit])).toEqual([
      ['temperature', 21.2, 'Cel'],
      ['humidity', 22.4, '%'],
      ['pressure', 1013.25, 'hPa'],
      ['co2', 412, 'ppm'],
    ]);
  });

  it('carries the scenario id on every reading when given', () => {
    const n = createNormaliser(sds011, { device: 'aq-1', scenario: 'traffic-cut-2026' });
    const { readings } = n.normalise(frame({ pm2_5: 1, pm10: 2 }));
    expect(readings.map((r) => r.scenario)).toEqual(['traffic-cut-2026', 'traffic-cut-2026']);
  });

  it('refuses an invalid device id', () => {
    expect(() => createNormaliser(sds011, { device: 'Place de la Monnaie' })).toThrow(
      expect.objectContaining({ code: profileErrors.NORMALISER_OPTIONS.code }),
    );
  });

  it('refuses a hand-built profile whose unit cannot express its quantity', () => {
    const broken = withChannels(sds011, { unit: 'Cel' });
    expect(() => createNormaliser(broken, { device: 'aq-1' })).toThrow(
      expect.objectContaining({ code: unitErrors.DIMENSION_MISMATCH.code }),
    );
  });
});

describe('reading contract', () => {
  const draft = createNormaliser(sds011, { device: 'aq-1' }).normalise(frame({ pm2_5: 1, pm10: 2 })).readings[0]!;

  it('rejects a suspect reading without reasons', () => {
    const result = readingSchema.safeParse({ ...draft, seq: 1, quality: 'suspect' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['reasons']);
  });

  it('accepts a good reading without reasons and a suspect one with reasons', () => {
    expect(readingSchema.safeParse({ ...draft, seq: 1 }).success).toBe(true);
    expect(readingSchema.safeParse({ ...draft, seq: 1, quality: 'suspect', reasons: ['stuck_value'] }).success).toBe(true);
  });
});
