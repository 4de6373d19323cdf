import { z } from 'zod';
import { deviceIdSchema, scenarioIdSchema, timestampSchema } from './ids.ts';
import { quantitySchema, unitSchema } from './quantities.ts';

export const qualitySchema = z.enum(['good', 'suspect', 'bad']);
export type Quality = z.infer<typeof qualitySchema>;

/**
 * Why a reading is not `good`. One reading may have several; the first is the
 * most severe.
 */
export const qualityReasonSchema = z.enum([
  'out_of_valid_range',
  'out_of_plausible_range',
  'stuck_value',
  'implausible_jump',
  'sensor_fault',
]);
export type QualityReason = z.infer<typeof qualityReasonSchema>;

const readingShape = {
  device: deviceIdSchema,
  quantity: quantitySchema,
  value: z.number().finite(),
  unit: unitSchema,
  ts: timestampSchema,
  quality: qualitySchema,
  reasons: z.array(qualityReasonSchema).max(5).optional(),
  scenario: scenarioIdSchema.optional(),
};

/** A normalised observation before the edge buffer gives it a sequence number. */
export const readingDraftSchema = z.strictObject(readingShape);
export type ReadingDraft = z.infer<typeof readingDraftSchema>;

/**
 * The canonical reading: one shape from the edge to the API
 * (docs/architecture.md "Canonical reading"). `(device, seq)` is the dedupe key:
 * every reading of a device, whatever its quantity, has its own seq.
 */
export const readingSchema = z
  .strictObject({
    ...readingShape,
    seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  })
  .refine((r) => r.quality === 'good' || (r.reasons?.length ?? 0) > 0, {
    message: 'a suspect or bad reading must say why in `reasons`',
    path: ['reasons'],
  });
export type Reading = z.infer<typeof readingSchema>;
