import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { gatewayIdSchema } from '@zenne/device-profiles';
import { registryErrors } from '../../errors.ts';
import { accountingReportSchema } from '../../ingest/accounting-report.ts';
import { API_PREFIX, errorBodySchema, type ApiContext } from '../api-context.ts';
import { useRegistryErrorStatuses } from '../assets/registry-writes.ts';

const idParams = z.strictObject({ id: gatewayIdSchema });

const DESCRIPTION = [
  'What the gateway says it sent (its retained status: readings_sent, buffer drops and losses, summed over agent restarts)',
  'against what ingest decided for each batch id once (stored, duplicates, rejected by reason, refused).',
  'balance.in_flight_or_lost = readings_sent - accounted, both taken when the last status arrived: 0 once the gateway is idle.',
  'Totals survive cloud restarts (`<dataDir>/accounting.json`). Read access like /api/v1/stats.',
].join(' ');

/** Loss accounting per gateway: GET /api/v1/gateways/{id}/accounting and the list GET /api/v1/accounting. */
export default async function accountingApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  useRegistryErrorStatuses(app);
  const { accounting, registry } = ctx;

  app.get(`${API_PREFIX}/accounting`, {
    schema: {
      summary: 'Loss accounting of every registered or counted gateway',
      description: DESCRIPTION,
      tags: ['operations'],
      response: { 200: z.object({ gateways: z.array(accountingReportSchema) }) },
    },
  }, async () => {
    const ids = new Set([...registry.list('gateways').map((g) => g.id), ...accounting.gateways()]);
    return { gateways: [...ids].sort().map((id) => accounting.report(id)) };
  });

  app.get<{ Params: z.infer<typeof idParams> }>(`${API_PREFIX}/gateways/:id/accounting`, {
    schema: {
      summary: 'Loss accounting of one gateway: sent, stored, duplicates, rejected by reason, dropped at the gateway, in flight',
      description: DESCRIPTION,
      tags: ['operations'],
      params: idParams,
      response: { 200: accountingReportSchema, 404: errorBodySchema },
    },
  }, async (request) => {
    const { id } = request.params;
    if (!registry.getGateway(id) && !accounting.gateways().includes(id)) {
      throw registryErrors.NOT_FOUND({ kind: 'gateway', id, path: 'accounting' });
    }
    return accounting.report(id);
  });
}
