// Regressions for what an outside hostile test found in the access layer (issue 9, findings 1–4): tokens naming a site
// that reached the centre's draws and pool, a revoked site's session, a rate limit that a random bearer value escaped,
// single-use answer links in the service log, and Idempotency-Key replays that crossed from a centre desk to a site's.
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSigner } from '../../src/auth/tokens.js';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { acceptSeat } from '../helpers/calls.js';
import { installCa, testCa } from '../helpers/sites.js';
import { signRaw } from '../helpers/tokens.js';

const ca = testCa();
const certs = { s1: ca.issue('site-1'), s2: ca.issue('site-2') };
const clock = Date.parse('2026-12-01T11:00:00+08:00');
const pool = generatePool({ size: 40, seed: 'access-findings', fixed: [{ code: 'C990101', members: 30 }] });
const project = (id: string) => ({
  id,
  tenderer: syntheticUscc(8901),
  agency: syntheticUscc(8902),
  bidOpeningAt: '2026-12-01T12:00:00+08:00',
  region: '330106',
  venue: '2号评标室',
  groups: [{ specialty: 'C990101', count: 5 }],
});

/** Everything the service logged, as text. */
let logged = '';
const sink = new Writable({
  write(chunk, _enc, done) {
    logged += chunk.toString();
    done();
  },
});

let t: Built;
let drawId = '';
/** The ID number of an expert seated on the centre's project. */
let seatedIdNumber = '';
let seatedPhone = '';

beforeAll(async () => {
  t = await build({ EXPERT_DRAW_RATE_LIMIT: '20' }, { now: () => clock, logger: { level: 'info', stream: sink } });
  installCa(t, ca.ca);
  const seed = { sub: 'seed', role: 'admin' as const, iat: 0, exp: 0 };
  await t.ctx.pool.import(pool.experts.slice(0, 30).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', seed);
  await t.ctx.sites.register(certs.s1.certPem, seed);
  await t.ctx.sites.register(certs.s2.certPem, seed);
  await t.ctx.sites.revoke('site-2', '证书泄露', seed);
  const op = t.auth('operator', { subject: 'op-setup' });
  expect((await t.app.inject({ method: 'POST', url: '/v1/projects', headers: op, payload: project('P-AF-1') })).statusCode).toBe(201);
  const draw = await t.app.inject({ method: 'POST', url: '/v1/projects/P-AF-1/draw', headers: op });
  expect(draw.statusCode, draw.body).toBe(201);
  drawId = draw.json().drawId;
  await t.ctx.calls.tick();
  const first = t.ctx.draws.openSealed(await t.ctx.draws.get(drawId)).result.groups[0]!.selected[0]!;
  seatedIdNumber = t.ctx.pool.personal(first).idNumber;
  seatedPhone = t.ctx.pool.personal(first).phone;
  // A desk checks in only an accepted call.
  await acceptSeat(t, drawId, first);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const now = () => Math.floor(Date.now() / 1000);

describe('finding 1: a token naming a site reaches that site only; a revoked site reaches nothing', () => {
  it('is never issued for a centre role, and refused when forged with the real key', async () => {
    const sign = tokenSigner(t.ctx.keys.jwt.privateKey);
    for (const role of ['operator', 'supervisor', 'admin', 'pool-manager', 'inspector'] as const) {
      expect(() => sign({ role, subject: 'x', site: 'site-1', ttlSeconds: 600 })).toThrow(/cannot name a site/);
      const forged = signRaw(t.ctx.keys.jwt.privateKey, { sub: 'x', role, site: 'site-1', iat: now(), exp: now() + 600 });
      const res = await t.app.inject({ method: 'GET', url: '/v1/session', headers: { authorization: `Bearer ${forged}` } });
      expect(res.statusCode, role).toBe(401);
    }
  });

  it('an operator or supervisor "of site-1" cannot approve the unseal or read the panel of the centre’s draw', async () => {
    for (const role of ['operator', 'supervisor']) {
      const forged = signRaw(t.ctx.keys.jwt.privateKey, { sub: `s1-${role}`, role, site: 'site-1', iat: now(), exp: now() + 600 });
      const headers = { authorization: `Bearer ${forged}` };
      expect((await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/panel`, headers })).statusCode).toBe(401);
    }
    expect((await t.ctx.roster.unsealState(drawId))?.approvals ?? []).toEqual([]);
  });

  it('a site token cannot read the centre’s draw, and a revoked site’s token not even its session', async () => {
    const s1 = await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}`, headers: t.auth('site', { site: 'site-1', subject: 's1-clerk' }) });
    expect(s1.statusCode).toBe(404);
    // Probing shows in the service log: who, which action, why (never a personal datum).
    expect(logged).toMatch(/"access":\{"action":"draw.read","role":"site","site":"site-1","sub":"s1-clerk"/);
    const revoked = await t.app.inject({ method: 'GET', url: '/v1/session', headers: t.auth('site', { site: 'site-2', subject: 's2-clerk' }) });
    expect(revoked.statusCode).toBe(403);
    expect(revoked.json().error).toMatchObject({ code: 'FORBIDDEN', message: '远程评标场地 site-2 已被撤销' });
  });
});

describe('finding 4: Idempotency-Key replays stay with their holder and route', () => {
  it('a site desk with the same subject and key as a centre desk does not get the centre’s answer', async () => {
    const key = 'checkin-key-0001';
    const body = { projectId: 'P-AF-1', idNumber: seatedIdNumber };
    const centre = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: { ...t.auth('checkin', { subject: 'desk-1' }), 'idempotency-key': key }, payload: body });
    expect(centre.statusCode, centre.body).toBe(200);
    const name = centre.json().name as string;
    const site = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: { ...t.auth('checkin', { site: 'site-1', subject: 'desk-1' }), 'idempotency-key': key }, payload: body });
    expect(site.statusCode).toBe(404);
    expect(site.headers['idempotent-replayed']).toBeUndefined();
    expect(site.body).not.toContain(name);
    // The centre desk itself still gets its own answer again.
    const again = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: { ...t.auth('checkin', { subject: 'desk-1' }), 'idempotency-key': key }, payload: body });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().name).toBe(name);
  });
});

describe('finding 3: answer links never reach the service log', () => {
  it('redacts the token from the logged path on every status and spelling', async () => {
    const messages = await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'));
    // Not the call of the expert the check-in test above admitted (an answer to that one is 410).
    const live = messages.find((m) => m.to !== seatedPhone)!.responseUrl!.split('/').pop()!;
    const unknown = 'Q'.repeat(32);
    const sent = [
      await t.app.inject({ method: 'POST', url: `/v1/responses/${live}`, payload: { answer: 'accept' } }),
      await t.app.inject({ method: 'POST', url: `/v1/responses/${live}`, payload: { answer: 'maybe' } }),
      await t.app.inject({ method: 'POST', url: `/v1/responses/${unknown}`, payload: { answer: 'decline' } }),
      await t.app.inject({ method: 'GET', url: `/v1/responses/${unknown}` }),
      await t.app.inject({ method: 'POST', url: `/v1/%72esponses/${unknown}?x=1`, payload: { answer: 'decline' } }),
      await t.app.inject({ method: 'POST', url: `//v1//responses/${unknown}`, payload: { answer: 'decline' } }),
    ];
    expect(sent.map((r) => r.statusCode)).toEqual([200, 400, 404, 404, 404, 404]);
    expect(logged).toContain('[redacted]');
    expect(logged).not.toContain(live);
    expect(logged).not.toContain(unknown);
  });
});

describe('finding 2: the rate limit counts by verified identity, else by address', () => {
  it('random bearer values share the address’s allowance; a real identity keeps its own', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/session', headers: { authorization: `Bearer random-${i}-${Math.random()}` }, remoteAddress: '203.0.113.7' });
      statuses.push(res.statusCode);
    }
    expect(statuses.filter((s) => s === 401).length).toBe(20);
    expect(statuses.filter((s) => s === 429).length).toBe(10);
    const real = await t.app.inject({ method: 'GET', url: '/v1/session', headers: t.auth('inspector', { subject: 'insp-9' }), remoteAddress: '203.0.113.7' });
    expect(real.statusCode).toBe(200);
  });
});

describe('behind a reverse proxy (EXPERT_DRAW_TRUST_PROXY)', () => {
  it('counts each client named by the trusted proxy on its own, and nobody else’s X-Forwarded-For', async () => {
    const p = await build({ EXPERT_DRAW_RATE_LIMIT: '3', EXPERT_DRAW_TRUST_PROXY: '10.0.0.5' });
    try {
      const via = (client: string, from = '10.0.0.5') => p.app.inject({ method: 'GET', url: '/v1/session', remoteAddress: from, headers: { 'x-forwarded-for': client } });
      const a = [];
      for (let i = 0; i < 4; i++) a.push((await via('198.51.100.1')).statusCode);
      expect(a).toEqual([401, 401, 401, 429]);
      // Another client behind the same proxy still has its allowance.
      expect((await via('198.51.100.2')).statusCode).toBe(401);
      // An untrusted sender cannot pick its own address with the header.
      const b = [];
      for (let i = 0; i < 4; i++) b.push((await via(`203.0.113.${i}`, '192.0.2.9')).statusCode);
      expect(b).toEqual([401, 401, 401, 429]);
    } finally {
      await p.close();
    }
  });
});

describe('finding 6: a site cannot tell whether another owner’s id exists', () => {
  it('another owner’s project, draw or site is answered exactly as an id that does not exist, and the probe is logged', async () => {
    const s1 = t.auth('site', { site: 'site-1', subject: 's1-prober' });
    const pairs: Array<[string, string, string]> = [
      ['GET', `/v1/projects/P-AF-1`, `/v1/projects/P-AF-NONE`],
      ['GET', `/v1/projects/P-AF-1/timeline`, `/v1/projects/P-AF-NONE/timeline`],
      ['POST', `/v1/projects/P-AF-1/draw`, `/v1/projects/P-AF-NONE/draw`],
      ['GET', `/v1/draws/${drawId}`, `/v1/draws/D-00000000-0000-4000-8000-000000000000`],
      ['GET', `/v1/draws/${drawId}/sealed`, `/v1/draws/D-00000000-0000-4000-8000-000000000000/sealed`],
    ];
    for (const [method, theirs, none] of pairs) {
      const a = await t.app.inject({ method: method as 'GET', url: theirs, headers: s1 });
      const b = await t.app.inject({ method: method as 'GET', url: none, headers: s1 });
      expect([a.statusCode, b.statusCode], `${method} ${theirs}`).toEqual([404, 404]);
      const idOf = (url: string) => url.split('/')[3]!;
      // The same answer, word for word, but for the id the client sent (and the request's own id).
      const error = (body: string, id: string) => JSON.stringify(JSON.parse(body).error).replaceAll(id, 'ID');
      expect(error(a.body, idOf(theirs)), `${method} ${theirs}`).toBe(error(b.body, idOf(none)));
      expect(Object.keys(a.headers).sort()).toEqual(Object.keys(b.headers).sort());
    }
    // Its own service log says it was a refusal, not a miss.
    expect(logged).toMatch(/"access":\{"action":"project.read","role":"site","site":"site-1","sub":"s1-prober"/);
    const check = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin', { site: 'site-1', subject: 'desk-9' }), payload: { projectId: 'P-AF-1', idNumber: seatedIdNumber } });
    const none = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin', { site: 'site-1', subject: 'desk-9' }), payload: { projectId: 'P-AF-NONE', idNumber: seatedIdNumber } });
    expect(check.statusCode).toBe(404);
    expect(JSON.stringify(check.json().error).replaceAll('P-AF-1', 'ID')).toBe(JSON.stringify(none.json().error).replaceAll('P-AF-NONE', 'ID'));
  });
});
