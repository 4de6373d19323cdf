import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema } from '@zenne/device-profiles';
import { registryErrors } from '../../errors.ts';
import { bulkUpsert } from '../../registry/bulk-upsert.ts';
import { ifcRooms } from '../../registry/ifc-spaces.ts';
import { buildingSchema } from '../../registry/registry.ts';
import { API_PREFIX, errorBodySchema, type ApiContext } from '../api-context.ts';
import { ASSET_KINDS, type AssetKind } from './asset-kinds.ts';
import { ADMIN_SECURITY_NOTE, adminOnly, dryRunQuerySchema, uploadResultSchema, useRegistryErrorStatuses } from './registry-writes.ts';

const idParams = z.strictObject({ id: idSchema });
/** IFC models of whole buildings run to tens of MiB (the FZK-Haus test model alone is 2.5 MiB). */
const IFC_BODY_LIMIT = 64 * 1024 * 1024;
const IFC_TYPES = ['application/x-step', 'application/p21', 'model/ifc'];

function registerKind(app: FastifyInstance, ctx: ApiContext, { kind, path, noun, schema }: AssetKind): void {
  const url = `${API_PREFIX}/${path}`;
  app.get(url, {
    schema: { summary: `All ${path.replace('-', ' ')}`, tags: ['registry'], response: { 200: z.array(schema) } },
  }, async () => ctx.registry.list(kind));

  app.get<{ Params: z.infer<typeof idParams> }>(`${url}/:id`, {
    schema: { summary: `One ${noun}`, tags: ['registry'], params: idParams, response: { 200: schema, 404: errorBodySchema } },
  }, async (request) => {
    const row = ctx.registry.get(kind, request.params.id);
    if (!row) throw registryErrors.NOT_FOUND({ kind: noun, id: request.params.id, path });
    return row;
  });

  app.put<{ Body: unknown[]; Querystring: z.infer<typeof dryRunQuerySchema> }>(url, {
    preHandler: adminOnly(ctx),
    schema: {
      summary: `Create or update ${path.replace('-', ' ')} in bulk (idempotent upsert by id, per-row errors)`,
      description: `${ADMIN_SECURITY_NOTE} Good rows are written in one transaction, bad rows are reported and skipped; a row replaces the stored one whole.`,
      tags: ['registry'],
      querystring: dryRunQuerySchema,
      body: z.array(z.unknown()).describe(`${noun} rows, as GET ${url} returns them`),
      response: { 200: uploadResultSchema, 400: errorBodySchema, 403: errorBodySchema, 413: errorBodySchema },
    },
  }, async (request) => {
    const rows = request.body.map((value, i) => ({ row: i + 1, where: `[${i}]`, value }));
    const result = await bulkUpsert(ctx.registry, kind, rows, ctx.profiles, { dryRun: request.query.dry_run });
    request.log.info({ kind, rows: rows.length, ...result, errors: result.errors.length }, 'registry rows uploaded');
    return result;
  });
}

/**
 * Sites, buildings (with rooms), street segments and lamp posts: public
 * reads, admin bulk upserts, and the rooms of a building from its IFC model.
 */
export default async function assetsApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  useRegistryErrorStatuses(app);
  app.addContentTypeParser(IFC_TYPES, { parseAs: 'string', bodyLimit: IFC_BODY_LIMIT }, (_request, body, done) => done(null, body));
  for (const kind of ASSET_KINDS) registerKind(app, ctx, kind);

  app.put<{ Params: z.infer<typeof idParams>; Querystring: { file?: string }; Body: string }>(`${API_PREFIX}/buildings/:id/rooms`, {
    bodyLimit: IFC_BODY_LIMIT,
    preHandler: adminOnly(ctx),
    schema: {
      summary: "Replace a building's rooms by the IfcSpaces of its IFC model, keyed by GlobalId",
      description: `${ADMIN_SECURITY_NOTE} Body: the IFC file (STEP, ISO 10303-21) as ${IFC_TYPES.join(' or ')}.`,
      tags: ['registry'],
      consumes: IFC_TYPES,
      params: idParams,
      querystring: z.strictObject({ file: z.string().min(1).max(200).optional().describe('name of the model, kept as the building ifc_model') }),
      body: z.string().describe('IFC model, STEP physical file'),
      response: { 200: buildingSchema, 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
    },
  }, async (request) => {
    const building = ctx.registry.get('buildings', request.params.id);
    if (!building) throw registryErrors.NOT_FOUND({ kind: 'building', id: request.params.id, path: 'buildings' });
    const updated = { ...building, ifc_model: request.query.file ?? building.ifc_model ?? `${building.id}.ifc`, rooms: ifcRooms(request.body) };
    const roomIds = new Set(updated.rooms.map((r) => r.id));
    const orphans = ctx.registry.listDevices().filter((d) => d.building === building.id && d.room !== undefined && !roomIds.has(d.room));
    if (orphans.length > 0) {
      const list = orphans.slice(0, 10).map((d) => `${d.id} (room ${d.room})`).join(', ');
      throw registryErrors.IFC_INVALID({ reason: `it lacks the rooms of ${orphans.length} device(s): ${list}; move those devices first` });
    }
    await ctx.registry.apply({ buildings: [updated] });
    request.log.info({ building: updated.id, rooms: updated.rooms.length, ifc_model: updated.ifc_model }, 'building rooms replaced from its IFC model');
    return updated;
  });
}
