import { z } from 'zod';
import { deviceIdSchema, quantitySchema, readingSchema, timestampSchema, unitSchema } from '@zenne/device-profiles/contracts';

/**
 * The cloud HTTP API as docs/architecture.md describes it. Objects are not strict, so the cloud
 * may add fields without breaking the viewer; the fields the viewer uses are checked.
 */

export const deviceFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: deviceIdSchema,
  geometry: z.object({
    type: z.literal('Point'),
    coordinates: z.union([z.tuple([z.number(), z.number()]), z.tuple([z.number(), z.number(), z.number()])]),
  }),
  properties: z.object({
    device: deviceIdSchema,
    name: z.string(),
    gateway: z.string(),
    site: z.string().optional(),
    profile: z.string(),
    manufacturer: z.string().optional(),
    model: z.string().optional(),
    quantities: z.array(z.string()),
    street: z.string().optional(),
  }),
});
export type DeviceFeature = z.infer<typeof deviceFeatureSchema>;

export const deviceCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  /** Checked one by one (deviceFeatureSchema) so one odd device does not hide the others. */
  features: z.array(z.unknown()),
});

export const latestReadingsSchema = z.object({
  /** Checked one by one against readingSchema. */
  readings: z.array(z.unknown()),
});

export const historyPointSchema = z.object({
  ts: timestampSchema,
  avg: z.number(),
  min: z.number(),
  max: z.number(),
  count: z.number().int().nonnegative(),
});
export type HistoryPoint = z.infer<typeof historyPointSchema>;

export const historySchema = z.object({
  device: deviceIdSchema,
  quantity: quantitySchema,
  unit: unitSchema,
  bucket_s: z.number().positive(),
  points: z.array(historyPointSchema),
});
export type History = z.infer<typeof historySchema>;

export { readingSchema };
