import { isZenneError } from '@zenne/device-profiles';
import { agentErrors } from '../errors.ts';
import { EXIT } from './exit-codes.ts';

/** Prints an error for a person at a terminal (code, message, hint) and returns the exit code it deserves. */
export function reportError(err: unknown): number {
  if (isZenneError(err)) {
    process.stderr.write(`error ${err.code}: ${err.message}\n`);
    return agentErrors.CLI_USAGE.is(err) ? EXIT.USAGE : EXIT.FAILURE;
  }
  // node:util parseArgs errors (unknown option, missing value).
  if ((err as { code?: string } | null)?.code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`error: ${(err as Error).message}\nrun \`zenne-agent --help\` for usage\n`);
    return EXIT.USAGE;
  }
  process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.FAILURE;
}
