import {
  MAX_BATCH_BYTES,
  MAX_BATCH_READINGS,
  readingSchema,
  uplinkBatchSchema,
  type ErrorFactory,
  type Reading,
  type Rejection,
} from '@zenne/device-profiles';
import type { z } from 'zod';
import { ingestErrors } from '../errors.ts';
import type { Registry } from '../registry/registry.ts';
import type { RejectionReason } from './ingest-stats.ts';

/** A batch whose envelope is usable: readings split into accepted and rejected. */
export interface CheckedBatch {
  kind: 'batch';
  batch: string;
  total: number;
  accepted: Reading[];
  rejected: Rejection[];
  rejectedReasons: RejectionReason[];
}

/** A message that cannot be processed; `batch` is set when its id could still be read, so an error ack can go out. */
export interface UnusableMessage {
  kind: 'unusable';
  reason: RejectionReason;
  error: { code: string; reason: string };
  batch?: string;
  /** Readings in the message, when its `readings` array could still be read. */
  readings?: number;
}

function issueText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

function unusable(reason: RejectionReason, factory: ErrorFactory, details: Record<string, unknown>, raw?: unknown): UnusableMessage {
  const err = factory(details);
  const batch = (raw as { batch?: unknown } | null | undefined)?.batch;
  const readable = typeof batch === 'string' && batch.length > 0 && batch.length <= 128;
  const readings = (raw as { readings?: unknown } | null | undefined)?.readings;
  return {
    kind: 'unusable',
    reason,
    error: { code: err.code, reason: err.message },
    ...(readable ? { batch } : {}),
    ...(Array.isArray(readings) ? { readings: readings.length } : {}),
  };
}

/**
 * Validates one message from `zenne/v1/gw/{gateway}/readings`: the envelope
 * against uplinkBatchSchema, the claimed gateway against the topic (the
 * broker ACL already tied the topic to the login), then each reading against
 * readingSchema and the registry. Never throws.
 */
export function checkBatch(gateway: string, topic: string, payload: Buffer, registry: Registry): CheckedBatch | UnusableMessage {
  let raw: unknown;
  let jsonError: Error | undefined;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    jsonError = err as Error;
  }
  if (payload.length > MAX_BATCH_BYTES) {
    return unusable('oversized_batch', ingestErrors.OVERSIZED_BATCH, { bytes: payload.length, limit: MAX_BATCH_BYTES }, raw);
  }
  if (jsonError) return unusable('invalid_json', ingestErrors.INVALID_JSON, { topic, reason: jsonError.message });
  const readings = (raw as { readings?: unknown } | null)?.readings;
  if (Array.isArray(readings) && readings.length > MAX_BATCH_READINGS) {
    return unusable('oversized_batch', ingestErrors.OVERSIZED_BATCH, {
      bytes: `${payload.length} (${readings.length} readings, at most ${MAX_BATCH_READINGS})`,
      limit: MAX_BATCH_BYTES,
    }, raw);
  }
  const envelope = uplinkBatchSchema.safeParse(raw);
  if (!envelope.success) {
    return unusable('invalid_envelope', ingestErrors.INVALID_ENVELOPE, { reason: issueText(envelope.error) }, raw);
  }
  const batch = envelope.data;
  if (batch.gateway !== gateway) {
    return unusable('gateway_mismatch', ingestErrors.GATEWAY_MISMATCH, { claimed: batch.gateway, gateway }, raw);
  }

  const accepted: Reading[] = [];
  const rejected: Rejection[] = [];
  const rejectedReasons: RejectionReason[] = [];
  const reject = (index: number, item: unknown, reason: RejectionReason, factory: ErrorFactory, details: Record<string, unknown>) => {
    const err = factory({ index, ...details });
    const { device, seq } = (item ?? {}) as { device?: unknown; seq?: unknown };
    rejected.push({
      index,
      ...(typeof device === 'string' ? { device } : {}),
      ...(typeof seq === 'number' ? { seq } : {}),
      code: err.code,
      reason: err.message,
    });
    rejectedReasons.push(reason);
  };
  batch.readings.forEach((item, index) => {
    const parsed = readingSchema.safeParse(item);
    if (!parsed.success) return reject(index, item, 'invalid_reading', ingestErrors.INVALID_READING, { reason: issueText(parsed.error) });
    const reading = parsed.data;
    const device = registry.getDevice(reading.device);
    if (!device) return reject(index, item, 'unknown_device', ingestErrors.UNKNOWN_DEVICE, { device: reading.device });
    if (device.gateway !== gateway) {
      return reject(index, item, 'device_not_owned', ingestErrors.DEVICE_NOT_OWNED, { device: reading.device, owner: device.gateway, gateway });
    }
    accepted.push(reading);
  });
  return { kind: 'batch', batch: batch.batch, total: batch.readings.length, accepted, rejected, rejectedReasons };
}
