/**
 * bench/ingest — end-to-end ingest rate of the Zenne cloud (MQTT publish →
 * authenticated, validated, deduplicated, durably stored, acknowledged, hence
 * queryable) beside Debian's Mosquitto raw QoS 1 pub→sub rate, measured in the
 * same run with the same payload bytes, batch sizes and in-flight window.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '@zenne/device-profiles';
import { startCloudProcess } from '../../test/support/cloud-process.ts';
import { startMosquitto } from '../../test/support/mosquitto.ts';
import { realPmSeries } from '../lib-real-series.ts';

const HELP = `bench/ingest — readings/s end to end, Zenne cloud beside raw Mosquitto

Usage: npm run bench:ingest -- [options]

Options:
  --readings N   readings to send per system (default 100000)
  --batch N      readings per MQTT message (default 500, the agent's default)
  --window N     batches in flight before waiting (default 8)
  --devices N    distinct devices (default 100)
  --help         this text

Examples:
  npm run bench:ingest
  npm run bench:ingest -- --readings 20000 --batch 100

Prints a table and writes bench/results/ingest-<timestamp>.json.`;

const { values: opt } = parseArgs({
  options: {
    readings: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '500' },
    window: { type: 'string', default: '8' },
    devices: { type: 'string', default: '100' },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(HELP);
  process.exit(0);
}
const totalReadings = Number(opt.readings);
const batchSize = Number(opt.batch);
const windowSize = Number(opt.window);
const deviceCount = Number(opt.devices);
const root = join(import.meta.dirname, '../..');
const gateway = 'bench-gw';
const secret = 'bench-secret-not-for-production';

/** Pre-serialised batches, so both systems get exactly the same bytes. */
function buildPayloads(): string[] {
  const values = realPmSeries();
  const t0 = Date.now() - totalReadings * 10;
  const seqBase = t0 * 1000;
  const payloads: string[] = [];
  let n = 0;
  for (let b = 0; n < totalReadings; b++) {
    const readings = [];
    for (let i = 0; i < batchSize && n < totalReadings; i++, n++) {
      const dev = n % deviceCount;
      const step = Math.floor(n / deviceCount);
      const { pm2_5: pm25, pm10 } = values[step % values.length]!;
      const quantity = step % 2 === 0 ? 'pm2_5' : 'pm10';
      readings.push({
        device: `bench-${String(dev).padStart(4, '0')}`,
        quantity,
        value: quantity === 'pm2_5' ? pm25 : pm10,
        unit: 'ug/m3',
        ts: new Date(t0 + n * 10).toISOString(),
        seq: seqBase + step,
        quality: 'good',
      });
    }
    payloads.push(JSON.stringify({ v: 1, gateway, batch: `bench-${b}`, sent: new Date().toISOString(), readings }));
  }
  return payloads;
}

/** Publishes with at most `windowSize` unfinished batches; `done(i)` is called when batch i completes. */
async function pump(client: MqttClient, topic: string, payloads: string[], completion: (onDone: (batch: number) => void) => void): Promise<number> {
  let next = 0;
  let finished = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const send = () => {
      while (next < payloads.length && next - finished < windowSize) {
        client.publish(topic, payloads[next++]!, { qos: 1 }, (err) => err && reject(err));
      }
    };
    completion(() => {
      finished++;
      if (finished === payloads.length) resolve();
      else send();
    });
    send();
  });
  return (performance.now() - t0) / 1000;
}

async function benchMosquitto(payloads: string[]): Promise<number> {
  const broker = await startMosquitto();
  try {
    const sub = await mqtt.connectAsync(broker.url, { clientId: 'bench-sub', clean: true });
    const topic = topics.readings(gateway);
    await sub.subscribeAsync(topic, { qos: 1 });
    const pub = await mqtt.connectAsync(broker.url, { clientId: 'bench-pub' });
    const seconds = await pump(pub, topic, payloads, (onDone) => sub.on('message', () => onDone(0)));
    await pub.endAsync();
    await sub.endAsync();
    return seconds;
  } finally {
    await broker.close();
  }
}

async function benchZenne(payloads: string[]): Promise<{ seconds: number; stored: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zenne-bench-'));
  const seed = join(dataDir, 'seed.yaml');
  const devices = Array.from({ length: deviceCount }, (_, i) =>
    `  - { id: bench-${String(i).padStart(4, '0')}, gateway: ${gateway}, profile: nova-sds011, name: bench ${i}, site: bench, location: { lon: 4.352853, lat: 50.849402, height: 3 } }`,
  );
  writeFileSync(seed, [
    'sites: [{ id: bench, name: Bench }]',
    `gateways: [{ id: ${gateway}, site: bench, secret: "${secret}" }]`,
    'devices:',
    ...devices,
  ].join('\n') + '\n');
  const cloud = await startCloudProcess({ dataDir: join(dataDir, 'cloud'), seed });
  try {
    const client = await mqtt.connectAsync(cloud.mqttUrl, { clientId: gateway, username: gateway, password: secret });
    await client.subscribeAsync(topics.ack(gateway), { qos: 1 });
    let stored = 0;
    const seconds = await pump(client, topics.readings(gateway), payloads, (onDone) =>
      client.on('message', (_t, msg) => {
        const ack = JSON.parse(msg.toString()) as { stored: number; duplicates: number; rejected: unknown[] };
        stored += ack.stored;
        onDone(0);
      }),
    );
    await client.endAsync();
    return { seconds, stored };
  } finally {
    await cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const payloads = buildPayloads();
const bytes = payloads.reduce((s, p) => s + Buffer.byteLength(p), 0);
console.error(`bench/ingest: ${totalReadings} readings in ${payloads.length} messages of ${batchSize} (${(bytes / payloads.length / 1024).toFixed(1)} KiB each), window ${windowSize}`);
console.error('measuring Mosquitto raw QoS 1 pub→sub ...');
const mosqSeconds = await benchMosquitto(payloads);
console.error('measuring Zenne end to end (publish → stored → ack) ...');
const zenne = await benchZenne(payloads);
if (zenne.stored !== totalReadings) throw new Error(`Zenne stored ${zenne.stored} of ${totalReadings} readings`);

const rows = [
  { system: 'mosquitto raw pub→sub (QoS 1)', seconds: mosqSeconds, readings_per_s: totalReadings / mosqSeconds },
  { system: 'zenne publish→stored→ack', seconds: zenne.seconds, readings_per_s: totalReadings / zenne.seconds },
];
console.log('\n| system | readings | messages | seconds | readings/s | vs mosquitto |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.system} | ${totalReadings} | ${payloads.length} | ${r.seconds.toFixed(2)} | ${Math.round(r.readings_per_s)} | ${(r.readings_per_s / rows[0]!.readings_per_s).toFixed(2)}× |`);
}
const outDir = join(root, 'bench/results');
mkdirSync(outDir, { recursive: true });
const out = join(outDir, `ingest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ readings: totalReadings, batch: batchSize, window: windowSize, devices: deviceCount, bytes_per_message: bytes / payloads.length, rows }, null, 2));
console.log(`\nwritten ${out}`);
