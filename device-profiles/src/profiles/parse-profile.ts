import { basename, extname } from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { QUANTITIES } from '../contracts/quantities.ts';
import { deviceProfileSchema, type DeviceProfile } from '../contracts/profile.ts';
import { profileErrors } from '../errors.ts';
import { canConvert, dimensionOf, unitsOfDimension } from '../units.ts';

type PathSegment = string | number;

/** One thing wrong with a profile file, located for a technician. */
export interface ProfileIssue {
  /** Field path in the profile, e.g. `channels[1].unit`; `(root)` for the document itself. */
  path: string;
  /** 1-based line and column of the field (or of its closest existing parent) in the file. */
  line: number;
  column: number;
  /** What is wrong and what to put instead. */
  message: string;
}

/** `['channels', 1, 'unit']` → `channels[1].unit`. */
function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out ? `.${segment}` : segment;
  }
  return out || '(root)';
}

function startOf(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}

/** Position of the node at `path`, or of its deepest ancestor that exists in the file. */
function locate(doc: Document, lines: LineCounter, path: readonly PathSegment[]): { line: number; column: number } {
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  for (const segment of path) {
    let next: unknown;
    if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      offset = startOf(next) ?? offset;
    } else if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === segment);
      if (!pair) break;
      next = pair.value;
      offset = startOf(next) ?? startOf(pair.key) ?? offset;
    } else {
      break;
    }
    node = next;
  }
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function describeSchemaIssue(issue: z.core.$ZodIssue): { path: PathSegment[]; message: string } {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    // Name the offending key itself, so the path points at the typo.
    return {
      path: [...path, issue.keys[0]!],
      message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove it or fix its spelling`,
    };
  }
  if (issue.code === 'invalid_type' && path.length === 0) {
    const holds = issue.input == null ? 'nothing' : Array.isArray(issue.input) ? 'a list' : `a ${typeof issue.input}`;
    return { path, message: `the file holds ${holds}; a profile is one YAML mapping of fields (id:, manufacturer:, model:, bridge:, ...)` };
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return { path, message: `required field is missing; add it (expected ${issue.expected})` };
  }
  return { path, message: issue.message };
}

/**
 * Checks the schema cannot express: each channel's unit must convert to its
 * quantity's canonical unit, and the plausible range must lie inside the valid
 * range (a reading cannot be plausible yet outside the sensor's measuring range).
 */
function semanticIssues(profile: DeviceProfile, fileId: string): { path: PathSegment[]; message: string }[] {
  const issues: { path: PathSegment[]; message: string }[] = [];
  if (profile.id !== fileId) {
    issues.push({
      path: ['id'],
      message: `id "${profile.id}" does not match the file name; name the file ${profile.id}.yaml or set id: ${fileId}`,
    });
  }
  for (const [i, channel] of profile.channels.entries()) {
    const canonical = QUANTITIES[channel.quantity].unit;
    if (!canConvert(channel.unit, canonical)) {
      const needed = dimensionOf(canonical);
      issues.push({
        path: ['channels', i, 'unit'],
        message: `unit ${channel.unit} (${dimensionOf(channel.unit)}) cannot express ${channel.quantity}, whose canonical unit is ${canonical} (${needed}); use one of ${unitsOfDimension(needed).join(', ')}`,
      });
    }
    const { valid, plausible } = channel;
    if (plausible.min < valid.min || plausible.max > valid.max) {
      issues.push({
        path: ['channels', i, 'plausible'],
        message: `plausible range [${plausible.min}, ${plausible.max}] must lie inside the valid range [${valid.min}, ${valid.max}]; narrow plausible or widen valid`,
      });
    }
    if (channel.max_step !== undefined && channel.max_step > valid.max - valid.min) {
      issues.push({
        path: ['channels', i, 'max_step'],
        message: `max_step ${channel.max_step} exceeds the whole valid range (${valid.max - valid.min}) and can never trigger; lower it or remove it`,
      });
    }
  }
  return issues;
}

/**
 * Parses and validates the text of one profile file (`file` is used in
 * messages and for the id = file-name rule). Throws ZENNE_ERR_PROFILE_YAML_SYNTAX
 * or ZENNE_ERR_PROFILE_INVALID; the latter lists every issue with its field
 * path, line and fix in `details.issues` (ProfileIssue[]).
 */
export function parseProfile(text: string, file: string): DeviceProfile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    throw profileErrors.YAML_SYNTAX({ file, line, column: col, reason: syntax.message, yaml_code: syntax.code });
  }

  const parsed = deviceProfileSchema.safeParse(doc.toJS(), { reportInput: true });
  const raw = parsed.success
    ? semanticIssues(parsed.data, basename(file, extname(file)))
    : parsed.error.issues.map(describeSchemaIssue);
  if (parsed.success && raw.length === 0) return parsed.data;

  const issues: ProfileIssue[] = raw.map(({ path, message }) => ({ path: formatPath(path), ...locate(doc, lines, path), message }));
  throw profileErrors.INVALID({
    file,
    problems: issues.map((i) => `${i.path} (line ${i.line}): ${i.message}`).join('; '),
    issues,
  });
}
