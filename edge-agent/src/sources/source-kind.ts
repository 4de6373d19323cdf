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
 * One device a source reads, as its config names it. `at` is the path of the
 * entry inside the source's config (`[]` for one-device kinds whose `device`,
 * `profile` and `bridge` keys sit on the source itself, `['devices', 2]` for
 * the third device of a bus), so the loader can point at the right line.
 */
export interface SourceDevice {
  at: ReadonlyArray<string | number>;
  device: string;
  profile: string;
  /** Byte-stream kinds name the bridge that decodes the wire protocol; it must match the profile's. */
  bridge?: string;
}

/**
 * One kind of source (`serial`, `modbus_tcp`, `opcua` ...): its config
 * schema and factory. Kinds are listed explicitly in ./index.ts.
 * A source may read one device or many (a bus, a server, a broker).
 */
export interface SourceKind<C extends { kind: string }> {
  readonly kind: C['kind'];
  readonly configSchema: z.ZodType<C, any>;
  /** Config keys that hold file-system paths; the loader resolves them against the config file's folder. */
  readonly pathKeys: readonly (keyof C & string)[];
  /** Advice for a schema error at `key`, given the source's raw config and (when known) its profile. */
  hint(key: string, profile: DeviceProfile | undefined): string | undefined;
  /** Every device this source reads; the loader checks ids, profiles and bridges across all sources. */
  devices(config: C): SourceDevice[];
  /** One line for `zenne-agent validate`, e.g. `serial /dev/ttyUSB0 @ 9600 baud`. */
  describe(config: C): string;
  /**
   * Checks that need the profiles (Map(device -> profile), only devices whose
   * profile is known): `errors` refuse the config, `warnings` are printed.
   * Finding keys are paths inside the source, e.g. `baud_rate` or `devices.2.unit_id`.
   */
  check(config: C, profiles: ReadonlyMap<string, DeviceProfile>): { errors: SourceConfigFinding[]; warnings: SourceConfigFinding[] };
  create(config: C, context: SourceContext): Source;
}
