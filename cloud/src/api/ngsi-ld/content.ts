import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { openDataErrors } from '../../errors.ts';

/** NGSI-LD core @context of the spec version the routes follow (ETSI GS CIM 009 V1.8.1). */
export const CORE_CONTEXT = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld';
export const CONTEXT_PATH = '/ngsi-ld/v1/context.jsonld';
export const LD_JSON = 'application/ld+json';
const JSON_TYPE = 'application/json';

/**
 * The answer's media type from `Accept` (§6.3.6): application/ld+json puts the
 * @context in the body, application/json (also for no Accept or a wildcard)
 * in a Link header. The first acceptable type listed wins.
 */
function negotiate(request: FastifyRequest): 'ld' | 'json' {
  const accept = request.headers.accept;
  if (!accept) return 'json';
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().split(';').map((s) => s.trim().toLowerCase());
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) continue;
    if (type === LD_JSON) return 'ld';
    if (type === JSON_TYPE || type === 'application/*' || type === '*/*') return 'json';
  }
  throw openDataErrors.NOT_ACCEPTABLE({ accept });
}

/** `http://host:port` of the request, for absolute links. */
export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** Sends entities (one or many) in the negotiated form; `contexts(entity)` gives an entity's @context in ld+json. */
export function sendLd(request: FastifyRequest, reply: FastifyReply, body: Record<string, unknown> | Record<string, unknown>[], contextOf: (e: Record<string, unknown>) => string[]) {
  if (negotiate(request) === 'ld') {
    const withContext = (e: Record<string, unknown>) => ({ ...e, '@context': contextOf(e) });
    return reply.type(LD_JSON).send(Array.isArray(body) ? body.map(withContext) : withContext(body));
  }
  return reply
    .type(JSON_TYPE)
    .header('link', `<${baseUrl(request)}${CONTEXT_PATH}>; rel="http://www.w3.org/ns/json-ld#context"; type="${LD_JSON}"`)
    .send(body);
}

/**
 * Open data is for any web page to read: every answer of the plugin's routes
 * allows any origin (Fetch standard, CORS). A GET with `Accept` needs no
 * preflight, and the routes are read-only, so nothing else is allowed.
 */
export function allowAnyOrigin(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', 'link, ngsild-results-count');
  });
}
