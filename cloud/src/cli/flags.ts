import { parseArgs } from 'node:util';
import { cloudErrors } from '../errors.ts';

export interface ParsedFlags {
  help: boolean;
  values: Record<string, string | undefined>;
  /** Words that are not flags; only when parseFlags was asked to allow them. */
  positionals: string[];
}

/**
 * Parses `--name value` flags (all string-valued) plus `-h/--help`; an unknown
 * flag (or a positional word, unless `allowPositionals`) is a
 * ZENNE_ERR_CLOUD_BAD_FLAG naming the command.
 */
export function parseFlags(command: string, args: string[], names: readonly string[], allowPositionals = false): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])), help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals,
    });
    const { help, ...rest } = values as Record<string, string | boolean | undefined>;
    return { help: help === true, values: rest as Record<string, string | undefined>, positionals };
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

/** A flag that takes one of `choices`. */
export function choiceFlag<T extends string>(command: string, name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw cloudErrors.BAD_FLAG({ command, problem: `--${name} "${value}" is not one of ${choices.join(', ')}` });
  }
  return value as T;
}
