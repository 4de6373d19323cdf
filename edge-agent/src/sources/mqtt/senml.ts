import { z } from 'zod';
import { canConvert, convert, type Channel, type Unit } from '@zenne/device-profiles';

/*
 * SenML JSON (RFC 8428). Labels of §4.1/§4.2 (bn bt bu bv bs bver, n u v vs vb vd s t ut);
 * other labels are allowed and ignored unless they end in "_", which marks them
 * must-understand (§4.4): such a pack is refused.
 */
const recordSchema = z.looseObject({
  bn: z.string().optional(),
  bt: z.number().optional(),
  bu: z.string().optional(),
  bv: z.number().optional(),
  bs: z.number().optional(),
  bver: z.number().int().positive().optional(),
  n: z.string().optional(),
  u: z.string().optional(),
  v: z.number().optional(),
  vs: z.string().optional(),
  vb: z.boolean().optional(),
  vd: z.string().optional(),
  s: z.number().optional(),
  t: z.number().optional(),
  ut: z.number().optional(),
});
const packSchema = z.array(recordSchema).min(1);

// RFC 8428 §10 version of this implementation's labels.
const SENML_VERSION = 10;
// §4.5.3: a time below 2**28 is relative to now, in seconds.
const RELATIVE_TIME_LIMIT = 2 ** 28;
// §4.5.1: a name starts with a letter or digit and uses only these characters.
const NAME = /^[A-Za-z0-9][A-Za-z0-9\-:./_]*$/;

/**
 * SenML units (RFC 8428 §12.1 registry, RFC 8798 additions) → Zenne's UCUM
 * units. "%RH" and "%EL" are percentages of a particular thing in SenML; UCUM
 * has plain "%", the quantity says what it is of.
 */
export const SENML_UNITS: Readonly<Record<string, Unit>> = {
  Cel: 'Cel',
  K: 'K',
  '%RH': '%',
  '%EL': '%',
  '%': '%',
  '/100': '%',
  '/': '1',
  Pa: 'Pa',
  hPa: 'hPa',
  lx: 'lx',
  dB: 'dB',
  V: 'V',
  A: 'A',
  mA: 'mA',
  W: 'W',
  kW: 'kW',
  var: 'var',
  Hz: 'Hz',
  Wh: 'Wh',
  kWh: 'kWh',
  h: 'h',
  min: 'min',
  s: 's',
  count: '{count}',
  ppm: 'ppm',
  'ug/m3': 'ug/m3',
};

/** One resolved SenML record with a numeric value (§4.6). */
export interface SenmlRecord {
  /** `n` of the record, or the full resolved name when it has no `n`. */
  field: string;
  /** The resolved name, bn + n. */
  name: string;
  unit: string | undefined;
  value: number;
  /** Seconds since the Unix epoch, resolved. */
  time: number;
}

export type SenmlResult = { ok: true; records: SenmlRecord[] } | { ok: false; reason: string };

/**
 * Parses and resolves a SenML JSON pack: base name, time, unit, value and sum
 * carry over to the records after them until set again; relative times are
 * taken from `now`. Records with only a string, boolean or data value are
 * skipped (no Zenne quantity is text); a record's `v` is used, else its `s`.
 */
export function resolveSenml(payload: Buffer, now: Date): SenmlResult {
  let document: unknown;
  try {
    document = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = packSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `not a SenML pack (a JSON array of records): ${issue.path.length ? `record ${issue.path.join('.')}: ` : ''}${issue.message}` };
  }
  const base = { bn: '', bt: 0, bu: undefined as string | undefined, bv: 0, bs: 0 };
  const records: SenmlRecord[] = [];
  for (const [i, record] of parsed.data.entries()) {
    const mustUnderstand = Object.keys(record).find((label) => label.endsWith('_'));
    if (mustUnderstand) return { ok: false, reason: `record ${i}: label "${mustUnderstand}" must be understood (RFC 8428 §4.4) and is not supported` };
    if (record.bver !== undefined && record.bver > SENML_VERSION) {
      return { ok: false, reason: `record ${i}: SenML version ${record.bver} is newer than ${SENML_VERSION}` };
    }
    if (record.bn !== undefined) base.bn = record.bn;
    if (record.bt !== undefined) base.bt = record.bt;
    if (record.bu !== undefined) base.bu = record.bu;
    if (record.bv !== undefined) base.bv = record.bv;
    if (record.bs !== undefined) base.bs = record.bs;
    const numeric = record.v !== undefined ? base.bv + record.v : record.s !== undefined ? base.bs + record.s : undefined;
    if (numeric === undefined) continue;
    const name = base.bn + (record.n ?? '');
    if (!NAME.test(name)) return { ok: false, reason: `record ${i}: name "${name}" is not a valid SenML name (RFC 8428 §4.5.1)` };
    const t = base.bt + (record.t ?? 0);
    const time = t < RELATIVE_TIME_LIMIT ? now.getTime() / 1000 + t : t;
    records.push({ field: record.n || name, name, unit: record.u ?? base.bu, value: numeric, time });
  }
  return { ok: true, records };
}

/**
 * The record's value in the channel's unit, or why it cannot be: a SenML unit
 * Zenne does not know, or one of another dimension than the channel's. A
 * record without a unit is taken as already in the channel's unit.
 */
export function senmlValueIn(record: SenmlRecord, channel: Channel): { ok: true; value: number } | { ok: false; reason: string } {
  if (record.unit === undefined) return { ok: true, value: record.value };
  const unit = SENML_UNITS[record.unit];
  if (!unit) return { ok: false, reason: `record ${record.name}: SenML unit "${record.unit}" is not one Zenne converts (${Object.keys(SENML_UNITS).join(', ')})` };
  if (!canConvert(unit, channel.unit)) {
    return { ok: false, reason: `record ${record.name}: unit "${record.unit}" cannot express ${channel.quantity} (channel unit ${channel.unit})` };
  }
  return { ok: true, value: convert(record.value, unit, channel.unit) };
}
