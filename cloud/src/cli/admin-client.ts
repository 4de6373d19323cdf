import { readAdminFile } from '../api/provisioning/admin-file.ts';
import { provisioningErrors } from '../errors.ts';

/**
 * Calls an admin route of the cloud running with data directory `dir`, over
 * loopback HTTP with the token of `dir/admin.json` (see admin-file.ts).
 * Resolves with the HTTP status and the parsed JSON body; throws
 * ADMIN_UNAVAILABLE when there is no running cloud to ask.
 */
export async function adminRequest(dir: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  let admin;
  try {
    admin = await readAdminFile(dir);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no admin.json: the cloud is not running with this data directory' : (err as Error).message;
    throw provisioningErrors.ADMIN_UNAVAILABLE({ dir, reason }, { cause: err });
  }
  let response: Response;
  try {
    response = await fetch(`${admin.http_url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${admin.token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw provisioningErrors.ADMIN_UNAVAILABLE({ dir, reason: `${admin.http_url} does not answer (${(err as Error).message}); admin.json may be left over from a crash` }, { cause: err });
  }
  return { status: response.status, json: await response.json() };
}
