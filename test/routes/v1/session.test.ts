// Logging in, on both stores and across two instances of one store: the forced first password change, the same answer
// for an unknown user and a wrong password, the lockout and its back-off shared by every instance, refresh rotation and
// reuse detection, logout seen by another instance, and an administrator's changes ending sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT } from '../../../src/auth/lockout.js';
import { sessionRef } from '../../../src/services/session-changes.js';
import { build, type Built } from '../../helper.js';
import { FIRST_PASSWORD, OWN_PASSWORD, person, type Person } from '../../helpers/people.js';

const START = Date.now();

describe.each(['sqlite', 'redis'] as const)('login sessions on %s', (store) => {
  let clock = START;
  let a: Built;
  /** A second instance on the same store (the same SQLite file, or the same Redis prefix) and keys. */
  let b: Built;
  let admin: Person;

  beforeAll(async () => {
    a = await build({ EXPERT_DRAW_STORE: store, EXPERT_DRAW_LOGIN_RATE_LIMIT: '1000' }, { now: () => clock });
    b = await build({ EXPERT_DRAW_STORE: store, EXPERT_DRAW_LOGIN_RATE_LIMIT: '1000', EXPERT_DRAW_DATA_DIR: a.config.EXPERT_DRAW_DATA_DIR, EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX }, { now: () => clock });
    admin = await person(a, 'admin', { username: 'admin-zhang' });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const login = (t: Built, username: string, password: string) => t.app.inject({ method: 'POST', url: '/v1/session', payload: { username, password } });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  /** Polls (no timing assertion) until the other instance has followed the change feed. */
  async function eventually(check: () => Promise<boolean>): Promise<void> {
    for (const start = Date.now(); !(await check()); ) {
      if (Date.now() - start > 5000) throw new Error('the other instance never saw the change');
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  async function newUser(username: string, role = 'operator', site?: string): Promise<string> {
    const res = await a.app.inject({ method: 'POST', url: '/v1/users', headers: admin.auth, payload: { username, displayName: '王小明', role, site: site ?? null, password: FIRST_PASSWORD } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  it('forces the change of a first password before anything else, then works on every instance', async () => {
    const id = await newUser('op-li');
    const first = await login(a, 'OP-Li ', FIRST_PASSWORD);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ tokenType: 'Bearer', mustChangePassword: true, expiresIn: 900, user: { id, username: 'op-li', role: 'operator', mustChangePassword: true } });
    const restricted = bearer(first.json().accessToken);

    const me = await a.app.inject({ method: 'GET', url: '/v1/session', headers: restricted });
    expect(me.json()).toMatchObject({ subject: id, kind: 'person', displayName: '王小明', mustChangePassword: true });
    const elsewhere = await b.app.inject({ method: 'GET', url: '/v1/projects/P-ANY', headers: restricted });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');

    const change = (currentPassword: string, newPassword: string) => a.app.inject({ method: 'POST', url: '/v1/session/password', headers: restricted, payload: { currentPassword, newPassword } });
    for (const [pw, rule] of [['short-1', 'length'], ['aaaaaaaaaaaaaaaa', 'variety'], ['my-op-li-password', 'username'], [FIRST_PASSWORD, 'reuse']] as const) {
      const weak = await change(FIRST_PASSWORD, pw);
      expect(weak.statusCode, pw).toBe(422);
      expect(weak.json().error).toMatchObject({ code: 'PASSWORD_POLICY', details: { rule } });
    }
    const wrong = await change('not-the-first-password', OWN_PASSWORD);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('BAD_CREDENTIALS');
    // The form asks for no username: the refusal names what was wrong.
    expect(wrong.json().error.message).toBe('当前密码不正确');

    const changed = await change(FIRST_PASSWORD, OWN_PASSWORD);
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().mustChangePassword).toBe(false);
    const full = bearer(changed.json().accessToken);
    const project = await b.app.inject({ method: 'GET', url: '/v1/projects/P-ANY', headers: full });
    expect(project.statusCode).toBe(404);
    // The first password no longer works; the chosen one does, without restriction.
    expect((await login(b, 'op-li', FIRST_PASSWORD)).statusCode).toBe(401);
    expect((await login(b, 'op-li', OWN_PASSWORD)).json().mustChangePassword).toBe(false);
    // The log names the session by a digest of its id, never by the id its tokens carry.
    expect(await entries(a, 'user.password-changed')).toContainEqual({ userId: id, session: sessionRef(me.json().sessionId) });
  }, 30_000);

  it('answers an unknown username exactly as a wrong password', async () => {
    await newUser('op-wang');
    const unknown = await login(a, 'nobody-here', 'some-password-123');
    const wrong = await login(a, 'op-wang', 'some-password-123');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().error).toEqual(wrong.json().error);
    expect(wrong.json().error.code).toBe('BAD_CREDENTIALS');
  }, 30_000);

  it('locks a username after five wrong passwords on any instances, with back-off, and logs each lock', async () => {
    const id = await newUser('op-zhao');
    // Wrong passwords spread over both instances count together.
    for (const t of [a, b, a, b]) expect((await login(t, 'op-zhao', 'wrong-password-1')).json().error.code).toBe('BAD_CREDENTIALS');
    const fifth = await login(b, 'op-zhao', 'wrong-password-1');
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().error).toMatchObject({ code: 'ACCOUNT_LOCKED', details: { retryAfterSeconds: LOCKOUT.firstLockMs / 1000 } });
    expect(fifth.headers['retry-after']).toBe(String(LOCKOUT.firstLockMs / 1000));
    expect(fifth.json().error.message).toBe(`此用户名的密码错误次数过多：请在 ${LOCKOUT.firstLockMs / 1000} 秒后重试`);
    // Locked: not even the right password is checked, on either instance; in English when asked, Retry-After alike.
    const locked = await a.app.inject({ method: 'POST', url: '/v1/session', headers: { 'accept-language': 'en' }, payload: { username: 'op-zhao', password: FIRST_PASSWORD } });
    expect(locked.json().error).toMatchObject({ code: 'ACCOUNT_LOCKED', message: `too many wrong passwords for this username: try again in ${LOCKOUT.firstLockMs / 1000} s` });
    expect(locked.headers['retry-after']).toBe(String(LOCKOUT.firstLockMs / 1000));
    clock += LOCKOUT.firstLockMs + 1000;
    // After the lock, five more wrong passwords lock for twice as long.
    for (let i = 0; i < 4; i++) expect((await login(i % 2 ? a : b, 'op-zhao', 'wrong-password-2')).json().error.code).toBe('BAD_CREDENTIALS');
    expect((await login(a, 'op-zhao', 'wrong-password-2')).json().error.details.retryAfterSeconds).toBe((2 * LOCKOUT.firstLockMs) / 1000);
    clock += 2 * LOCKOUT.firstLockMs + 1000;
    expect((await login(b, 'op-zhao', FIRST_PASSWORD)).statusCode).toBe(201);
    const locks = await entries(a, 'login.locked');
    expect(locks.filter((e) => e.userId === id).map((e) => e.lock)).toEqual([1, 2]);
  }, 60_000);

  it('locks an unknown username the same way (no enumeration), logging the lock without naming anyone', async () => {
    const before = (await entries(a, 'login.locked')).length;
    for (let i = 0; i < LOCKOUT.threshold - 1; i++) expect((await login(a, 'ghost-user', 'wrong-password-1')).json().error.code).toBe('BAD_CREDENTIALS');
    expect((await login(b, 'ghost-user', 'wrong-password-1')).json().error.code).toBe('ACCOUNT_LOCKED');
    const locks = await entries(a, 'login.locked');
    expect(locks.slice(before)).toEqual([expect.objectContaining({ userId: null, lock: 1 })]);
  }, 60_000);

  it('rotates the refresh token on every use; a used one presented again ends the session everywhere', async () => {
    await newUser('sv-sun', 'supervisor');
    const first = (await login(a, 'sv-sun', FIRST_PASSWORD)).json();
    const refresh = (t: Built, refreshToken: string) => t.app.inject({ method: 'POST', url: '/v1/session/refresh', payload: { refreshToken } });
    const second = await refresh(b, first.refreshToken);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().refreshToken).not.toBe(first.refreshToken);
    expect(second.json().mustChangePassword).toBe(true);
    const third = (await refresh(a, second.json().refreshToken)).json();
    const live = bearer(third.accessToken);
    expect((await b.app.inject({ method: 'GET', url: '/v1/session', headers: live })).statusCode).toBe(200);

    // The first refresh token again: a copy is loose. The session ends, with the tokens of its latest rotation.
    const reused = await refresh(b, first.refreshToken);
    expect(reused.statusCode).toBe(401);
    expect(reused.json().error.message).toBe('此刷新令牌已使用过，说明它有副本在外：登录会话已结束；请重新登录');
    expect((await a.app.inject({ method: 'GET', url: '/v1/session', headers: live })).statusCode).toBe(401);
    await eventually(async () => (await b.app.inject({ method: 'GET', url: '/v1/session', headers: live })).statusCode === 401);
    expect((await refresh(a, third.refreshToken)).statusCode).toBe(401);
    expect((await entries(a, 'session.ended')).at(-1)).toMatchObject({ reason: 'refresh-reused' });
    // Garbage is refused without ending anything.
    expect((await refresh(a, 'not-a-refresh-token')).statusCode).toBe(401);
  }, 30_000);

  it('logs out: the access token stops at once here and on the other instance, and so does the refresh token', async () => {
    const p = await person(a, 'inspector');
    expect((await b.app.inject({ method: 'GET', url: '/v1/session', headers: p.auth })).statusCode).toBe(200);
    const out = await a.app.inject({ method: 'DELETE', url: '/v1/session', headers: p.auth });
    expect(out.statusCode, out.body).toBe(204);
    expect((await a.app.inject({ method: 'GET', url: '/v1/session', headers: p.auth })).statusCode).toBe(401);
    await eventually(async () => (await b.app.inject({ method: 'GET', url: '/v1/session', headers: p.auth })).statusCode === 401);
    expect((await b.app.inject({ method: 'POST', url: '/v1/session/refresh', payload: { refreshToken: p.tokens.refreshToken } })).statusCode).toBe(401);
    // A machine token has no session to end.
    const machine = await a.app.inject({ method: 'DELETE', url: '/v1/session', headers: a.auth('operator') });
    expect(machine.statusCode).toBe(403);
  }, 30_000);

  it('lets an administrator change, disable and reset accounts, each ending the user’s sessions', async () => {
    const p = await person(a, 'operator', { username: 'op-qian' });
    const patch = (payload: object, id = p.userId, headers: Record<string, string> = admin.auth) => a.app.inject({ method: 'PATCH', url: `/v1/users/${id}`, headers, payload });
    // A new name changes no token: the session goes on.
    expect((await patch({ displayName: '钱多多' })).json().displayName).toBe('钱多多');
    expect((await b.app.inject({ method: 'GET', url: '/v1/session', headers: p.auth })).json().displayName).toBe('钱多多');
    // A new role ends the session on every instance (its token says operator).
    expect((await patch({ role: 'supervisor' })).json().role).toBe('supervisor');
    await eventually(async () => (await b.app.inject({ method: 'GET', url: '/v1/session', headers: p.auth })).statusCode === 401);

    const again = bearer((await login(b, 'op-qian', OWN_PASSWORD)).json().accessToken);
    expect((await a.app.inject({ method: 'GET', url: '/v1/session', headers: again })).json().role).toBe('supervisor');
    expect((await patch({ state: 'disabled' })).json().state).toBe('disabled');
    expect((await a.app.inject({ method: 'GET', url: '/v1/session', headers: again })).statusCode).toBe(401);
    const disabled = await login(b, 'op-qian', OWN_PASSWORD);
    expect(disabled.statusCode).toBe(403);
    expect(disabled.json().error.code).toBe('ACCOUNT_DISABLED');
    // Only the right password learns that the account is disabled.
    expect((await login(b, 'op-qian', 'wrong-password-9')).json().error.code).toBe('BAD_CREDENTIALS');

    expect((await patch({ state: 'active', password: 'reset-by-admin-7' })).json()).toMatchObject({ state: 'active', mustChangePassword: true });
    expect((await login(a, 'op-qian', 'reset-by-admin-7')).json().mustChangePassword).toBe(true);
    expect((await patch({ password: 'short' })).json().error).toMatchObject({ code: 'PASSWORD_POLICY', details: { rule: 'length' } });
    expect((await patch({ password: 'op-qian-is-me-2' })).json().error).toMatchObject({ code: 'PASSWORD_POLICY', details: { rule: 'username' } });
    // An administrator cannot lock themselves out, nor set their own password with their token alone.
    expect((await patch({ state: 'disabled' }, admin.userId)).json().error.code).toBe('CONFLICT');
    const own = await patch({ password: 'a-new-first-password-1' }, admin.userId);
    expect([own.statusCode, own.json().error.code]).toEqual([409, 'CONFLICT']);
    expect(own.json().error.message).toContain('POST /v1/session/password');
    expect((await entries(a, 'user.password-reset')).filter((e) => e.userId === admin.userId)).toEqual([]);
    expect((await patch({ role: 'site' })).json().error.code).toBe('INVALID_INPUT');
    expect((await patch({ role: 'site' })).json().error.message).toBe('远程评标场地的账号必须指明其远程评标场地');
    expect((await patch({ role: 'site', site: 'site-9' })).json().error.message).toBe('远程评标场地 site-9 未登记');
    expect((await patch({ role: 'site', site: 'site-9' }, p.userId, { ...admin.auth, 'accept-language': 'en' })).json().error.message).toBe('site site-9 is not registered');
    const types = (await entries(a, 'session.ended')).map((e) => e.reason);
    expect(types).toEqual(expect.arrayContaining(['user-changed', 'user-disabled']));

    const list = await a.app.inject({ method: 'GET', url: '/v1/users?role=admin', headers: admin.auth });
    expect(list.json().users.map((u: { username: string }) => u.username)).toEqual(['admin-zhang']);
    const taken = await a.app.inject({ method: 'POST', url: '/v1/users', headers: admin.auth, payload: { username: 'OP-QIAN', displayName: '另一个', role: 'operator', password: FIRST_PASSWORD } });
    expect(taken.json().error.code).toBe('CONFLICT');
  }, 60_000);

  async function entries(t: Built, type: string): Promise<Array<Record<string, unknown>>> {
    // From the store: either instance may have written them.
    const all = await t.ctx.store.readEntries(0, await t.ctx.store.logSize());
    return all.map((bytes) => JSON.parse(bytes.toString()) as { type: string; payload: Record<string, unknown> }).filter((e) => e.type === type).map((e) => e.payload);
  }
});
