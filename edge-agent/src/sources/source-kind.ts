import type { z } from 'zod';
import type { DeviceProfile } from '@zenne/device-profiles';
import type { Logger } from '../logger.ts';
import type { Source } from './source.ts';

/** What the agent hands every source it creates. */
export interface SourceContext {
  logger: Logger;
  /** Clock for frame timestamps (tests may pin it). */
  now?: () => Date;
}

/** A problem the config loader reports for one key of one source. */
export interface SourceConfigFinding {
  key: string;
  message: string;
}

/**
 * One kind of source (`serial`, later `modbus`, `opcua` ...): its config
 * schema and factory. Kinds are listed explicitly in ./index.ts.
 */
export interface SourceKind<C extends { kind: string }> {
  readonly kind: C['kind'];
  readonly configSchema: z.ZodType<C, any>;
  /** Config keys that hold file-system paths; the loader resolves them against the config file's folder. */
  readonly pathKeys: readonly (keyof C & string)[];
  /** Advice for a schema error at `key`, given the source's raw config and (when known) its profile. */
  hint(key: string, profile: DeviceProfile | undefined): string | undefined;
  /** Checks that need the profile: `errors` refuse the config, `warnings` are printed. */
  check(config: C, profile: DeviceProfile): { errors: SourceConfigFinding[]; warnings: SourceConfigFinding[] };
  create(config: C, context: SourceContext): Source;
}
