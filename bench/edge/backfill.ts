import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadingDraft } from '@zenne/device-profiles';
import { DurableBuffer } from '../../edge-agent/src/buffer/index.ts';
import { uplinkConfigSchema } from '../../edge-agent/src/config/schema.ts';
import { silentLogger } from '../../edge-agent/src/logger.ts';
import { MqttUplink } from '../../edge-agent/src/uplink/index.ts';
import { startIngestHarness } from '../../edge-agent/test/helpers/ingest-harness.ts';
import { startMosquitto } from '../../test/support/mosquitto.ts';

export interface BackfillResult {
  configured_per_s: number;
  readings: number;
  seconds: number;
  measured_per_s: number;
}

/**
 * Drains a backlog of `drafts` (buffered while "the cloud was away") through
 * the real MQTT uplink to Debian's mosquitto, acknowledged by the agent tests'
 * stand-in ingest, at the configured backfill rate; measures the drain.
 */
export async function measureBackfill(drafts: ReadingDraft[], ratePerS: number): Promise<BackfillResult> {
  const dir = mkdtempSync(join(tmpdir(), 'zenne-bench-backfill-'));
  const broker = await startMosquitto();
  const ingest = await startIngestHarness(broker.url, 'gw-bench');
  const buffer = await DurableBuffer.open(join(dir, 'buffer'));
  try {
    for (let i = 0; i < drafts.length; i += 500) await buffer.append(drafts.slice(i, i + 500));
    const uplink = new MqttUplink({
      gateway: 'gw-bench',
      cloud: { mqtt_url: broker.url, username: 'gw-bench', password: 'unused-by-mosquitto' },
      uplink: uplinkConfigSchema.parse({ backfill_max_readings_per_s: ratePerS, batch_max_wait_ms: 50, max_in_flight: 8 }),
      buffer,
      logger: silentLogger(),
    });
    const t0 = performance.now();
    uplink.start();
    while (buffer.depth() > 0) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - t0) / 1000;
    await uplink.stop();
    if (ingest.readings.length !== drafts.length) {
      throw new Error(`backfill delivered ${ingest.readings.length} of ${drafts.length} readings`);
    }
    return { configured_per_s: ratePerS, readings: drafts.length, seconds, measured_per_s: drafts.length / seconds };
  } finally {
    await buffer.close();
    await ingest.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
