import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deviceIdSchema } from '@zenne/device-profiles';
import { apiErrors } from '../../errors.ts';
import { bulkUpsert, type UploadRow } from '../../registry/bulk-upsert.ts';
import { API_PREFIX, errorBodySchema, type ApiContext } from '../api-context.ts';
import {
  ADMIN_SECURITY_NOTE,
  adminOnly,
  dryRunQuerySchema,
  uploadResultSchema,
  useRegistryErrorStatuses,
} from '../assets/registry-writes.ts';
import { csvFieldName, devicesCsv, readDevicesCsv } from './device-csv.ts';
import { deviceCollectionSchema, deviceFeature, deviceFeatureSchema, geoJsonFieldName, readDevicesGeoJson, uploadCollectionSchema } from './device-geojson.ts';

/** Room for 10 000 devices of a few hundred bytes each (the row limit of one upload). */
const UPLOAD_BODY_LIMIT = 16 * 1024 * 1024;
const CSV_TYPE = 'text/csv';
const GEOJSON_TYPE = 'application/geo+json';

const exportQuerySchema = z.strictObject({
  format: z.enum(['geojson', 'csv']).default('geojson').describe('geojson (default) or csv, in the columns the CSV upload takes'),
});

/**
 * GET /api/v1/devices (GeoJSON or CSV), GET /api/v1/devices/{id}, and
 * POST /api/v1/devices: bulk upsert from CSV or GeoJSON with per-row errors.
 */
export default async function devicesApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  useRegistryErrorStatuses(app);
  app.addContentTypeParser(CSV_TYPE, { parseAs: 'string', bodyLimit: UPLOAD_BODY_LIMIT }, (_request, body, done) => done(null, body));
  app.addContentTypeParser(GEOJSON_TYPE, { parseAs: 'string', bodyLimit: UPLOAD_BODY_LIMIT }, app.getDefaultJsonParser('error', 'error'));

  app.get<{ Querystring: z.infer<typeof exportQuerySchema> }>(`${API_PREFIX}/devices`, {
    schema: {
      summary: 'All registered devices: a GeoJSON FeatureCollection, or CSV with format=csv',
      tags: ['devices'],
      querystring: exportQuerySchema,
      produces: [GEOJSON_TYPE, CSV_TYPE],
      response: { 200: deviceCollectionSchema },
    },
  }, async (request, reply) => {
    const devices = ctx.registry.listDevices();
    if (request.query.format === 'csv') {
      return reply.type(`${CSV_TYPE}; charset=utf-8`).header('content-disposition', 'attachment; filename="devices.csv"').send(devicesCsv(devices));
    }
    return { type: 'FeatureCollection' as const, features: devices.map((d) => deviceFeature(d, ctx.profiles.get(d.profile))) };
  });

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/devices/:id`, {
    schema: {
      summary: 'One device as a GeoJSON Feature',
      tags: ['devices'],
      params: z.object({ id: deviceIdSchema }),
      response: { 200: deviceFeatureSchema, 404: errorBodySchema },
    },
  }, async (request) => {
    const device = ctx.registry.getDevice(request.params.id);
    if (!device) throw apiErrors.DEVICE_NOT_FOUND({ device: request.params.id });
    return deviceFeature(device, ctx.profiles.get(device.profile));
  });

  app.post<{ Body: unknown; Querystring: z.infer<typeof dryRunQuerySchema> }>(`${API_PREFIX}/devices`, {
    bodyLimit: UPLOAD_BODY_LIMIT,
    preHandler: adminOnly(ctx),
    schema: {
      summary: 'Create or update devices in bulk from CSV (text/csv) or GeoJSON (application/geo+json)',
      description:
        `${ADMIN_SECURITY_NOTE} Idempotent upsert by id: good rows are written (in one transaction), bad rows are ` +
        'reported in `errors` with their row and field and skipped. Up to 10 000 rows per call.',
      tags: ['devices'],
      consumes: [CSV_TYPE, GEOJSON_TYPE, 'application/json'],
      querystring: dryRunQuerySchema,
      // Loose here so that a malformed collection gets UPLOAD_UNREADABLE with the reason, not a bare 400.
      body: z.union([z.string().describe('CSV with a header line'), z.looseObject({}).describe(uploadCollectionSchema.description!)]),
      response: { 200: uploadResultSchema, 400: errorBodySchema, 403: errorBodySchema, 413: errorBodySchema },
    },
  }, async (request) => {
    const csv = typeof request.body === 'string';
    const rows: UploadRow[] = csv ? readDevicesCsv(request.body as string) : readDevicesGeoJson(request.body);
    const result = await bulkUpsert(ctx.registry, 'devices', rows, ctx.profiles, {
      fieldName: csv ? csvFieldName : geoJsonFieldName,
      dryRun: request.query.dry_run,
    });
    request.log.info({ format: csv ? 'csv' : 'geojson', rows: rows.length, ...result, errors: result.errors.length, dry_run: request.query.dry_run }, 'devices uploaded');
    return result;
  });
}
