import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAdminFile } from '../src/api/provisioning/admin-file.ts';
import { closedByBroker, connectGateway, startCloud, type Harness } from './helpers/harness.ts';

describe('gateway credentials: create, rotate, revoke (real MQTT clients, embedded broker)', () => {
  let h: Harness;
  let token: string;
  const admin = (method: 'GET' | 'POST', url: string, payload?: object, auth = true) =>
    h.cloud.app.inject({ method, url, payload, headers: auth ? { authorization: `Bearer ${token}` } : {} });
  const refusals = () => h.cloud.stats().broker.auth_refused_by_reason;

  beforeAll(async () => {
    h = await startCloud();
    token = (await readAdminFile(h.dir)).token;
  });
  afterAll(async () => {
    await h.close();
  });

  it('rotate: the connected session is closed, the old secret refused, the new one accepted', async () => {
    const before = await connectGateway(h, 'gw-monnaie');
    const closed = closedByBroker(before);
    const res = await admin('POST', '/api/v1/gateways/gw-monnaie/rotate');
    expect(res.statusCode).toBe(200);
    const { password, username } = res.json();
    expect(username).toBe('gw-monnaie');
    await closed;
    await expect(connectGateway(h, 'gw-monnaie')).rejects.toThrow(/Bad username or password/);
    expect(refusals().bad_password).toBe(1);
    const after = await connectGateway(h, 'gw-monnaie', password);
    expect(after.connected).toBe(true);
    // The other gateway is not touched.
    expect((await connectGateway(h, 'gw-bourse')).connected).toBe(true);
  });

  it('revoke: the gateway is disconnected at once and refused, even with its right secret, until rotated', async () => {
    const { password } = (await admin('POST', '/api/v1/gateways/gw-bourse/rotate')).json();
    const client = await connectGateway(h, 'gw-bourse', password);
    const closed = closedByBroker(client);
    const res = await admin('POST', '/api/v1/gateways/gw-bourse/revoke');
    expect(res.statusCode).toBe(200);
    const { revoked_at } = res.json();
    await closed;
    await expect(connectGateway(h, 'gw-bourse', password)).rejects.toThrow(/Bad username or password/);
    expect(refusals().revoked_gateway).toBe(1);
    expect(h.cloud.stats().broker.per_gateway['gw-bourse']!.auth_refused).toBe(1);
    // Revoking again keeps the first time; the list shows the state, never a hash.
    expect((await admin('POST', '/api/v1/gateways/gw-bourse/revoke')).json().revoked_at).toBe(revoked_at);
    const listed = (await admin('GET', '/api/v1/gateways')).json();
    expect(listed).toContainEqual({ id: 'gw-bourse', site: 'brussels-centre', revoked_at, devices: 1 });
    expect(JSON.stringify(listed)).not.toContain('scrypt');

    const reinstated = (await admin('POST', '/api/v1/gateways/gw-bourse/rotate')).json();
    expect((await connectGateway(h, 'gw-bourse', reinstated.password)).connected).toBe(true);
    await expect(connectGateway(h, 'gw-bourse', password)).rejects.toThrow(/Bad username or password/);
  });

  it('creates a gateway whose one-time password logs in; refuses duplicates and unknown sites', async () => {
    const res = await admin('POST', '/api/v1/gateways', { id: 'gw-sablon', site: 'brussels-centre' });
    expect(res.statusCode).toBe(200);
    expect((await connectGateway(h, 'gw-sablon', res.json().password)).connected).toBe(true);
    const again = await admin('POST', '/api/v1/gateways', { id: 'gw-sablon', site: 'brussels-centre' });
    expect([again.statusCode, again.json().code]).toEqual([409, 'ZENNE_ERR_REGISTRY_ALREADY_EXISTS']);
    const nowhere = await admin('POST', '/api/v1/gateways', { id: 'gw-x', site: 'nowhere' });
    expect([nowhere.statusCode, nowhere.json().code]).toEqual([404, 'ZENNE_ERR_REGISTRY_NOT_FOUND']);
  });

  it('refuses without the admin token, and names unknown gateways', async () => {
    for (const [method, url] of [['GET', '/api/v1/gateways'], ['POST', '/api/v1/gateways/gw-monnaie/revoke'], ['POST', '/api/v1/gateways/gw-monnaie/rotate']] as const) {
      const res = await admin(method, url, undefined, false);
      expect([res.statusCode, res.json().code]).toEqual([403, 'ZENNE_ERR_PROVISIONING_ADMIN_DENIED']);
    }
    expect(h.cloud.registry.getGateway('gw-monnaie')!.revoked_at).toBeUndefined();
    const unknown = await admin('POST', '/api/v1/gateways/gw-nope/revoke');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toMatch(/^no gateway with id "gw-nope"/);
  });
});
