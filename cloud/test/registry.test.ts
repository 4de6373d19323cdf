import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProfiles } from '@zenne/device-profiles';
import { createGatewayAuthenticator } from '../src/broker/gateway-auth.ts';
import { duckdbRegistry, duckdbRegistryFile } from '../src/registry/duckdb/duckdb-registry.ts';
import { revokeGateway, rotateGatewaySecret } from '../src/registry/gateway-credentials.ts';
import type { Registry } from '../src/registry/registry.ts';
import { hashSecret, verifySecret } from '../src/registry/secret-hash.ts';
import { seedFromFile } from '../src/registry/seed-file.ts';
import { FLEET_YAML, writeFleet } from './helpers/fleet.ts';

const profiles = loadProfiles();

/** The fleet plus one building, a street segment of Rue des Fripiers and a lamp post on it (OpenStreetMap coordinates). */
const ASSETS_YAML = `${FLEET_YAML}
buildings:
  - id: duplex
    site: brussels-centre
    name: Duplex (buildingSMART sample)
    ifc_model: duplex.ifc
    rooms:
      - { id: 0BTBFw6f90Nfh9rP1dlXrr, name: A101, long_name: Foyer }
street_segments:
  - { id: fripiers-1, site: brussels-centre, name: Rue des Fripiers, coordinates: [[4.35236, 50.84874], [4.35290, 50.84942]] }
lamp_posts:
  - { id: lp-fripiers-01, site: brussels-centre, street_segment: fripiers-1, location: { lon: 4.35262, lat: 50.84905, height: 0 } }
`;

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

  const login = (gateway: string, password: string) => createGatewayAuthenticator(registry!)(gateway, Buffer.from(password));

  it('keeps a revocation across a re-seed and a reopen', async () => {
    const fleet = await writeFleet(dir);
    await seedFromFile(await open(), fleet, profiles);
    const { revoked_at } = await revokeGateway(registry!, 'gw-monnaie');
    await seedFromFile(registry!, fleet, profiles);
    await registry!.close();
    await open();
    expect(registry!.getGateway('gw-monnaie')!.revoked_at).toBe(revoked_at);
    expect(await login('gw-monnaie', 'monnaie-secret')).toBe('revoked_gateway');
  });

  it('a secret the cloud issued (rotation, claim) is not overridden by the seed file; a seeded one still is', async () => {
    const fleet = await writeFleet(dir);
    await seedFromFile(await open(), fleet, profiles);
    const { password } = await rotateGatewaySecret(registry!, 'gw-monnaie');
    // What a claim redemption writes: the gateway as it was, with a new hash.
    const claimed = { ...registry!.getGateway('gw-bourse')!, secret_hash: await hashSecret('claimed-secret') };
    await registry!.apply({ gateways: [claimed] });

    await seedFromFile(registry!, fleet, profiles); // e.g. `zenne-cloud run --seed` at the next start
    expect(await login('gw-monnaie', password)).toBeNull();
    expect(await login('gw-monnaie', 'monnaie-secret')).toBe('bad_password');
    expect(await login('gw-bourse', 'claimed-secret')).toBeNull();
    expect(await login('gw-bourse', 'bourse-secret')).toBe('bad_password');
  });

  it('upgrades a registry file from before revocation: its gateways stay owned by the seed file', async () => {
    // The first registry schema, as an older zenne-cloud wrote it.
    const instance = await DuckDBInstance.create(duckdbRegistryFile(dir));
    const c = await instance.connect();
    await c.run('CREATE TABLE sites (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL)');
    await c.run('CREATE TABLE gateways (id VARCHAR PRIMARY KEY, site VARCHAR NOT NULL, secret_hash VARCHAR NOT NULL)');
    await c.run(`INSERT INTO sites VALUES ('brussels-centre', 'Brussels centre')`);
    await c.run(`INSERT INTO gateways VALUES ('gw-monnaie', 'brussels-centre', $hash)`, { hash: await hashSecret('old-secret') });
    c.closeSync();
    instance.closeSync();

    await open();
    expect(await login('gw-monnaie', 'old-secret')).toBeNull();
    await seedFromFile(registry!, await writeFleet(dir), profiles);
    expect(await login('gw-monnaie', 'monnaie-secret')).toBeNull();
    expect(registry!.getGateway('gw-monnaie')!.revoked_at).toBeUndefined();
  });

  it('seeds buildings with rooms, street segments and lamp posts, and checks device references', async () => {
    const r = await open();
    const withDevice = (room: string) => ASSETS_YAML.replace('devices:', `devices:
  - { id: aq-duplex-01, gateway: gw-monnaie, profile: nova-sds011, name: Foyer, site: brussels-centre,
      building: duplex, room: ${room}, location: { lon: 4.3526, lat: 50.8490, height: 1 } }`);
    expect(await seedText(withDevice('0BTBFw6f90Nfh9rP1dlXrr'))).toEqual({ sites: 1, buildings: 1, street_segments: 1, lamp_posts: 1, gateways: 2, devices: 4 });
    expect(r.get('devices', 'aq-duplex-01')).toMatchObject({ building: 'duplex', room: '0BTBFw6f90Nfh9rP1dlXrr' });
    expect(r.list('lamp_posts')).toEqual([
      { id: 'lp-fripiers-01', site: 'brussels-centre', street_segment: 'fripiers-1', location: { lon: 4.35262, lat: 50.84905, height: 0 } },
    ]);
    await expect(seedText(withDevice('0BTBFw6f90Nfh9rP1dlXrX'))).rejects.toMatchObject({
      code: 'ZENNE_ERR_REGISTRY_SEED_INVALID',
      message: expect.stringMatching(/devices\[0\] \(aq-duplex-01\), field room: building "duplex" has no room "0BTBFw6f90Nfh9rP1dlXrX"/),
    });
    await expect(seedText(ASSETS_YAML.replace('{ id: 0BTBFw6f90Nfh9rP1dlXrr,', '{ id: kitchen,'))).rejects.toMatchObject({
      message: expect.stringMatching(/buildings\[0\] \(duplex\), field rooms\.0\.id: a building with an ifc_model keys its rooms by IfcSpace GlobalId/),
    });
  });
});
