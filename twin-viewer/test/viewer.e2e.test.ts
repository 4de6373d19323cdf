import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Reading } from '@zenne/device-profiles';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EAQI_PM25_BANDS, eaqiPm25Band } from '../src/layers/air-quality/eaqi.ts';
import { launchChromium } from './support/chromium.ts';
import { startCloudProcess, type CloudProcess } from '../../test/support/cloud-process.ts';
import { SequenceNumbers, TestGateway } from './support/gateway.ts';
import { ensureViewerBuilt, viewerDist, viewerRoot } from './support/viewer-build.ts';

/**
 * The viewer against the real cloud: zenne-cloud serves twin-viewer/dist and the API, a test
 * gateway publishes over MQTT, Chromium (SwiftShader WebGL) renders the scene. Screenshots go
 * to test-results/viewer/.
 */

const SEED = path.join(viewerRoot, 'test/fixtures/seed.yaml');
const HISTORY_CSV = path.join(viewerRoot, 'test/fixtures/sensor-community-5331-2019-05-15.csv');
const SHOTS = path.resolve(viewerRoot, '../test-results/viewer');
const GATEWAY = { id: 'gw-monnaie', secret: 'viewer e2e secret' };

const GOOD = EAQI_PM25_BANDS[0]!;
const POOR = EAQI_PM25_BANDS[3]!;

function reading(seq: SequenceNumbers, device: string, quantity: 'pm2_5' | 'pm10', value: number, ts: Date, quality: Reading['quality'] = 'good'): Reading {
  return {
    device,
    quantity,
    value,
    unit: 'ug/m3',
    ts: ts.toISOString(),
    seq: seq.take(device),
    quality,
    ...(quality === 'good' ? {} : { reasons: ['implausible_jump' as const] }),
  };
}

/** The real Sensor.Community day, shifted so that it ends five minutes ago. */
async function replayedDay(seq: SequenceNumbers, device: string, now: Date): Promise<Reading[]> {
  const rows = (await readFile(HISTORY_CSV, 'utf8')).trim().split('\n').slice(1).map((line) => line.split(';'));
  const times = rows.map((r) => Date.parse(`${r[5]}Z`));
  const shift = now.getTime() - 5 * 60_000 - Math.max(...times);
  const out: Reading[] = [];
  rows.forEach((r, i) => {
    const ts = new Date(times[i]! + shift);
    out.push(reading(seq, device, 'pm10', Number(r[6]), ts), reading(seq, device, 'pm2_5', Number(r[9]), ts));
  });
  return out;
}

describe('twin viewer end to end (real cloud, Chromium)', () => {
  let cloud: CloudProcess | undefined;
  let gateway: TestGateway | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page;
  let dataDir: string;
  const seq = new SequenceNumbers();
  const offOrigin: string[] = [];

  beforeAll(async () => {
    ensureViewerBuilt();
    await mkdir(SHOTS, { recursive: true });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'zenne-viewer-e2e-'));
    cloud = await startCloudProcess({ dataDir, seed: SEED, viewerDir: viewerDist });
    gateway = await TestGateway.connect(cloud.mqttUrl, GATEWAY.id, GATEWAY.secret);

    const now = new Date();
    const acks = await gateway.publish([
      ...(await replayedDay(seq, 'aq-monnaie-01', now)),
      reading(seq, 'aq-fripiers-01', 'pm2_5', 18.4, now),
      reading(seq, 'aq-neuve-01', 'pm2_5', 3.2, now),
      reading(seq, 'aq-ecuyer-01', 'pm2_5', 41.0, now, 'suspect'),
    ]);
    for (const ack of acks) expect(ack.rejected, JSON.stringify(ack.rejected)).toEqual([]);

    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const origin = new URL(cloud.httpUrl).origin;
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) offOrigin.push(url);
    });
    await page.goto(cloud.httpUrl, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.__zenne?.ready === true, null, { timeout: 120_000 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await cloud?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('draws the buildings of central Brussels and one point per sensor of the API', async () => {
    const api = (await (await fetch(`${cloud!.httpUrl}/api/v1/devices`)).json()) as {
      features: { properties: { quantities: string[] } }[];
    };
    const pmDevices = api.features.filter((f) => f.properties.quantities.includes('pm2_5')).length;
    const hook = await page.evaluate(() => ({ buildings: window.__zenne!.buildings, sensors: window.__zenne!.sensors }));
    expect(hook.buildings).toBeGreaterThan(1000);
    expect(pmDevices).toBe(4);
    expect(hook.sensors).toBe(pmDevices);
    expect(await page.evaluate(() => window.__zenne!.colourOf('aq-fripiers-01'))).toBe(eaqiPm25Band(18.4)!.colour);
    await page.screenshot({ path: path.join(SHOTS, 'scene.png') });
  });

  it('recolours a sensor live when a new PM2.5 value crosses an EAQI band', async () => {
    expect(await page.evaluate(() => window.__zenne!.colourOf('aq-neuve-01'))).toBe(GOOD.colour);
    const [ack] = await gateway!.publish([reading(seq, 'aq-neuve-01', 'pm2_5', 62.5, new Date())]);
    expect(ack!.stored).toBe(1);
    await page.waitForFunction((colour) => window.__zenne!.colourOf('aq-neuve-01') === colour, POOR.colour, { timeout: 30_000 });
    await page.screenshot({ path: path.join(SHOTS, 'live-update.png') });
  });

  it('opens the sensor panel with a 24 h chart when a sensor is clicked', async () => {
    const at = await page.evaluate(() => window.__zenne!.screenPositionOf('aq-monnaie-01'));
    expect(at).not.toBeNull();
    await page.mouse.click(at!.x, at!.y);
    const panel = page.locator('#panel .sensor-panel[data-device="aq-monnaie-01"]');
    await panel.waitFor({ timeout: 30_000 });
    await page.locator('#panel figure[data-quantity="pm2_5"] svg.history-chart path.chart-avg').waitFor({ timeout: 30_000 });
    await page.locator('#panel figure[data-quantity="pm10"] svg.history-chart path.chart-band').waitFor({ timeout: 30_000 });
    expect(await page.locator('#panel h2').textContent()).toBe('Place de la Monnaie 1');
    await page.screenshot({ path: path.join(SHOTS, 'panel.png') });
  });

  it('sent no request anywhere but its own origin', () => {
    expect(offOrigin).toEqual([]);
  });
});
