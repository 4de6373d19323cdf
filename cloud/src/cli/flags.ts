import { parseArgs } from 'node:util';
import { cloudErrors } from '../errors.ts';

export interface ParsedFlags {
  help: boolean;
  values: Record<string, string | undefined>;
}

/**
 * Parses `--name value` flags (all string-valued) plus `-h/--help`; an unknown
 * flag is a ZENNE_ERR_CLOUD_BAD_FLAG naming the command.
 */
export function parseFlags(command: string, args: string[], names: readonly string[]): ParsedFlags {
  try {
    const { values } = parseArgs({
      args,
      options: { ...Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])), help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    const { help, ...rest } = values as Record<string, string | boolean | undefined>;
    return { help: help === true, values: rest as Record<string, string | undefined> };
  } catch (err) {
    throw cloudErrors.BAD_FLAG({ command, problem: (err as Error).message });
  }
}

export function requireFlag(command: string, name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw cloudErrors.BAD_FLAG({ command, problem: `--${name} is required` });
  return value;
}

/** A TCP port flag: 0-65535, 0 meaning "any free port". */
export function portFlag(command: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw cloudErrors.BAD_FLAG({ command, problem: `--${name} "${value}" is not a port (0-65535, 0 = any free port)` });
  }
  return port;
}
