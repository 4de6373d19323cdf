import { z } from 'zod';
import { deviceIdSchema, gatewayIdSchema, idSchema } from '@zenne/device-profiles';
import { SECRET_HASH_PATTERN } from './secret-hash.ts';

export const siteSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1),
});

/** A gateway row of the seed file: exactly one of `secret` (hashed on import) or `secret_hash`. */
export const seedGatewaySchema = z
  .strictObject({
    id: gatewayIdSchema,
    site: idSchema,
    secret: z.string().min(8, 'a gateway secret needs at least 8 characters').max(256).optional(),
    secret_hash: z.string().regex(SECRET_HASH_PATTERN, 'expected scrypt$N$r$p$salt$key (see `zenne-cloud hash-secret`)').optional(),
  })
  .refine((g) => (g.secret === undefined) !== (g.secret_hash === undefined), {
    message: 'give exactly one of `secret` or `secret_hash`',
    path: ['secret'],
  });

export const locationSchema = z.strictObject({
  /** WGS84 degrees. */
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  /** Metres above the ground (the twin clamps to terrain). */
  height: z.number().min(-100).max(1000).default(0),
});

export const deviceSchema = z.strictObject({
  id: deviceIdSchema,
  gateway: gatewayIdSchema,
  profile: idSchema,
  name: z.string().min(1),
  site: idSchema,
  street: z.string().min(1).optional(),
  location: locationSchema,
  /** Free key/value asset data: building, room (IfcSpace GlobalId), lamp post ... */
  tags: z.record(z.string(), z.string()).optional(),
});

export const seedSchema = z.strictObject({
  sites: z.array(siteSchema).default([]),
  gateways: z.array(seedGatewaySchema).default([]),
  devices: z.array(deviceSchema).default([]),
});

export type Site = z.infer<typeof siteSchema>;
export type SeedGateway = z.infer<typeof seedGatewaySchema>;
export type Device = z.infer<typeof deviceSchema>;
export type Seed = z.infer<typeof seedSchema>;

/** A gateway as stored: the secret only as its scrypt hash. */
export interface Gateway {
  id: string;
  site: string;
  secret_hash: string;
}

/** A seed whose gateway secrets are hashed: what a registry stores. */
export interface RegistryUpdate {
  sites: Site[];
  gateways: Gateway[];
  devices: Device[];
}

export interface RegistryCounts {
  sites: number;
  gateways: number;
  devices: number;
}

/**
 * Sites, gateways and their devices.
 *
 * Lifecycle: the factory opens the registry; reads are served from memory
 * and reflect every `apply` that resolved; `close()` releases the storage.
 */
export interface Registry {
  /** Inserts or replaces the rows by id, all or nothing. Resolves once durable. */
  apply(update: RegistryUpdate): Promise<RegistryCounts>;
  getSite(id: string): Site | undefined;
  getGateway(id: string): Gateway | undefined;
  getDevice(id: string): Device | undefined;
  listDevices(): Device[];
  counts(): RegistryCounts;
  close(): Promise<void>;
}
