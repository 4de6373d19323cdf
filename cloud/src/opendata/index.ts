import type { DeviceProfile } from '@zenne/device-profiles';
import type { Registry } from '../registry/registry.ts';
import type { ReadingStore } from '../stores/store.ts';
import { openDataConfigSchema, type OpenDataConfigInput } from './config.ts';
import { loadPseudonymKey } from './pseudonym.ts';
import { OpenDataPublisher } from './publisher.ts';

export interface OpenDataOptions {
  store: ReadingStore;
  registry: Registry;
  profiles: ReadonlyMap<string, DeviceProfile>;
  /** Holds the pseudonym key (made on first use). */
  dataDir: string;
  config?: OpenDataConfigInput;
  now?: () => Date;
}

/** The open-data publisher of a cloud; reads (or makes) its pseudonym key. */
export async function createOpenData(options: OpenDataOptions): Promise<OpenDataPublisher> {
  return new OpenDataPublisher(
    {
      store: options.store,
      registry: options.registry,
      config: openDataConfigSchema.parse(options.config ?? {}),
      pseudonymKey: await loadPseudonymKey(options.dataDir),
      now: options.now ?? (() => new Date()),
    },
    options.profiles,
  );
}

export { CC_BY_4_0, openDataConfigSchema, type OpenDataConfigInput } from './config.ts';
