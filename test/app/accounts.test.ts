// People at work, on both stores: two-person unseal by two real user accounts (never a machine token, never one
// person twice), a site's people confined to their site, and no password, password hash or refresh token in any
// service log line, audit entry or stored record — nor a hash in any answer, nor a name or login name in the log.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { claimsOf, FIRST_PASSWORD, OWN_PASSWORD, person, type Person } from '../helpers/people.js';
import { installCa, testCa } from '../helpers/sites.js';

const ca = testCa();
// Made before any app runs: RSA key generation blocks the event loop.
const certs = { s1: ca.issue('site-1').certPem, s2: ca.issue('site-2').certPem };
const pool = generatePool({ size: 60, seed: 'accounts', fixed: [{ code: 'C990101', members: 40 }] });
const BID_OPENING = '2026-12-01T10:00:00+08:00';
const WRONG = 'not-my-password-9';

describe.each(['sqlite', 'redis'] as const)('people on %s', (store) => {
  let clock = Date.parse('2026-12-01T06:00:00+08:00');
  let t: Built;
  const logLines: string[] = [];
  const answers: string[] = [];
  const draws: Record<'centre' | 'site-1' | 'site-2', string> = { centre: '', 'site-1': '', 'site-2': '' };
  let people: Record<'op' | 'op2' | 'sup' | 'site1' | 'desk1', Person>;

  /** Every answer is kept, to be searched for secrets at the end. */
  async function call(options: InjectOptions) {
    const res = await t.app.inject(options);
    answers.push(res.body);
    return res;
  }

  beforeAll(async () => {
    const stream = new Writable({ write(chunk, _enc, done) { logLines.push(chunk.toString()); done(); } });
    t = await build({ EXPERT_DRAW_STORE: store }, { now: () => clock, logger: { level: 'trace', stream } });
    installCa(t, ca.ca);
    const seed = { sub: 'seed', role: 'admin' as const, iat: 0, exp: 0 };
    await t.ctx.pool.import(pool.experts.slice(0, 50).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', seed);
    for (const cert of [certs.s1, certs.s2]) await t.ctx.sites.register(cert, seed);
    for (const owner of ['centre', 'site-1', 'site-2'] as const) {
      const headers = owner === 'centre' ? t.auth('operator') : t.auth('site', { site: owner });
      const payload = { id: `P-ACC-${owner}`, tenderer: syntheticUscc(9101), agency: syntheticUscc(9102), bidOpeningAt: BID_OPENING, region: '330106', venue: '评标室', groups: [{ specialty: 'C990101', count: 5 }] };
      expect((await call({ method: 'POST', url: '/v1/projects', headers, payload })).statusCode).toBe(201);
      const drawn = await call({ method: 'POST', url: `/v1/projects/P-ACC-${owner}/draw`, headers });
      expect(drawn.statusCode, drawn.body).toBe(201);
      draws[owner] = drawn.json().drawId;
    }
    const [op, op2, sup, site1, desk1] = await Promise.all([
      person(t, 'operator', { username: 'op-wang', displayName: '王操作' }),
      person(t, 'operator', { username: 'op-zhao', displayName: '赵操作' }),
      person(t, 'supervisor', { username: 'sup-li', displayName: '李监督' }),
      person(t, 'site', { site: 'site-1', username: 'site1-chen', displayName: '陈副场' }),
      person(t, 'checkin', { site: 'site-1', username: 'desk1-liu', displayName: '刘签到' }),
    ]);
    people = { op, op2, sup, site1, desk1 };
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('unseals only with an operator and a supervisor, two people logged in, each approving once', async () => {
    const unseal = (headers: Record<string, string>) => call({ method: 'POST', url: `/v1/draws/${draws.centre}/unseal`, headers });
    expect((await unseal(people.op.auth)).json().error.code).toBe('SEALED');
    clock = Date.parse('2026-12-01T10:01:00+08:00');
    // Machine tokens cannot approve, whatever subjects they name.
    for (const role of ['operator', 'supervisor'] as const) {
      const machine = await unseal(t.auth(role, { subject: people.op.userId }));
      expect(machine.statusCode).toBe(403);
    }
    expect((await unseal(people.op.auth)).json()).toMatchObject({ unsealed: false, approvals: [{ by: people.op.userId, role: 'operator' }] });
    const twice = await unseal(people.op.auth);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('CONFLICT');
    // Another operator is not the second person the rule needs: refused, saying which role is missing, not recorded.
    const sameRole = await unseal(people.op2.auth);
    expect([sameRole.statusCode, sameRole.json().error.code]).toEqual([409, 'CONFLICT']);
    expect(sameRole.json().error.message).toBe('已有一位操作员批准；启封还需要另一角色（操作员和监督人员各一位）的批准');
    const done = (await unseal(people.sup.auth)).json();
    expect(done.unsealed).toBe(true);
    expect(new Set(done.approvals.map((a: { by: string }) => a.by))).toEqual(new Set([people.op.userId, people.sup.userId]));
    const panel = await call({ method: 'GET', url: `/v1/draws/${draws.centre}/panel`, headers: people.sup.auth });
    expect(panel.statusCode, panel.body).toBe(200);
  });

  it('confines a site’s people to their site: nothing of another site or of the centre', async () => {
    const get = (url: string, p: Person) => call({ method: 'GET', url, headers: p.auth });
    expect((await get('/v1/projects/P-ACC-site-1', people.site1)).statusCode).toBe(200);
    expect((await get(`/v1/draws/${draws['site-1']}`, people.site1)).statusCode).toBe(200);
    expect((await get('/v1/sites/site-1', people.site1)).statusCode).toBe(200);
    // Another owner's project, draw or site is, to a site, one that does not exist (404); a route of the centre's roles
    // is refused (403).
    for (const url of ['/v1/projects/P-ACC-site-2', '/v1/projects/P-ACC-centre', `/v1/draws/${draws['site-2']}`, `/v1/draws/${draws.centre}`, `/v1/draws/${draws['site-2']}/sealed`, '/v1/sites/site-2']) {
      const res = await get(url, people.site1);
      expect(res.statusCode, url).toBe(404);
    }
    for (const url of ['/v1/users', '/v1/experts']) expect((await get(url, people.site1)).statusCode, url).toBe(403);
    for (const projectId of ['P-ACC-centre', 'P-ACC-site-2']) {
      const res = await call({ method: 'POST', url: '/v1/checkins', headers: people.desk1.auth, payload: { projectId, idNumber: syntheticPersonal(0).idNumber } });
      expect(res.statusCode, projectId).toBe(404);
    }
    expect((await get('/v1/session', people.desk1)).json()).toMatchObject({ kind: 'person', role: 'checkin', site: 'site-1', displayName: '刘签到' });
  });

  it('keeps passwords, their hashes and refresh tokens out of every log line, entry and stored record', async () => {
    // Logins that fail and succeed, a refresh, a password change: the moments secrets pass through.
    expect((await call({ method: 'POST', url: '/v1/session', payload: { username: 'op-wang', password: WRONG } })).statusCode).toBe(401);
    const login = await call({ method: 'POST', url: '/v1/session', payload: { username: 'op-wang', password: OWN_PASSWORD } });
    const refreshed = await call({ method: 'POST', url: '/v1/session/refresh', payload: { refreshToken: login.json().refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    const reset = await call({ method: 'PATCH', url: `/v1/users/${people.op2.userId}`, headers: t.auth('admin'), payload: { password: 'reset-by-the-admin-1' } });
    expect(reset.statusCode).toBe(200);

    const users = (await t.ctx.store.listRecords('users')).map((r) => JSON.parse(r.value.toString()) as { passwordHash: string; username: string; displayName: string });
    const hashes = users.map((u) => u.passwordHash);
    const hashParts = hashes.flatMap((h) => h.split('$').slice(-2));
    const refreshSecrets = [login, refreshed].map((r) => r.json().refreshToken.split('.').pop() as string);
    const passwords = [FIRST_PASSWORD, OWN_PASSWORD, WRONG, 'reset-by-the-admin-1'];
    const entries = (await t.ctx.store.readEntries(0, await t.ctx.store.logSize())).map((b) => b.toString());
    const logged = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(20);
    // Nor a session id: with it, whoever holds the token key could make a token for that open session.
    const sessionIds = [login, refreshed].map((r) => claimsOf(r.json().accessToken).sid!);
    for (const secret of [...passwords, ...hashParts, ...refreshSecrets, ...sessionIds, login.json().accessToken]) {
      expect(logged.includes(secret), `a log line holds ${secret.slice(0, 12)}…`).toBe(false);
      expect(entries.some((e) => e.includes(secret)), `an entry holds ${secret.slice(0, 12)}…`).toBe(false);
    }
    for (const part of [...hashParts, ...passwords]) expect(answers.some((a) => a.includes(part)), `an answer holds ${part.slice(0, 12)}…`).toBe(false);
    // The log names people by user id only.
    for (const u of users) for (const name of [u.username, u.displayName]) expect(entries.some((e) => e.includes(name)), name).toBe(false);
    // At rest only hashes: no password, no refresh secret, no access token in the store.
    const stored = store === 'sqlite'
      ? readdirSync(t.config.EXPERT_DRAW_DATA_DIR).map((f) => readFileSync(join(t.config.EXPERT_DRAW_DATA_DIR, f)).toString('latin1')).join('\n')
      : (await Promise.all(['users', 'sessions', 'login-failures', 'idempotency'].map((c) => t.ctx.store.listRecords(c)))).flat().map((r) => r.value.toString()).join('\n');
    for (const secret of [...passwords, ...refreshSecrets, login.json().accessToken]) expect(stored.includes(secret), `stored: ${secret.slice(0, 12)}…`).toBe(false);
  });
});
