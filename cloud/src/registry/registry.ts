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

const lonSchema = z.number().min(-180).max(180).describe('WGS84 longitude, degrees');
const latSchema = z.number().min(-90).max(90).describe('WGS84 latitude, degrees');

export const locationSchema = z.strictObject({
  lon: lonSchema,
  lat: latSchema,
  /** Metres above the ground (the twin clamps to terrain). */
  height: z.number().min(-100).max(1000).default(0),
});

/*
 * IFC GlobalId: 128 bits in 22 characters of IFC's own base-64 alphabet
 * (ISO 16739-1, IfcGloballyUniqueId), e.g. 0BTBFw6f90Nfh9rP1dlXrr.
 */
export const IFC_GLOBAL_ID_PATTERN = /^[0-3][0-9A-Za-z_$]{21}$/;

export const roomSchema = z.strictObject({
  /** The IfcSpace GlobalId when the building has a BIM model, otherwise any stable id. */
  id: z.string().regex(/^[0-9A-Za-z_$.-]{1,64}$/, 'letters, digits, "_", "$", "." or "-" (max 64); an IfcSpace GlobalId has 22'),
  /** Short name, e.g. the IfcSpace Name "A101". */
  name: z.string().min(1),
  /** Long name, e.g. the IfcSpace LongName "Foyer". */
  long_name: z.string().min(1).optional(),
});

export const buildingSchema = z
  .strictObject({
    id: idSchema,
    site: idSchema,
    name: z.string().min(1),
    address: z.string().min(1).optional(),
    location: locationSchema.optional(),
    /** File name of the BIM (IFC) model the rooms come from; rooms are then keyed by IfcSpace GlobalId. */
    ifc_model: z.string().min(1).optional(),
    rooms: z.array(roomSchema).default([]),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.rooms.forEach((room, i) => {
      if (seen.has(room.id)) ctx.addIssue({ code: 'custom', path: ['rooms', i, 'id'], message: `room "${room.id}" appears twice` });
      seen.add(room.id);
      if (b.ifc_model !== undefined && !IFC_GLOBAL_ID_PATTERN.test(room.id)) {
        ctx.addIssue({ code: 'custom', path: ['rooms', i, 'id'], message: 'a building with an ifc_model keys its rooms by IfcSpace GlobalId (22 characters)' });
      }
    });
  });

/** A stretch of one street, as a polyline (GeoJSON LineString, RFC 7946 §3.1.4). */
export const streetSegmentSchema = z.strictObject({
  id: idSchema,
  site: idSchema,
  /** The street's name, e.g. "Rue des Fripiers". */
  name: z.string().min(1),
  coordinates: z.array(z.tuple([lonSchema, latSchema])).min(2, 'a street segment needs at least 2 points'),
});

export const lampPostSchema = z.strictObject({
  id: idSchema,
  site: idSchema,
  name: z.string().min(1).optional(),
  street_segment: idSchema.optional(),
  location: locationSchema,
});

export const deviceSchema = z.strictObject({
  id: deviceIdSchema,
  gateway: gatewayIdSchema,
  profile: idSchema,
  name: z.string().min(1),
  site: idSchema,
  street: z.string().min(1).optional(),
  location: locationSchema,
  /** The building the device is in (a registry building id). */
  building: idSchema.optional(),
  /** The room of `building` (its IfcSpace GlobalId where a BIM model exists). */
  room: roomSchema.shape.id.optional(),
  /** The lamp post the device is mounted on. */
  lamp_post: idSchema.optional(),
  /** Free key/value data, e.g. an inventory number. */
  tags: z.record(z.string(), z.string()).optional(),
});

export const seedSchema = z.strictObject({
  sites: z.array(siteSchema).default([]),
  gateways: z.array(seedGatewaySchema).default([]),
  devices: z.array(deviceSchema).default([]),
  buildings: z.array(buildingSchema).optional(),
  street_segments: z.array(streetSegmentSchema).optional(),
  lamp_posts: z.array(lampPostSchema).optional(),
});

export type Site = z.infer<typeof siteSchema>;
export type SeedGateway = z.infer<typeof seedGatewaySchema>;
export type Room = z.infer<typeof roomSchema>;
export type Building = z.infer<typeof buildingSchema>;
export type StreetSegment = z.infer<typeof streetSegmentSchema>;
export type LampPost = z.infer<typeof lampPostSchema>;
export type Device = z.infer<typeof deviceSchema>;
export type Seed = z.infer<typeof seedSchema>;

/** A gateway as stored: the secret only as its scrypt hash. */
export interface Gateway {
  id: string;
  site: string;
  secret_hash: string;
  /** Set when an administrator revoked the gateway: its logins are refused until its secret is rotated. */
  revoked_at?: string;
  /**
   * The hash a seed file last set. While it equals `secret_hash` the seed
   * file owns the secret; once the cloud issued another (claim code,
   * rotation) a seed file no longer overrides it.
   */
  seeded_hash?: string;
}

/** Every kind of registry row, by the name of its section in seed files and updates. */
export interface RegistryRows {
  sites: Site;
  buildings: Building;
  street_segments: StreetSegment;
  lamp_posts: LampPost;
  gateways: Gateway;
  devices: Device;
}
export type RegistryKind = keyof RegistryRows;

/** In dependency order: a row refers only to kinds listed before its own. */
export const REGISTRY_KINDS: readonly RegistryKind[] = ['sites', 'buildings', 'street_segments', 'lamp_posts', 'gateways', 'devices'];

/** Rows to insert or replace by id, per kind; absent kinds are left alone. */
export type RegistryUpdate = { [K in RegistryKind]?: RegistryRows[K][] };

/** Rows written per kind given in the update. */
export type AppliedCounts = { [K in RegistryKind]?: number };

/** The totals reported in `/api/v1/stats`. */
export interface RegistryCounts {
  sites: number;
  gateways: number;
  devices: number;
}

/**
 * Sites, buildings (with rooms), street segments, lamp posts, gateways and
 * their devices.
 *
 * Lifecycle: the factory opens the registry; reads are served from memory
 * and reflect every `apply` that resolved; listeners of `onGatewayChange`
 * run after the change is durable; `close()` releases the storage.
 */
export interface Registry {
  /** Inserts or replaces the rows by id, all or nothing. Resolves once durable. */
  apply(update: RegistryUpdate): Promise<AppliedCounts>;
  get<K extends RegistryKind>(kind: K, id: string): RegistryRows[K] | undefined;
  /** Rows of one kind, sorted by id. */
  list<K extends RegistryKind>(kind: K): RegistryRows[K][];
  getSite(id: string): Site | undefined;
  getGateway(id: string): Gateway | undefined;
  getDevice(id: string): Device | undefined;
  listDevices(): Device[];
  counts(): RegistryCounts;
  /**
   * Calls `listener(gatewayId)` after an apply that changed a gateway's
   * secret hash or revocation, so sessions opened with the old credentials
   * can be closed. Listeners must not throw. Returns the unsubscribe function.
   */
  onGatewayChange(listener: (gateway: string) => void): () => void;
  close(): Promise<void>;
}
