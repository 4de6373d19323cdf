import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Range } from 'yaml';
import { getProfile, listProfileIds, type DeviceProfile } from '@zenne/device-profiles';
import { bridges, isBridgeId } from '@zenne/firmware-bridges';
import { agentErrors } from '../errors.ts';
import { findSourceKind, sourceConfigSchema, type SourceConfig } from '../sources/index.ts';
import { fromZodIssue, formatIssue, sourceAt, type ConfigIssue, type IssuePath } from './config-issues.ts';
import { agentConfigSchema, type AgentConfig } from './schema.ts';

export interface LoadedConfig {
  config: AgentConfig;
  /** Things that will probably not work but are not refused (a baud rate the profile disagrees with). */
  warnings: string[];
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function profileIfKnown(id: unknown): DeviceProfile | undefined {
  return typeof id === 'string' && listProfileIds().includes(id) ? getProfile(id) : undefined;
}

/** Line of the deepest key (or list item) of `path` that exists in the YAML document. */
function lineOf(doc: Document, lines: LineCounter, path: IssuePath): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1) as unknown[], true);
    const key = path[depth - 1];
    let node: { range?: Range | null } | undefined;
    if (isMap(parent)) node = parent.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key as typeof node;
    else if (isSeq(parent) && typeof key === 'number') node = parent.items[key] as typeof node;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Checks that need the bridges and profiles: ids exist, profile and bridge agree, kind-specific checks. */
function crossCheck(sources: ReadonlyArray<[number, SourceConfig]>): { issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const knownBridges = Object.keys(bridges).sort().join(', ');
  const knownProfiles = listProfileIds().join(', ');
  // Map(source id -> index of the first source using it), Map(device -> where it was first read)
  const firstSource = new Map<string, number>();
  const firstDevice = new Map<string, string>();
  for (const [i, source] of sources) {
    const at = (...key: ReadonlyArray<string | number>): IssuePath => ['sources', i, ...key];
    const earlier = firstSource.get(source.id);
    if (earlier === undefined) firstSource.set(source.id, i);
    else issues.push({ at: at('id'), message: `source id ${source.id} is already used by sources[${earlier}]`, hint: 'give every source its own id' });

    const kind = findSourceKind(source.kind)!;
    const profiles = new Map<string, DeviceProfile>();
    for (const entry of kind.devices(source)) {
      const where = `sources[${i}]${entry.at.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}`;
      const readBy = firstDevice.get(entry.device);
      if (readBy === undefined) firstDevice.set(entry.device, where);
      else issues.push({ at: at(...entry.at, 'device'), message: `device ${entry.device} is already read by ${readBy}`, hint: 'one device, one source: check the device ids against the labels on the sensors' });

      const bridgeKnown = entry.bridge === undefined || isBridgeId(entry.bridge);
      if (!bridgeKnown) {
        issues.push({ at: at(...entry.at, 'bridge'), message: `unknown bridge "${entry.bridge}"`, hint: `known bridges: ${knownBridges}` });
      }
      const profile = profileIfKnown(entry.profile);
      if (!profile) {
        issues.push({ at: at(...entry.at, 'profile'), message: `unknown profile "${entry.profile}"`, hint: `known profiles: ${knownProfiles}` });
        continue;
      }
      profiles.set(entry.device, profile);
      if (entry.bridge !== undefined && bridgeKnown && profile.bridge !== entry.bridge) {
        issues.push({
          at: at(...entry.at, 'bridge'),
          message: `profile ${profile.id} is decoded by bridge ${profile.bridge}, not ${entry.bridge}`,
          hint: `set bridge: ${profile.bridge}, or choose the profile of the device on this port`,
        });
      }
    }
    const found = kind.check(source, profiles);
    const keyPath = (key: string) => at(...key.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)));
    for (const e of found.errors) issues.push({ at: keyPath(e.key), message: e.message });
    for (const w of found.warnings) warnings.push({ at: keyPath(w.key), message: w.message });
  }
  return { issues, warnings };
}

function readPassword(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw agentErrors.PASSWORD_FILE_UNREADABLE({ file, reason: reason(err) }, { cause: err });
  }
  const password = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (password === '') throw agentErrors.PASSWORD_FILE_UNREADABLE({ file, reason: 'the first line is empty' });
  return password;
}

function readCa(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw agentErrors.CA_FILE_UNREADABLE({ file, reason: reason(err) }, { cause: err });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw agentErrors.CA_FILE_UNREADABLE({ file, reason: 'it holds no PEM certificate' });
  return text;
}

/**
 * Reads and validates an agent config file. Relative paths (state_dir,
 * password_file, ca_file, a source's path keys such as a serial `port`) are resolved
 * against the file's folder.
 *
 * Throws ZENNE_ERR_AGENT_CONFIG_NOT_FOUND, _CONFIG_YAML, _CONFIG_INVALID (whose
 * `details.issues` lists every problem, one per line, naming the field, what is
 * wrong and how to fix it), _PASSWORD_FILE_UNREADABLE or _CA_FILE_UNREADABLE.
 */
export function loadConfig(file: string): LoadedConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw agentErrors.CONFIG_NOT_FOUND({ path, reason: reason(err) }, { cause: err });
  }
  return parseConfigText(text, path);
}

/** As loadConfig, for text already read from `path` (which still anchors relative paths). */
export function parseConfigText(text: string, path: string): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const syntax = doc.errors[0];
  if (syntax) throw agentErrors.CONFIG_YAML({ path, reason: syntax.message.split('\n')[0] });
  const raw: unknown = doc.toJS();

  const parsed = agentConfigSchema.safeParse(raw, { reportInput: true });
  const issues: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue) => fromZodIssue(issue, raw, (i) => profileIfKnown(sourceAt(raw, i)?.profile)));
  // Cross-checks run on every source that is well-formed by itself, so one broken source does not hide the others' problems.
  const rawSources = (raw as { sources?: unknown } | null)?.sources;
  const wellFormed = (Array.isArray(rawSources) ? rawSources : []).flatMap((source, i): Array<[number, SourceConfig]> => {
    const one = sourceConfigSchema.safeParse(source);
    return one.success ? [[i, one.data]] : [];
  });
  const cross = crossCheck(wellFormed);
  issues.push(...cross.issues);
  const warnings = cross.warnings;
  const located = (list: ConfigIssue[]) => list.map((issue) => formatIssue(issue, lineOf(doc, lines, issue.at)));
  if (issues.length > 0 || !parsed.success) {
    const formatted = located(issues);
    throw agentErrors.CONFIG_INVALID({
      path,
      count: formatted.length,
      issues: formatted.map((line) => `  - ${line}`).join('\n'),
      list: formatted,
    });
  }

  const base = dirname(path);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const file = parsed.data;
  const password = file.cloud.password ?? readPassword(abs(file.cloud.password_file!));
  const sources = file.sources.map((source) => {
    const copy: Record<string, unknown> = { ...source };
    for (const key of findSourceKind(source.kind)!.pathKeys) {
      if (typeof copy[key] === 'string') copy[key] = abs(copy[key]);
    }
    return copy as typeof source;
  });
  return {
    config: {
      ...file,
      file: path,
      state_dir: abs(file.state_dir),
      cloud: {
        mqtt_url: file.cloud.mqtt_url,
        username: file.cloud.username ?? file.gateway.id,
        password,
        ...(file.cloud.ca_file ? { ca: readCa(abs(file.cloud.ca_file)) } : {}),
      },
      sources,
    },
    warnings: located(warnings),
  };
}
