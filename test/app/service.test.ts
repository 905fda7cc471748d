// The app shell: health, OpenAPI document, error shapes, and authentication with roles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgedTokens } from '../helpers/tokens.js';
import { tokenSigner } from '../../src/auth/tokens.js';
import { build, type Built } from '../helper.js';
import { generateKeyPairSync } from 'node:crypto';

let t: Built;
beforeAll(async () => {
  t = await build();
});
afterAll(async () => {
  await t.close();
});

describe('service shell', () => {
  it('reports health without a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', store: 'sqlite', logBreak: null });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('serves an OpenAPI document with the routes and the error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/v1/session']));
    expect(doc.paths['/v1/session'].get.responses['401']).toBeDefined();
    const ui = await t.app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('answers unknown routes with NOT_FOUND in the common error shape, in Chinese unless asked for English', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: '没有此路由：GET /v1/nothing-here' }, requestId: res.headers['x-request-id'] });
    const en = await t.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: { 'accept-language': 'en' } });
    expect(en.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /v1/nothing-here' }, requestId: en.headers['x-request-id'] });
  });
});

describe('authentication and roles', () => {
  it('accepts a valid token of any role on /v1/session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/session', headers: t.auth('operator', { subject: 'op-1' }) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ subject: 'op-1', role: 'operator', site: null });
    // A site this service does not know reaches nothing, not even the session (the matrix test covers registered ones).
    const site = await t.app.inject({ method: 'GET', url: '/v1/session', headers: t.auth('site', { site: 'hz-01' }) });
    expect(site.statusCode).toBe(403);
    expect(site.json().error.code).toBe('FORBIDDEN');
  });

  it.each([
    ['no Authorization header', {}, 'UNAUTHENTICATED'],
    ['not a bearer token', { authorization: 'Basic abc' }, 'UNAUTHENTICATED'],
    ['garbage token', { authorization: 'Bearer abc.def.ghi' }, 'UNAUTHENTICATED'],
  ])('refuses %s with 401', async (_name, headers, code) => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/session', headers });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe(code);
  });

  it('refuses a token signed by another key, an expired one and an over-long one', async () => {
    const other = tokenSigner(generateKeyPairSync('ed25519').privateKey)({ subject: 'x', role: 'admin', ttlSeconds: 600 });
    const expired = t.token('admin', { ttlSeconds: -10 });
    const tooLong = t.token('admin', { ttlSeconds: 2 * 86_400 });
    for (const token of [other, expired, tooLong]) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/session', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a site token without a site', async () => {
    expect(() => tokenSigner(t.ctx.keys.jwt.privateKey)({ subject: 'x', role: 'site', ttlSeconds: 600 })).toThrow(/must name its site/);
    const bad = forgedTokens(t.ctx.keys.jwt.privateKey)['site token without a site'];
    const res = await t.app.inject({ method: 'GET', url: '/v1/session', headers: { authorization: `Bearer ${bad}` } });
    expect(res.statusCode).toBe(401);
  });

  it('refuses a token it accepted once it has expired (a verified token is remembered only until its exp)', async () => {
    const short = t.token('operator', { ttlSeconds: 2 });
    const ask = async () => (await t.app.inject({ method: 'GET', url: '/v1/session', headers: { authorization: `Bearer ${short}` } })).statusCode;
    expect(await ask()).toBe(200);
    const exp = (JSON.parse(Buffer.from(short.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number }).exp;
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    expect(await ask()).toBe(401);
  });

  it('never echoes a token or a key in an error', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/session', headers: { authorization: 'Bearer secret-value-123' } });
    expect(res.body).not.toContain('secret-value-123');
  });
});
