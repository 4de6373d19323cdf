import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Reading } from '@zenne/device-profiles';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_BITS } from '../../simulations/src/devices/lamp-controller/luminaire.ts';
import { EAQI_PM25_BANDS, eaqiPm25Band } from '../src/layers/air-quality/eaqi.ts';
import { FAULT_COLOUR, levelBand } from '../src/layers/street-lighting/lamp-style.ts';
import { launchChromium } from './support/chromium.ts';
import { lampDay, lampPosts, lampReadings, writeSeedWithLamps } from './support/lamp-fleet.ts';
import { startCloudProcess, type CloudProcess } from '../../test/support/cloud-process.ts';
import { SequenceNumbers, TestGateway } from './support/gateway.ts';
import { ensureViewerBuilt, viewerDist, viewerRoot } from './support/viewer-build.ts';

/**
 * The viewer against the real cloud: zenne-cloud serves twin-viewer/dist and the API, a test
 * gateway publishes over MQTT, Chromium (SwiftShader WebGL) renders the scene. The seed is the
 * fixture's four air-quality sensors plus one lamp controller per lamp post of
 * simulations/src/fleet/lamp-posts.ts. Screenshots go to test-results/viewer/.
 */

const FIXTURE_SEED = path.join(viewerRoot, 'test/fixtures/seed.yaml');
const HISTORY_CSV = path.join(viewerRoot, 'test/fixtures/sensor-community-5331-2019-05-15.csv');
const SHOTS = path.resolve(viewerRoot, '../test-results/viewer');
const GATEWAY = { id: 'gw-monnaie', secret: 'viewer e2e secret' };

const GOOD = EAQI_PM25_BANDS[0]!;
const POOR = EAQI_PM25_BANDS[3]!;
const LAMPS = lampPosts();
/** Each street on one step of the night profile, so the streets differ in the picture. */
const STREET_LEVELS = [100, 70, 50] as const;
const streetLevel = (street: string): number => STREET_LEVELS[[...new Set(LAMPS.map((l) => l.street))].indexOf(street) % STREET_LEVELS.length]!;
const FAULTY_LAMP = LAMPS.find((l) => l.street === 'Rue Neuve')!.id;
const SUSPECT_LAMP = LAMPS.filter((l) => l.street === 'Boulevard Anspach')[1]!.id;
/** The lamp with 24 h of history, clicked for its panel. */
const PANEL_LAMP = LAMPS[0]!;

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
    const seed = path.join(dataDir, 'seed.yaml');
    await writeSeedWithLamps(FIXTURE_SEED, seed, GATEWAY.id, LAMPS);
    cloud = await startCloudProcess({ dataDir: path.join(dataDir, 'cloud'), seed, viewerDir: viewerDist });
    gateway = await TestGateway.connect(cloud.mqttUrl, GATEWAY.id, GATEWAY.secret);

    const now = new Date();
    const acks = await gateway.publish([
      ...(await replayedDay(seq, 'aq-monnaie-01', now)),
      reading(seq, 'aq-fripiers-01', 'pm2_5', 18.4, now),
      reading(seq, 'aq-neuve-01', 'pm2_5', 3.2, now),
      reading(seq, 'aq-ecuyer-01', 'pm2_5', 41.0, now, 'suspect'),
      ...lampDay(seq, PANEL_LAMP.id, now),
      ...LAMPS.flatMap((lamp) =>
        lampReadings(
          seq,
          lamp.id,
          lamp.id === FAULTY_LAMP
            ? { level: 0, faults: FAULT_BITS.lamp }
            : { level: streetLevel(lamp.street), quality: lamp.id === SUSPECT_LAMP ? 'suspect' : 'good' },
          now,
        ),
      ),
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

  it('draws the buildings of central Brussels and one point per sensor and lamp of the API', async () => {
    const api = (await (await fetch(`${cloud!.httpUrl}/api/v1/devices`)).json()) as {
      features: { properties: { quantities: string[] } }[];
    };
    const pmDevices = api.features.filter((f) => f.properties.quantities.includes('pm2_5')).length;
    const lampDevices = api.features.filter((f) => f.properties.quantities.includes('lamp_level')).length;
    const hook = await page.evaluate(() => ({ buildings: window.__zenne!.buildings, sensors: window.__zenne!.sensors }));
    expect(hook.buildings).toBeGreaterThan(1000);
    expect(pmDevices).toBe(4);
    expect(lampDevices).toBe(LAMPS.length);
    expect(hook.sensors).toBe(pmDevices + lampDevices);
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

  it('colours every lamp by its dimming level and highlights the faulty one', async () => {
    const looks = await page.evaluate((ids) => ids.map((id) => window.__zenne!.lookOf(id)), LAMPS.map((l) => l.id));
    expect(looks.every((look) => look !== null)).toBe(true);
    const byId = new Map(LAMPS.map((lamp, i) => [lamp.id, looks[i]!]));
    const healthy = LAMPS.find((l) => l.id !== FAULTY_LAMP && l.id !== SUSPECT_LAMP && l.street === 'Rue Neuve')!;
    expect(byId.get(healthy.id)!.colour).toBe(levelBand(streetLevel('Rue Neuve'))!.colour);
    expect(byId.get(healthy.id)!.outline).not.toBe(FAULT_COLOUR);
    expect(byId.get(FAULTY_LAMP)).toMatchObject({ outline: FAULT_COLOUR, colour: levelBand(0)!.colour });
    expect(byId.get(FAULTY_LAMP)!.pixelSize).toBeGreaterThan(byId.get(healthy.id)!.pixelSize);
    // A suspect level is a ring: its fill nearly transparent, its outline in the level's colour.
    expect(byId.get(SUSPECT_LAMP)!.fillAlpha).toBeLessThan(0.5);
    expect(LAMPS.filter((l) => byId.get(l.id)!.outline === FAULT_COLOUR).map((l) => l.id)).toEqual([FAULTY_LAMP]);
    await page.screenshot({ path: path.join(SHOTS, 'street-lighting.png') });
  });

  it('recolours a lamp live when its dimming level changes', async () => {
    const lamp = LAMPS.find((l) => streetLevel(l.street) === 100 && ![FAULTY_LAMP, SUSPECT_LAMP, PANEL_LAMP.id].includes(l.id))!;
    expect(await page.evaluate((id) => window.__zenne!.colourOf(id), lamp.id)).toBe(levelBand(100)!.colour);
    const acks = await gateway!.publish(lampReadings(seq, lamp.id, { level: 30 }, new Date()));
    expect(acks[0]!.stored).toBe(5);
    await page.waitForFunction(({ id, colour }) => window.__zenne!.colourOf(id) === colour, { id: lamp.id, colour: levelBand(30)!.colour }, { timeout: 30_000 });
  });

  it('opens the lamp panel with level, power and energy and their 24 h charts when a lamp is clicked', async () => {
    const lamp = PANEL_LAMP;
    const at = await page.evaluate((id) => window.__zenne!.screenPositionOf(id), lamp.id);
    expect(at, `${lamp.id} is on screen`).not.toBeNull();
    await page.mouse.click(at!.x, at!.y);
    const panel = page.locator(`#panel .lamp-panel[data-device="${lamp.id}"]`);
    await panel.waitFor({ timeout: 30_000 });
    for (const quantity of ['lamp_level', 'lamp_power', 'energy']) {
      await page.locator(`#panel figure[data-quantity="${quantity}"] svg.history-chart path.chart-avg`).waitFor({ timeout: 30_000 });
    }
    expect(await page.locator('#panel h2').textContent()).toBe(lamp.name);
    expect(await panel.locator('.latest .value').textContent()).toBe(`${streetLevel(lamp.street)} %`);
    expect(await panel.locator('.latest .faults').textContent()).toBe('No fault');
    await page.screenshot({ path: path.join(SHOTS, 'lamp-panel.png') });
  });

  it('switches to Dutch and French from the language menu and puts the language in the address', async () => {
    await page.selectOption('#language-select', 'nl');
    await page.evaluate(() => window.__zenne!.labelsDrawn());
    expect(await page.evaluate(() => window.__zenne!.language)).toBe('nl');
    expect(new URL(page.url()).searchParams.get('lang')).toBe('nl');
    expect(await page.locator('#legend section[data-layer="street-lighting"] h3').textContent()).toContain('Openbare verlichting');
    expect(await page.locator('#legend section[data-layer="air-quality"] h3').textContent()).toContain('Europese luchtkwaliteitsindex');
    expect(await page.evaluate(() => document.title)).toContain('Brussel');
    await page.screenshot({ path: path.join(SHOTS, 'language-nl.png') });
    await page.selectOption('#language-select', 'fr');
    await page.evaluate(() => window.__zenne!.labelsDrawn());
    expect(await page.locator('#legend section[data-layer="street-lighting"] h3').textContent()).toContain('Éclairage public');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    await page.screenshot({ path: path.join(SHOTS, 'language-fr.png') });
  });

  it('hides and shows the street-lighting layer from its legend toggle', async () => {
    const toggle = page.locator('#legend input[type="checkbox"][data-layer="street-lighting"]');
    await toggle.uncheck();
    expect(await page.evaluate(() => window.__zenne!.sensors)).toBe(4);
    await page.screenshot({ path: path.join(SHOTS, 'street-lighting-hidden.png') });
    await toggle.check();
    expect(await page.evaluate(() => window.__zenne!.sensors)).toBe(4 + LAMPS.length);
  });

  it('sent no request anywhere but its own origin', () => {
    expect(offOrigin).toEqual([]);
  });
});
