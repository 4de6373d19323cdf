import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isZenneError } from '@zenne/device-profiles';
import { bridges } from '@zenne/firmware-bridges';
import { sourceKinds } from '../src/sources/index.ts';
import { loadConfig, parseConfigText } from '../src/config/index.ts';

const EXAMPLE = fileURLToPath(new URL('../examples/agent.yaml', import.meta.url));

const HEAD = `gateway: { id: gw-monnaie }
cloud:
  mqtt_url: mqtt://127.0.0.1:1883
  password: "plain text"
state_dir: ./state
`;
const SDS = `  - { id: sds011-01, kind: serial, port: /dev/ttyUSB0, baud_rate: 9600, bridge: sds011, profile: nova-sds011, device: aq-monnaie-01 }\n`;
const PMS = `  - { id: pms5003-01, kind: serial, port: /dev/ttyUSB1, baud_rate: 9600, bridge: pms5003, profile: plantower-pms5003, device: aq-monnaie-02 }\n`;

/** The issues of a refused config, one line each. */
function issuesOf(text: string, path = '/etc/zenne/agent.yaml'): string[] {
  try {
    parseConfigText(text, path);
  } catch (err) {
    if (isZenneError(err) && err.code === 'ZENNE_ERR_AGENT_CONFIG_INVALID') return err.details.list as string[];
    throw err;
  }
  throw new Error('the config was accepted');
}

describe('agent config', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads cloud.ca_file (relative to the file) and refuses one that is missing or holds no certificate', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    await writeFile(join(dir, 'ca.pem'), pem);
    await writeFile(join(dir, 'not-a-ca.txt'), 'hello');
    const withCa = (file: string) =>
      `gateway: { id: gw-monnaie }\ncloud: { mqtt_url: "mqtts://cloud.example.org:8883", password: s3cret, ca_file: ${file} }\nstate_dir: ./state\nsources:\n${SDS}`;
    const load = (file: string) => parseConfigText(withCa(file), join(dir, 'agent.yaml'));
    expect(load('./ca.pem').config.cloud).toEqual({ mqtt_url: 'mqtts://cloud.example.org:8883', username: 'gw-monnaie', password: 's3cret', ca: pem });
    for (const [file, reason] of [['./missing.pem', /ENOENT/], ['./not-a-ca.txt', /holds no PEM certificate/]] as const) {
      try {
        load(file);
        expect.unreachable();
      } catch (err) {
        expect(isZenneError(err) && err.code).toBe('ZENNE_ERR_AGENT_CA_FILE_UNREADABLE');
        expect((err as Error).message).toMatch(reason);
      }
    }
  });

  it('accepts the shipped example', () => {
    const { config, warnings } = loadConfig(EXAMPLE);
    expect(warnings).toEqual([]);
    expect(config.sources.map((s) => s.kind === 'serial' && s.device)).toEqual(['aq-monnaie-01', 'aq-monnaie-02']);
  });

  it('resolves relative paths against the file, defaults the username and uplink settings', async () => {
    await writeFile(join(dir, 'secret'), 'from-file\n');
    const text = `gateway: { id: gw-monnaie }
cloud: { mqtt_url: "mqtt://127.0.0.1:1883", password_file: ./secret }
state_dir: ./state
sources:
  - { id: s1, kind: serial, port: ./tty-a, baud_rate: 9600, bridge: sds011, profile: nova-sds011, device: aq-monnaie-01 }
`;
    await writeFile(join(dir, 'agent.yaml'), text);
    const { config } = loadConfig(join(dir, 'agent.yaml'));
    expect(config.state_dir).toBe(join(dir, 'state'));
    expect(config.sources[0]).toMatchObject({ kind: 'serial', port: join(dir, 'tty-a') });
    expect(config.cloud).toEqual({ mqtt_url: 'mqtt://127.0.0.1:1883', username: 'gw-monnaie', password: 'from-file' });
    expect(config.uplink).toEqual({
      batch_max_readings: 500,
      batch_max_wait_ms: 1000,
      max_in_flight: 4,
      reconnect_max_ms: 30_000,
      ack_timeout_ms: 30_000,
      status_interval_ms: 10_000,
      backfill_max_readings_per_s: 1000,
    });
    expect(config.buffer).toEqual({ max_bytes: 256 * 1024 * 1024, full_policy: 'drop_oldest' });
  });

  it('names the field, the line and what the device talks for a wrong baud rate', () => {
    const text = `${HEAD}sources:\n${SDS}  - id: sds011-02\n    kind: serial\n    port: /dev/ttyUSB1\n    baud_rate: fast\n    bridge: sds011\n    profile: nova-sds011\n    device: aq-monnaie-03\n`;
    expect(issuesOf(text)).toEqual([
      'sources[1].baud_rate: expected a number, got the text "fast" — the SDS011 talks at 9600 baud (line 11)',
    ]);
  });

  it('lists the known bridges and profiles for unknown ids', () => {
    const text = `${HEAD}sources:\n  - { id: s1, kind: serial, port: /dev/ttyUSB0, baud_rate: 9600, bridge: sds-011, profile: nova-sds012, device: aq-monnaie-01 }\n`;
    expect(issuesOf(text)).toEqual([
      `sources[0].bridge: unknown bridge "sds-011" — known bridges: ${Object.keys(bridges).sort().join(', ')} (line 7)`,
      expect.stringMatching(/^sources\[0\]\.profile: unknown profile "nova-sds012" — known profiles: .*nova-sds011.*plantower-pms5003/),
    ]);
  });

  it('refuses a profile decoded by another bridge', () => {
    const text = `${HEAD}sources:\n  - { id: s1, kind: serial, port: /dev/ttyUSB0, baud_rate: 9600, bridge: pms5003, profile: nova-sds011, device: aq-monnaie-01 }\n`;
    expect(issuesOf(text)).toEqual([
      'sources[0].bridge: profile nova-sds011 is decoded by bridge sds011, not pms5003 — set bridge: sds011, or choose the profile of the device on this port (line 7)',
    ]);
  });

  it('refuses duplicate source ids and devices', () => {
    const dupId = SDS.replace('aq-monnaie-01', 'aq-monnaie-09');
    const dupDevice = PMS.replace('aq-monnaie-02', 'aq-monnaie-01');
    expect(issuesOf(`${HEAD}sources:\n${SDS}${dupId}${dupDevice}`)).toEqual([
      expect.stringMatching(/^sources\[1\]\.id: source id sds011-01 is already used by sources\[0\]/),
      expect.stringMatching(/^sources\[2\]\.device: device aq-monnaie-01 is already read by sources\[0\]/),
    ]);
  });

  it('suggests the right key for a misspelt one and lists source kinds', () => {
    const text = `${HEAD}sources:\n  - { id: s1, kind: serial, port: /dev/ttyUSB0, baudrate: 9600, bridge: sds011, profile: nova-sds011, device: aq-monnaie-01 }\n  - { id: s2, kind: modbus }\n`;
    const issues = issuesOf(text);
    expect(issues).toContain('sources[0].baudrate: unknown key — did you mean "baud_rate"? (line 7)');
    expect(issues).toContain('sources[0].baud_rate: missing (expected a number) — the SDS011 talks at 9600 baud (line 7)');
    const known = issues.find((i) => i.startsWith('sources[1].kind: unknown source kind "modbus" — known kinds: '));
    expect(known).toMatch(/ \(line 8\)$/);
    for (const kind of sourceKinds.map((k) => k.kind)) expect(known).toContain(kind);
  });

  it('checks the cloud section and the batch size bound', () => {
    const text = `gateway: { id: gw-monnaie }
cloud: { mqtt_url: "http://cloud.example.org", password: a, password_file: ./b }
state_dir: ./state
uplink: { batch_max_readings: 5000 }
sources:
${SDS}`;
    expect(issuesOf(text)).toEqual([
      'cloud.mqtt_url: expected an MQTT URL — e.g. mqtt://cloud.example.org:1883 (or mqtts://...:8883 with TLS) (line 2)',
      'cloud.password: set exactly one of password and password_file — the gateway secret from the cloud registry, or password_file: ./secret (line 2)',
      'uplink.batch_max_readings: must be at most 1000, got number 5000 — between 1 and 1000: the cloud refuses larger batches (line 4)',
    ]);
  });

  it('warns when the baud rate disagrees with the profile', () => {
    const { warnings } = parseConfigText(`${HEAD}sources:\n${SDS.replace('9600', '115200')}`, '/etc/zenne/agent.yaml');
    expect(warnings).toEqual(['sources[0].baud_rate: 115200 baud, but the SDS011 talks at 9600 baud: expect garbage bytes and no frames (line 7)']);
  });

  it('reports missing files, YAML syntax and unreadable password files with their own codes', async () => {
    expect(() => loadConfig(join(dir, 'nope.yaml'))).toThrow(expect.objectContaining({ code: 'ZENNE_ERR_AGENT_CONFIG_NOT_FOUND' }));
    expect(() => parseConfigText('gateway: { id: gw\nsources: [', join(dir, 'a.yaml'))).toThrow(
      expect.objectContaining({ code: 'ZENNE_ERR_AGENT_CONFIG_YAML' }),
    );
    const text = `${HEAD.replace('password: "plain text"', 'password_file: ./missing-secret')}sources:\n${SDS}`;
    expect(() => parseConfigText(text, join(dir, 'agent.yaml'))).toThrow(
      expect.objectContaining({ code: 'ZENNE_ERR_AGENT_PASSWORD_FILE_UNREADABLE', details: expect.objectContaining({ file: join(dir, 'missing-secret') }) }),
    );
  });

  it('documents the example in the package README', async () => {
    const readme = await readFile(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    expect(readme).toContain(await readFile(EXAMPLE, 'utf8'));
  });

  it('documents the serial sample.conf in the serial source README', async () => {
    const folder = new URL('../src/sources/serial/', import.meta.url);
    const readme = await readFile(fileURLToPath(new URL('README.md', folder)), 'utf8');
    const sample = await readFile(fileURLToPath(new URL('sample.conf', folder)), 'utf8');
    expect(readme).toContain(sample);
    expect(() => parseConfigText(`${HEAD}sources:\n${sample.replace(/^/gm, '  ')}`, '/etc/zenne/agent.yaml')).not.toThrow();
  });
});
