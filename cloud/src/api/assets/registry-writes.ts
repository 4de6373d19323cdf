import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { provisioningErrors, registryErrors } from '../../errors.ts';
import { checkAdmin } from '../admin-auth.ts';
import { useErrorStatuses } from '../error-statuses.ts';
import type { ApiContext } from '../api-context.ts';

const STATUS_BY_CODE: Record<string, number> = {
  [provisioningErrors.ADMIN_DENIED.code]: 403,
  [registryErrors.UPLOAD_UNREADABLE.code]: 400,
  [registryErrors.IFC_INVALID.code]: 400,
  [registryErrors.NOT_FOUND.code]: 404,
  [registryErrors.ALREADY_EXISTS.code]: 409,
  [registryErrors.UPLOAD_TOO_LARGE.code]: 413,
  [registryErrors.WRITE_FAILED.code]: 503,
};

/**
 * For a registry plugin: answers its registry and admin refusals with their
 * HTTP status; any other error goes on to the app's error handler.
 */
export function useRegistryErrorStatuses(app: FastifyInstance): void {
  useErrorStatuses(app, STATUS_BY_CODE);
}

/**
 * preHandler of every registry write: until API keys with roles exist, only
 * the admin (loopback + the token of `<dataDir>/admin.json`) may change the
 * registry.
 */
export function adminOnly(ctx: ApiContext) {
  return async (request: FastifyRequest): Promise<void> => checkAdmin(request, ctx.provisioning.adminToken);
}

export const ADMIN_SECURITY_NOTE = 'Admin only: loopback peers with `Authorization: Bearer <token of DATA_DIR/admin.json>`.';

export const dryRunQuerySchema = z.strictObject({
  dry_run: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('check and count only; write nothing'),
});

const rowErrorSchema = z.object({
  row: z.number().describe('1-based data row (a CSV header line is not a row)'),
  where: z.string().describe('where to find the row: "line 7" (CSV) or "features[5]" (GeoJSON) or "[5]" (JSON array)'),
  id: z.string().optional(),
  field: z.string().describe('the field as the uploaded format names it'),
  code: z.string(),
  message: z.string(),
});

export const uploadResultSchema = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  errors: z.array(rowErrorSchema),
});
