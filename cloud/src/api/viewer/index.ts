import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { ApiContext } from '../api-context.ts';

const NOT_BUILT = (dir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Zenne</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Zenne cloud</h1>
<p>The twin viewer is not built: <code>${dir}</code> has no <code>index.html</code>.</p>
<p>Build it with <code>npm run build -w twin-viewer</code> and restart, or pass <code>--viewer-dir</code>.</p>
<p>The API is up: <a href="/api/v1/docs">/api/v1/docs</a>.</p>
</body></html>
`;

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** GET /: the built twin viewer, or a page saying how to build it. */
export default async function viewer(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  if (existsSync(join(ctx.viewerDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: ctx.viewerDir, prefix: '/' });
    return;
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(NOT_BUILT(escapeHtml(ctx.viewerDir))));
}
