import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { provisioningErrors } from '../errors.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Guards every write route until API keys with roles exist: only loopback
 * peers presenting the bearer token of `<dataDir>/admin.json` (see
 * provisioning/admin-file.ts) get through. Throws ADMIN_DENIED otherwise.
 */
export function checkAdmin(request: FastifyRequest, token: string): void {
  if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) {
    throw provisioningErrors.ADMIN_DENIED({ reason: `admin routes answer loopback peers only, not ${request.socket.remoteAddress}` });
  }
  const presented = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    throw provisioningErrors.ADMIN_DENIED({ reason: 'missing or wrong admin token' });
  }
}
