import { z } from 'zod';
import { deviceIdSchema, scenarioIdSchema, type DeviceProfile } from '@zenne/device-profiles';
import type { AlertService, AlertStats } from '../alerts/alert-service.ts';
import type { BrokerStats } from '../broker/broker.ts';
import type { PublicFeedStats } from '../feeds/public-mqtt-feed.ts';
import type { CommandService, CommandStats } from '../commands/command-service.ts';
import type { OpenDataPublisher } from '../opendata/publisher.ts';
import type { LossAccounting } from '../ingest/accounting.ts';
import type { GatewayStatusStats } from '../ingest/gateway-status.ts';
import type { IngestStats } from '../ingest/ingest-stats.ts';
import type { LiveBus } from '../ingest/live-bus.ts';
import type { Provisioning, ProvisioningStats } from './provisioning/provisioning.ts';
import type { Registry, RegistryCounts } from '../registry/registry.ts';
import type { ReadingStore } from '../stores/store.ts';

export interface CloudStats {
  uptime_s: number;
  ingest: IngestStats;
  broker: BrokerStats;
  gateway_status: GatewayStatusStats;
  registry: RegistryCounts;
  provisioning: ProvisioningStats;
  commands: CommandStats;
  alerts: AlertStats;
  /** The public MQTT feed, when enabled. */
  public_feed?: PublicFeedStats;
}

/** What the HTTP plugins may use; passed to each as its options. */
export interface ApiContext {
  store: ReadingStore;
  registry: Registry;
  profiles: ReadonlyMap<string, DeviceProfile>;
  live: LiveBus;
  /** Claim codes: issue (admin) and redeem (technicians). */
  provisioning: Provisioning;
  /** Downstream commands to devices through their gateways. */
  commands: CommandService;
  /** Public open data: NGSI-LD entities and the DCAT-AP catalogue. */
  openData: OpenDataPublisher;
  /** Alert rules, alerts and their events. */
  alerts: AlertService;
  /** Per-gateway loss accounting: sent by the gateway against acknowledged by ingest. */
  accounting: LossAccounting;
  stats: () => CloudStats;
  /** Directory of the built twin viewer. */
  viewerDir: string;
  /** Interval of SSE heartbeat comments (ms). */
  sseHeartbeatMs: number;
}

export const API_PREFIX = '/api/v1';

/** A comma-separated list of device ids, e.g. `?device=aq-1,aq-2`. */
export const deviceListParam = z
  .string()
  .transform((s) => s.split(',').map((d) => d.trim()).filter((d) => d.length > 0))
  .pipe(z.array(deviceIdSchema).min(1, 'give at least one device id').max(1000))
  .describe('comma-separated device ids');

export const scenarioParam = scenarioIdSchema.describe('scenario run id; absent for real data');

/** The `{ code, message }` body of every error answer. */
export const errorBodySchema = z.object({ code: z.string(), message: z.string() });
