import type { z } from 'zod';
import type { DeviceProfile } from '@zenne/device-profiles';
import { findSourceKind, sourceKinds } from '../sources/index.ts';
import { agentConfigSchema, cloudConfigSchema, uplinkConfigSchema } from './schema.ts';

export type IssuePath = ReadonlyArray<PropertyKey>;

/** One thing wrong with a config file, phrased for the technician editing it. */
export interface ConfigIssue {
  /** Where: the key path in the parsed file, e.g. ['sources', 1, 'baud_rate']. */
  at: IssuePath;
  message: string;
  hint?: string;
}

function formatPath(path: IssuePath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** `sources[1].baud_rate: expected a number, got the text "fast" — the SDS011 talks at 9600 baud (line 14)` */
export function formatIssue(issue: ConfigIssue, line: number | undefined): string {
  const where = line === undefined ? '' : ` (line ${line})`;
  const hint = issue.hint ? ` — ${issue.hint}` : '';
  return `${formatPath(issue.at)}: ${issue.message}${hint}${where}`;
}

const FIELD_HINTS: Record<string, string> = {
  'gateway.id': 'the id this gateway is registered with in the cloud, e.g. gw-monnaie',
  'cloud.mqtt_url': 'e.g. mqtt://cloud.example.org:1883 (or mqtts://...:8883 with TLS)',
  'cloud.password': 'the gateway secret from the cloud registry, or password_file: ./secret',
  state_dir: 'a folder the agent may write, e.g. /var/lib/zenne-agent',
  'uplink.batch_max_readings': 'between 1 and 1000: the cloud refuses larger batches',
  'uplink.batch_max_wait_ms': 'milliseconds to wait for a batch to fill, e.g. 1000',
  'uplink.max_in_flight': 'batches sent but not yet acknowledged, e.g. 4',
  sources: 'list at least one source, e.g. - { id: sds011-01, kind: serial, ... }',
  'sources[].kind': `known kinds: ${'{kinds}'}`,
  'sources[].id': 'a short name for this input, unique in the file, e.g. sds011-01',
  'sources[].device': 'the device id registered in the cloud, e.g. aq-monnaie-01',
};

function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'an empty value';
  if (typeof input === 'string') return `the text "${input}"`;
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${String(input)}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Keys allowed at `path` (for "did you mean" on unknown keys). */
function knownKeys(path: IssuePath, raw: unknown): string[] {
  const [first, index] = path;
  if (path.length === 0) return Object.keys(agentConfigSchema.shape);
  if (first === 'gateway') return Object.keys(agentConfigSchema.shape.gateway.shape);
  if (first === 'cloud') return Object.keys(cloudConfigSchema.shape);
  if (first === 'uplink') return Object.keys(uplinkConfigSchema.shape);
  if (first === 'sources' && typeof index === 'number') {
    const kind = sourceAt(raw, index)?.kind;
    const schema = typeof kind === 'string' ? findSourceKind(kind)?.configSchema : undefined;
    if (schema && 'shape' in schema) return Object.keys(schema.shape as object);
  }
  return [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function closest(word: string, candidates: string[]): string | undefined {
  const normal = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  let best: { key: string; distance: number } | undefined;
  for (const key of candidates) {
    const distance = editDistance(normal(word), normal(key));
    if (distance <= 2 && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

export function sourceAt(raw: unknown, index: number): Record<string, unknown> | undefined {
  const sources = (raw as { sources?: unknown } | null)?.sources;
  const source = Array.isArray(sources) ? sources[index] : undefined;
  return source && typeof source === 'object' ? (source as Record<string, unknown>) : undefined;
}

/**
 * Turns one zod issue into a ConfigIssue with a technician's message and, where
 * we know better than zod, a hint (`profileOf` gives the profile a source names,
 * so a baud-rate error can say what the device talks).
 */
export function fromZodIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  profileOf: (index: number) => DeviceProfile | undefined,
): ConfigIssue[] {
  const path = issue.path;
  const generic = path.map((key) => (typeof key === 'number' ? '[]' : String(key))).join('.').replace(/\.\[\]/g, '[]');
  let hint = FIELD_HINTS[generic]?.replace('{kinds}', sourceKindList());
  if (path[0] === 'sources' && typeof path[1] === 'number' && typeof path[2] === 'string') {
    const kind = sourceAt(raw, path[1])?.kind;
    const sourceKind = typeof kind === 'string' ? findSourceKind(kind) : undefined;
    hint = sourceKind?.hint(path[2], profileOf(path[1])) ?? hint;
  }

  switch (issue.code) {
    case 'invalid_type':
      return [
        {
          at: path,
          message:
            issue.input === undefined
              ? `missing (expected ${article(issue.expected)})`
              : `expected ${article(issue.expected)}, got ${describeInput(issue.input)}`,
          ...(hint ? { hint } : {}),
        },
      ];
    case 'unrecognized_keys': {
      const allowed = knownKeys(path, raw);
      return issue.keys.map((key) => {
        const suggestion = closest(key, allowed);
        return {
          at: [...path, key],
          message: 'unknown key',
          hint: suggestion ? `did you mean "${suggestion}"?` : `allowed here: ${allowed.join(', ')}`,
        };
      });
    }
    case 'invalid_union':
      if (path.at(-1) === 'kind') {
        return [
          {
            at: path,
            message: `unknown source kind ${JSON.stringify(sourceAt(raw, Number(path[1]))?.kind)}`,
            hint: `known kinds: ${sourceKindList()}`,
          },
        ];
      }
      break;
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? `at most ${String(issue.maximum)}` : `at least ${String(issue.minimum)}`;
      const message =
        issue.origin === 'array'
          ? `needs ${bound} entries`
          : issue.origin === 'string'
            ? `must have ${bound} characters`
            : `must be ${bound}, got ${describeInput(issue.input)}`;
      return [{ at: path, message, ...(hint ? { hint } : {}) }];
    }
    default:
      break;
  }
  return [{ at: path, message: issue.message, ...(hint ? { hint } : {}) }];
}

function sourceKindList(): string {
  return sourceKinds.map((k) => k.kind).join(', ');
}
