import type { PayloadFormat } from '@zenne/device-profiles';

type JsonFormat = Extract<PayloadFormat, { format: 'json' }>;

/** A frame's fields and time from one JSON message, or why not (`kind` is the stats counter). */
export type JsonDecodeResult =
  | { ok: true; fields: Record<string, number>; ts: Date }
  | { ok: false; kind: 'bad_json' | 'bad_value' | 'bad_timestamp'; reason: string };

function at(document: unknown, path: string): unknown {
  let node = document;
  for (const key of path.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)];
    else if (typeof node === 'object' && node !== null && Object.hasOwn(node, key)) node = (node as Record<string, unknown>)[key];
    else return undefined;
  }
  return node;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `the string ${JSON.stringify(value.slice(0, 40))}` : `a ${typeof value}`;
}

function timestampOf(value: unknown, encoding: NonNullable<JsonFormat['timestamp']>['encoding']): Date | undefined {
  if (encoding === 'iso8601') {
    // An ISO 8601 date-time with an offset: a local time without one would be guessed wrong by an hour or two.
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return undefined;
    const ts = new Date(value);
    return Number.isNaN(ts.getTime()) ? undefined : ts;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const ts = new Date(encoding === 'unix_s' ? value * 1000 : value);
  return Number.isNaN(ts.getTime()) ? undefined : ts;
}

/**
 * Reads one JSON message with a profile's `payload: { format: json }` mapping.
 * A mapped path that is absent leaves its field out (the normaliser then
 * reports the channel's field as missing); a path holding anything but a
 * finite number refuses the message, as does a timestamp that cannot be read.
 */
export function decodeJsonPayload(payload: Buffer, format: JsonFormat, receivedAt: Date): JsonDecodeResult {
  let document: unknown;
  try {
    document = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { ok: false, kind: 'bad_json', reason: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { ok: false, kind: 'bad_json', reason: `expected one JSON object, got ${describe(document)}` };
  }
  const fields: Record<string, number> = {};
  for (const [field, path] of Object.entries(format.fields)) {
    const value = at(document, path);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return { ok: false, kind: 'bad_value', reason: `${path} (field ${field}) holds ${describe(value)}, not a number` };
    }
    fields[field] = value;
  }
  if (!format.timestamp) return { ok: true, fields, ts: receivedAt };
  const raw = at(document, format.timestamp.path);
  const ts = timestampOf(raw, format.timestamp.encoding);
  if (!ts) {
    return {
      ok: false,
      kind: 'bad_timestamp',
      reason: `${format.timestamp.path} holds ${raw === undefined ? 'nothing' : describe(raw)}, not a ${format.timestamp.encoding} timestamp`,
    };
  }
  return { ok: true, fields, ts };
}
