// A revoked site's tokens stay dead after it is renewed (docs/security.md T4, docs/sites.md §7): renewing a site after a
// leaked key must not bring the leaked tokens back. A token issued before the site's last revocation is refused for
// good; the site's people are logged out at the revocation and log in again once it is renewed. On the service's real
// clock, as tokens carry it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { person, type Person } from '../helpers/people.js';
import { installCa, testCa } from '../helpers/sites.js';
import { signRaw } from '../helpers/tokens.js';

const ca = testCa();
let t: Built;
let clerk: Person;

beforeAll(async () => {
  t = await build();
  installCa(t, ca.ca);
  await t.ctx.sites.register(ca.issue('site-r').certPem, { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  clerk = await person(t, 'site', { site: 'site-r' });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const session = (headers: { authorization: string }) => t.app.inject({ url: '/v1/session', headers });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a revoked site renewed', () => {
  it('keeps refusing the tokens issued before the revocation, and logs its people out', async () => {
    const leaked = t.auth('site', { site: 'site-r', subject: 'site-r-machine' });
    expect((await session(leaked)).statusCode).toBe(200);
    expect((await session(clerk.auth)).statusCode).toBe(200);
    await pause(1100);
    const revoked = await t.app.inject({ method: 'POST', url: '/v1/sites/site-r/revoke', headers: t.auth('admin'), payload: { reason: '密钥泄露' } });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect((await session(leaked)).json().error.message).toBe('远程评标场地 site-r 已被撤销');
    // Its people's sessions ended with the revocation, logged.
    const ended = await session(clerk.auth);
    expect(ended.statusCode).toBe(401);
    const refreshed = await t.app.inject({ method: 'POST', url: '/v1/session/refresh', payload: { refreshToken: clerk.tokens.refreshToken } });
    expect(refreshed.statusCode).toBe(401);

    // Its people cannot log in while it is revoked (the password is right: the site is said).
    const during = await t.app.inject({ method: 'POST', url: '/v1/session', payload: { username: clerk.username, password: clerk.password } });
    expect([during.statusCode, during.json().error.code, during.json().error.message]).toEqual([403, 'FORBIDDEN', '远程评标场地 site-r 已被撤销']);
    // A machine token minted just before the revocation on a host whose clock runs 50 s ahead.
    const now = Math.floor(Date.now() / 1000);
    const ahead = { authorization: `Bearer ${signRaw(t.ctx.keys.jwt.privateKey, { sub: 'site-r-cli', role: 'site', site: 'site-r', iat: now + 50, exp: now + 600 })}` };

    const renewed = await t.app.inject({ method: 'PUT', url: '/v1/sites/site-r/certificate', headers: t.auth('admin'), payload: { certificate: ca.issue('site-r').certPem } });
    expect(renewed.statusCode, renewed.body).toBe(200);
    expect(renewed.json()).toMatchObject({ state: 'active' });
    const still = await session(leaked);
    expect(still.statusCode).toBe(403);
    expect(still.json().error.message).toBe('此令牌签发于远程评标场地 site-r 被撤销之前，已失效：请重新登录，或为该场地重新签发令牌');
    expect((await session(clerk.auth)).statusCode).toBe(401);
    expect((await session(ahead)).statusCode).toBe(403);
    // A machine token is taken again once its time is past the revocation by more than the clocks' margin (60 s): one
    // dated 59 s ahead of now, which the service accepts from a host whose clock runs ahead.
    await pause(2100);
    const later = Math.floor(Date.now() / 1000) + 59;
    const fresh = { authorization: `Bearer ${signRaw(t.ctx.keys.jwt.privateKey, { sub: 'site-r-cli', role: 'site', site: 'site-r', iat: later, exp: later + 600 })}` };
    expect((await session(fresh)).statusCode).toBe(200);
    // Its people log in again at once: the revocation ended every session of theirs, so no margin applies to them.
    const login = await t.app.inject({ method: 'POST', url: '/v1/session', payload: { username: clerk.username, password: clerk.password } });
    expect(login.statusCode, login.body).toBe(201);
    expect((await session({ authorization: `Bearer ${login.json().accessToken as string}` })).statusCode).toBe(200);
  }, 30_000);
});
