/**
 * Acceptance: headless Chromium opens the viewer of the main job (the demo:
 * cloud, three agents, 24 virtual sensors on ptys and the street lights of a
 * Modbus segment controller): the canvas shows the buildings, there is one
 * point per device of the API (sensors and lamps), and a value
 * pushed through the cloud reaches the page over SSE and changes a point's
 * colour. Screenshots: test-results/main-job/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '@zenne/simulations';
import { EAQI_PM25_BANDS, eaqiPm25Band } from '../../twin-viewer/src/layers/air-quality/eaqi.ts';
import { launchChromium } from '../../twin-viewer/test/support/chromium.ts';
import { SequenceNumbers, TestGateway } from '../../twin-viewer/test/support/gateway.ts';

const root = join(import.meta.dirname, '../..');
const SHOTS = join(root, 'test-results/main-job');

describe('the main job in headless Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'zenne-e2e-main-'));
  let demo: RunningDemo | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    demo = await startDemo({ dataDir, httpPort: 0, mqttPort: 0, historyHours: 2, installSocat: false });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(demo.viewerUrl, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.__zenne?.ready === true, null, { timeout: 120_000 });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the buildings and one point per device of the API', async () => {
    const api = (await (await fetch(`${demo!.apiUrl}/devices`)).json()) as { features: unknown[] };
    expect(api.features.length).toBe(24 + demo!.lighting!.lamps.length);
    const hook = await page.evaluate(() => ({ buildings: window.__zenne!.buildings, sensors: window.__zenne!.sensors }));
    expect(hook.buildings).toBeGreaterThan(1000);
    expect(hook.sensors).toBe(api.features.length);
    await page.screenshot({ path: join(SHOTS, 'main-job.png') });
  });

  it('recolours a point when a value arrives over SSE', async () => {
    const gateway = demo!.fleet.gateways[0]!;
    const device = gateway.devices[0]!.id;
    const secret = readFileSync(join(dataDir, 'agents', gateway.id, 'secret'), 'utf8').trim();
    // Extremely poor: far from anything the replayed Aberdeen series holds at this hour.
    const band = EAQI_PM25_BANDS.at(-1)!;
    const value = 200;
    expect(eaqiPm25Band(value)).toEqual(band);
    expect(await page.evaluate((d) => window.__zenne!.colourOf(d), device)).not.toBe(band.colour);

    const publisher = await TestGateway.connect(demo!.mqttUrl, gateway.id, secret);
    try {
      const seq = new SequenceNumbers();
      const [ack] = await publisher.publish([
        { device, quantity: 'pm2_5', value, unit: 'ug/m3', ts: new Date().toISOString(), seq: seq.take(device), quality: 'good' },
      ]);
      expect(ack!.stored).toBe(1);
      // The virtual sensor keeps reporting every second and will recolour the point again,
      // so poll often rather than on animation frames (SwiftShader draws ~2 per second).
      await page.waitForFunction(([d, c]) => window.__zenne!.colourOf(d!) === c, [device, band.colour], { timeout: 30_000, polling: 20 });
    } finally {
      await publisher.close();
    }
    await page.screenshot({ path: join(SHOTS, 'main-job-live.png') });
  });
});
