import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProfiles } from '@zenne/device-profiles';
import { createGatewayAuthenticator } from '../src/broker/gateway-auth.ts';
import { duckdbRegistry, duckdbRegistryFile } from '../src/registry/duckdb/duckdb-registry.ts';
import type { Registry } from '../src/registry/registry.ts';
import { hashSecret, verifySecret } from '../src/registry/secret-hash.ts';
import { seedFromFile } from '../src/registry/seed-file.ts';
import { FLEET_YAML, writeFleet } from './helpers/fleet.ts';

const profiles = loadProfiles();

describe('registry (DuckDB) and seed files', () => {
  let dir: string;
  let registry: Registry | undefined;
  const open = async () => (registry = await duckdbRegistry({ file: duckdbRegistryFile(dir) }));
  const seedText = async (yaml: string) => {
    const file = join(dir, 'seed.yaml');
    await writeFile(file, yaml);
    return seedFromFile(registry!, file, profiles);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zenne-registry-'));
  });
  afterEach(async () => {
    await registry?.close();
    registry = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('seeds idempotently and keeps the data across reopen', async () => {
    const r = await open();
    const file = await writeFleet(dir);
    expect(await seedFromFile(r, file, profiles)).toEqual({ sites: 1, gateways: 2, devices: 3 });
    const hash = r.getGateway('gw-monnaie')!.secret_hash;
    await seedFromFile(r, file, profiles);
    expect(r.counts()).toEqual({ sites: 1, gateways: 2, devices: 3 });
    expect(r.getGateway('gw-monnaie')!.secret_hash).toBe(hash);
    await r.close();
    const reopened = await open();
    expect(reopened.getDevice('aq-monnaie-01')).toEqual({
      id: 'aq-monnaie-01', gateway: 'gw-monnaie', profile: 'nova-sds011', name: 'Place de la Monnaie 1',
      site: 'brussels-centre', street: 'Rue des Fripiers', location: { lon: 4.352853, lat: 50.849402, height: 3 },
    });
    expect(reopened.getDevice('aq-monnaie-02')!.street).toBeUndefined();
  });

  it('never stores a secret in clear', async () => {
    const r = await open();
    await seedFromFile(r, await writeFleet(dir), profiles);
    expect(r.getGateway('gw-monnaie')!.secret_hash).toMatch(/^scrypt\$/);
    expect(await verifySecret('monnaie-secret', r.getGateway('gw-monnaie')!.secret_hash)).toBe(true);
    await r.close();
    registry = undefined;
    const bytes = await readFile(duckdbRegistryFile(dir));
    expect(bytes.includes('monnaie-secret')).toBe(false);
    expect(bytes.includes('gw-monnaie')).toBe(true);
  });

  it('takes a precomputed secret_hash and tags', async () => {
    const r = await open();
    const hash = await hashSecret('precomputed-secret');
    await seedText(`
sites: [{ id: s1, name: Site }]
gateways: [{ id: gw-1, site: s1, secret_hash: "${hash}" }]
devices:
  - { id: d1, gateway: gw-1, profile: nova-sds011, name: D, site: s1, location: { lon: 4.35, lat: 50.85 },
      tags: { building: "Hôtel de Ville", room: "2Vj6PsXOj8gwPQbSkq5eyH" } }
`);
    expect(r.getGateway('gw-1')!.secret_hash).toBe(hash);
    expect(r.getDevice('d1')).toMatchObject({ location: { height: 0 }, tags: { building: 'Hôtel de Ville' } });
  });

  const refusals: [string, string, RegExp][] = [
    ['field error', 'devices:\n  - { id: d1, gateway: g, profile: nova-sds011, name: D, site: s, location: { lon: 4, lat: 95 } }', /devices\[0\] \(d1\), field location\.lat: Too big/],
    ['unknown key', 'gateways:\n  - { id: g1, site: s, secret: "long enough", colour: red }', /gateways\[0\] \(g1\).*colour/],
    ['secret and hash', 'sites: [{id: s, name: S}]\ngateways:\n  - { id: g1, site: s }', /gateways\[0\] \(g1\), field secret: give exactly one/],
    ['short secret', 'sites: [{id: s, name: S}]\ngateways:\n  - { id: g1, site: s, secret: "short" }', /gateways\[0\] \(g1\), field secret: a gateway secret needs at least 8/],
    ['unknown site', 'gateways:\n  - { id: g1, site: nowhere, secret: "long enough" }', /gateways\[0\] \(g1\), field site: unknown site "nowhere"/],
    ['unknown gateway', 'sites: [{id: s, name: S}]\ndevices:\n  - { id: d1, gateway: gx, profile: nova-sds011, name: D, site: s, location: { lon: 4, lat: 50 } }', /devices\[0\] \(d1\), field gateway: unknown gateway "gx"/],
    ['unknown profile', 'sites: [{id: s, name: S}]\ngateways: [{ id: g1, site: s, secret: "long enough" }]\ndevices:\n  - { id: d1, gateway: g1, profile: acme-9000, name: D, site: s, location: { lon: 4, lat: 50 } }', /field profile: unknown profile "acme-9000"; known: .*nova-sds011/],
    ['duplicate id', 'sites: [{id: s, name: S}, {id: s, name: T}]', /sites\[1\] \(s\), field id: this id appears twice/],
  ];
  for (const [name, yaml, message] of refusals) {
    it(`refuses a seed with ${name}, naming the row and field, and changes nothing`, async () => {
      const r = await open();
      await expect(seedText(yaml)).rejects.toMatchObject({ code: 'ZENNE_ERR_REGISTRY_SEED_INVALID', message });
      expect(r.counts()).toEqual({ sites: 0, gateways: 0, devices: 0 });
    });
  }

  it('refuses a file that is not YAML', async () => {
    await open();
    await expect(seedText('sites: [unclosed')).rejects.toMatchObject({ code: 'ZENNE_ERR_REGISTRY_SEED_UNREADABLE' });
  });

  it('refuses to open the same file twice in one process', async () => {
    // DuckDB's lock only stops other processes (tested in cli.test.ts); two instances in one process would corrupt the file.
    await open();
    await expect(duckdbRegistry({ file: duckdbRegistryFile(dir) })).rejects.toMatchObject({ code: 'ZENNE_ERR_REGISTRY_OPEN_FAILED' });
  });

  it('authenticates gateways and forgets a secret as soon as it is replaced', async () => {
    const r = await open();
    await seedFromFile(r, await writeFleet(dir), profiles);
    const authenticate = createGatewayAuthenticator(r);
    expect(await authenticate('gw-monnaie', Buffer.from('monnaie-secret'))).toBeNull();
    expect(await authenticate('gw-monnaie', Buffer.from('monnaie-secret'))).toBeNull(); // from the cache
    expect(await authenticate('gw-monnaie', Buffer.from('bourse-secret'))).toBe('bad_password');
    expect(await authenticate('gw-nope', Buffer.from('monnaie-secret'))).toBe('unknown_gateway');
    expect(await authenticate('gw-monnaie', undefined)).toBe('missing_credentials');
    await seedText(FLEET_YAML.replace('"monnaie-secret"', '"rotated-secret"'));
    expect(await authenticate('gw-monnaie', Buffer.from('monnaie-secret'))).toBe('bad_password');
    expect(await authenticate('gw-monnaie', Buffer.from('rotated-secret'))).toBeNull();
  });
});
