// Idempotency-Key on every POST route: a repeat gets the first answer and acts once; the key on another request, a
// malformed key, and two copies at once are refused; keys are per principal; failed requests keep the key free.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { consequences, type ConsequenceRecord } from '../../src/records/sanctions.js';
import { build, type Built } from '../helper.js';
import { installCa, testCa } from '../helpers/sites.js';
import { FIRST_PASSWORD, person } from '../helpers/people.js';
import { generateNoteKeys } from '../../src/log/note.js';

let t: Built;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
/** The drawn project of the later cases, its draw and its calls' response links. */
let drawId = '';
let links: string[] = [];
// Every pool index: the routes above add experts 60 and 62, and the draw may pick them.
const phoneOwner = new Map(Array.from({ length: 80 }, (_, i) => [syntheticPersonal(i).phone, i]));
const ca = testCa();
const sites = { one: ca.issue('site-idem-1'), two: ca.issue('site-idem-2'), gone: ca.issue('site-idem-3') };
const pool = generatePool({ size: 80, seed: 'idempotency', fixed: [{ code: 'C990101', members: 30 }] });
// Exchange (docs/exchange.md): this centre trusts its own key here, so that its own documents import.
const exchangeKeys = generateNoteKeys('idempotency.example/exchange');
const exchangeFiles: unknown[] = [];

beforeAll(async () => {
  t = await build({ EXPERT_DRAW_EXCHANGE_SIGNER_KEY: exchangeKeys.signerKey, EXPERT_DRAW_EXCHANGE_PERSON_KEY: 'ab'.repeat(32), EXPERT_DRAW_EXCHANGE_TRUSTED: exchangeKeys.verifierKey }, { now: () => clock });
  installCa(t, ca.ca);
  const seeded = await t.ctx.pool.import(
    pool.experts.slice(0, 60).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })),
    [],
    'all',
    { sub: 'seed', role: 'admin', iat: 0, exp: 0 },
  );
  expect(seeded.imported).toBe(60);
});
afterAll(async () => {
  await t.close();
});

const project = (id: string, bidOpeningAt = '2026-12-01T12:00:00+08:00') => ({
  id,
  tenderer: syntheticUscc(7001),
  agency: syntheticUscc(7002),
  bidOpeningAt,
  region: '330106',
  venue: '3号评标室',
  groups: [{ specialty: 'C990101', count: 5 }],
});
const csv = (i: number) => {
  const e = pool.experts[i]!;
  const p = syntheticPersonal(i);
  return `id,name,phone,idNumber,specialties,region,employer,status\n${e.id},${p.name},${p.phone},${p.idNumber},${e.specialties.join(';')},${e.region},${e.employer},active\n`;
};

interface Case {
  readonly url: string | (() => string);
  /** null: a route without a bearer token (the response link). */
  readonly role: 'pool-manager' | 'operator' | 'supervisor' | 'checkin' | 'admin' | null;
  /** undefined: a route that takes no body. */
  readonly payload: () => string | object | Promise<object> | undefined;
  readonly other: () => string | object | Promise<object> | undefined;
  /** A route that takes no body: the other request goes to this URL instead. */
  readonly otherUrl?: () => string;
  readonly contentType?: string;
  readonly before?: () => Promise<unknown>;
  /** Who sends it, when a machine token of the role will not do (the unseal takes a person's session). */
  readonly headers?: () => { authorization: string };
}

/** A seat of the drawn project whose expert accepted or checked in. */
const takenSeat = async () => (await t.ctx.roster.read(drawId)).roster.calls.find((c) => c.state === 'accepted' || c.state === 'checked-in')!.seat;
/** The supervisor who approves the unseal (made in its case's `before`). */
let supervisor: { authorization: string } | null = null;
/** The pool manager who lodges and decides objections, and the objection decided (made in their cases' `before`). */
let poolManager: Awaited<ReturnType<typeof person>> | null = null;
let decided = '';
const C_IDEM = `C-${'c'.repeat(32)}`;
const C_IDEM_DECIDE = `C-${'d'.repeat(32)}`;
const C_IDEM_REVIEW = `C-${'e'.repeat(32)}`;
/** A consequence of the expert as the rules would log it (a review flag: the status is not changed). */
async function consequenceOf(expertId: string, id: string): Promise<void> {
  const c: ConsequenceRecord = { id, expertId, ruleId: 'LOW_ANNUAL_SCORE', kind: 'review', records: [{ index: 0, drawId: 'D-idem' }], appliedAt: new Date(clock).toISOString(), appliedIndex: 0, from: '2026-12-01', until: null, imposes: null, set: null, state: 'in-force', endedAt: null, endedWhy: null };
  await t.ctx.auditLog.append('rule.applied', { consequenceId: id, expertId, ruleId: c.ruleId, kind: 'review', records: [...c.records], from: c.from, until: null, changed: false, by: 'test-setup' }, { writes: (i) => [consequences.write({ ...c, appliedIndex: i })] });
}
/** Held changes of two experts' names, imported by someone else (made in the approve case's `before`). */
const held: Record<string, string> = {};
async function holdNameChanges(): Promise<void> {
  if (Object.keys(held).length > 0) return;
  const rows = [12, 13].map((i, k) => ({ line: k + 1, expert: pool.experts[i]!, personal: { ...syntheticPersonal(i), name: `改名${'甲乙'[k]}` } }));
  await t.ctx.pool.upsert(rows, [], { dryRun: false, retireMissing: false }, { sub: 'U-another-pool-manager', role: 'pool-manager', iat: 0, exp: 0 });
  for (const c of await t.ctx.pool.heldChanges()) held[c.id] = c.changeId;
}
/** The supervisor who deposits a witness secret (made in its case's `before`). */
let witness: { authorization: string } | null = null;
/**
 * POST routes that take no Idempotency-Key: the expert's answer page and record page (a browser's form, answered with a
 * redirect back to the page), and the session routes, whose answers are credentials (nothing saved, nothing replayed).
 */
const WITHOUT_KEY = ['/r/{token}', '/m/{token}', '/v1/session', '/v1/session/password', '/v1/session/refresh'];
const newUser = (username: string) => ({ username, displayName: '幂等测试', role: 'inspector' as const, site: null, password: FIRST_PASSWORD });

/** One case per POST route; the test below checks that the OpenAPI document has no POST route missing here. */
const CASES: Record<string, Case> = {
  '/v1/experts': { url: '/v1/experts', role: 'pool-manager', payload: () => ({ ...pool.experts[60]!, personal: syntheticPersonal(60) }), other: () => ({ ...pool.experts[61]!, personal: syntheticPersonal(61) }) },
  '/v1/experts/{id}/status': {
    url: `/v1/experts/${pool.experts[0]!.id}/status`,
    role: 'pool-manager',
    payload: () => ({ status: 'blacklisted', reason: '收受投标人财物' }),
    other: () => ({ status: 'retired', reason: '年满70周岁' }),
  },
  '/v1/experts/import': { url: '/v1/experts/import', role: 'pool-manager', contentType: 'text/csv', payload: () => csv(62), other: () => csv(63) },
  '/v1/projects': { url: '/v1/projects', role: 'operator', payload: () => project('P-IDEM-1'), other: () => project('P-IDEM-2') },
  '/v1/projects/{id}/cancel': {
    url: '/v1/projects/P-IDEM-C/cancel',
    role: 'operator',
    before: () => t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: project('P-IDEM-C') }),
    payload: () => ({ reason: '招标人撤回招标' }),
    other: () => ({ reason: '另一个理由' }),
  },
  '/v1/responses/{token}': {
    url: () => `/v1/responses/${links[0]!.split('/').pop()}`,
    role: null,
    before: async () => {
      await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: project('P-IDEM-L', '2026-12-01T10:00:00+08:00') });
      drawId = (await t.ctx.draws.run('P-IDEM-L', 'immediate', { sub: 'op', role: 'operator', iat: 0, exp: 0 })).drawId;
      await t.ctx.calls.tick();
      links = (await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'))).map((m) => m.responseUrl!);
    },
    payload: () => ({ answer: 'accept' }),
    other: () => ({ answer: 'decline' }),
  },
  '/v1/checkins': {
    url: '/v1/checkins',
    role: 'checkin',
    payload: async () => ({ projectId: 'P-IDEM-L', idNumber: syntheticPersonal(phoneOwner.get((await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl')))[0]!.to)!).idNumber }),
    other: async () => ({ projectId: 'P-IDEM-L', idNumber: syntheticPersonal(phoneOwner.get((await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl')))[1]!.to)!).idNumber }),
  },
  '/v1/projects/{id}/bidders': { url: '/v1/projects/P-IDEM-L/bidders', role: 'operator', payload: () => ({ bidders: [syntheticUscc(7301)] }), other: () => ({ bidders: [syntheticUscc(7302)] }) },
  '/v1/draws/{id}/unseal': {
    url: () => `/v1/draws/${drawId}/unseal`,
    role: 'supervisor',
    headers: () => supervisor!,
    before: async () => {
      clock = Date.parse('2026-12-01T10:05:00+08:00');
      supervisor = (await person(t, 'supervisor')).auth;
      await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers: (await person(t, 'operator')).auth });
    },
    payload: () => undefined,
    other: () => undefined,
    otherUrl: () => `/v1/draws/${drawId}/unseal?note=x`,
  },
  // Conduct of a seat whose expert accepted (and checked in above), by the supervisor who approved the unseal.
  '/v1/draws/{id}/records': {
    url: () => `/v1/draws/${drawId}/records`,
    role: 'supervisor',
    headers: () => supervisor!,
    payload: async () => ({ group: 0, seat: await takenSeat(), code: 'LEFT_EARLY' }),
    other: async () => ({ group: 0, seat: await takenSeat(), code: 'REFUSED_TO_SIGN' }),
  },
  '/v1/draws/{id}/disclose': { url: () => `/v1/draws/${drawId}/disclose`, role: 'operator', payload: () => undefined, other: () => undefined, otherUrl: () => `/v1/draws/${drawId}/disclose?note=x` },
  '/v1/users': { url: '/v1/users', role: 'admin', payload: () => newUser('idem-user-1'), other: () => newUser('idem-user-2') },
  '/v1/sites': { url: '/v1/sites', role: 'admin', payload: () => ({ certificate: sites.one.certPem }), other: () => ({ certificate: sites.two.certPem }) },
  '/v1/sites/{id}/revoke': {
    url: '/v1/sites/site-idem-3/revoke',
    role: 'admin',
    before: () => t.app.inject({ method: 'POST', url: '/v1/sites', headers: t.auth('admin'), payload: { certificate: sites.gone.certPem } }),
    payload: () => ({ reason: '停止合作' }),
    other: () => ({ reason: '密钥泄露' }),
  },
  // A witness's deposit (a supervisor's session) for a witnessed project's planned draw: the kept answer is the receipt.
  '/v1/projects/{id}/witness-deposits': {
    url: '/v1/projects/P-IDEM-W/witness-deposits',
    role: 'supervisor',
    headers: () => witness!,
    before: async () => {
      witness = (await person(t, 'supervisor')).auth;
      await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: { ...project('P-IDEM-W'), assurance: 'witnessed' } });
    },
    payload: () => ({ secret: '1d'.repeat(32) }),
    other: () => ({ secret: '2e'.repeat(32) }),
  },
  // An objection a pool manager (a person) lodges against a consequence the rules logged, then decides.
  '/v1/experts/{id}/objections': {
    url: () => `/v1/experts/${pool.experts[0]!.id}/objections`,
    role: 'pool-manager',
    headers: () => poolManager!.auth,
    before: async () => {
      poolManager = await person(t, 'pool-manager');
      await consequenceOf(pool.experts[0]!.id, C_IDEM);
    },
    payload: () => ({ against: { consequence: C_IDEM }, reason: '本人当日因病无法到场' }),
    other: () => ({ against: { consequence: C_IDEM }, reason: '另有理由' }),
  },
  '/v1/objections/{id}/decision': {
    url: () => `/v1/objections/${decided}/decision`,
    role: 'pool-manager',
    headers: () => poolManager!.auth,
    before: async () => {
      poolManager ??= await person(t, 'pool-manager');
      await consequenceOf(pool.experts[1]!.id, C_IDEM_DECIDE);
      // Lodged by another pool manager: who lodges an objection does not decide it.
      decided = (await t.ctx.rules.lodge(pool.experts[1]!.id, { consequence: C_IDEM_DECIDE }, '本人当日因病无法到场', { sub: 'U-another-pool-manager', role: 'pool-manager', iat: 0, exp: 0 })).id;
    },
    payload: () => ({ upheld: false, reason: '证据不足' }),
    other: () => ({ upheld: true, reason: '理由成立' }),
  },
  // A review the rules logged, closed by a pool manager in person.
  '/v1/consequences/{id}/review': {
    url: `/v1/consequences/${C_IDEM_REVIEW}/review`,
    role: 'pool-manager',
    headers: () => poolManager!.auth,
    before: async () => {
      poolManager ??= await person(t, 'pool-manager');
      await consequenceOf(pool.experts[2]!.id, C_IDEM_REVIEW);
    },
    payload: () => ({ outcome: 'warning', reason: '已约谈' }),
    other: () => ({ outcome: 'no-action', reason: '无需处理' }),
  },
  // A change of an expert's personal data held for a second person (docs/security.md T6): decided once for a repeat.
  '/v1/experts/{id}/personal-change/{changeId}/approve': {
    url: () => `/v1/experts/${pool.experts[12]!.id}/personal-change/${held[pool.experts[12]!.id]}/approve`,
    role: 'pool-manager',
    headers: () => poolManager!.auth,
    before: async () => {
      poolManager ??= await person(t, 'pool-manager');
      await holdNameChanges();
    },
    payload: () => undefined,
    other: () => undefined,
    otherUrl: () => `/v1/experts/${pool.experts[13]!.id}/personal-change/${held[pool.experts[13]!.id]}/approve`,
  },
  '/v1/experts/{id}/personal-change/{changeId}/reject': {
    url: () => `/v1/experts/${pool.experts[13]!.id}/personal-change/${held[pool.experts[13]!.id]}/reject`,
    role: 'pool-manager',
    headers: () => poolManager!.auth,
    before: async () => {
      poolManager ??= await person(t, 'pool-manager');
      await holdNameChanges();
    },
    payload: () => ({ reason: '与登记材料不符' }),
    other: () => ({ reason: '另有理由' }),
  },
  // A link to an expert's own record page: sent once for a repeat; the key on another expert's is refused.
  '/v1/experts/{id}/record-link': {
    url: `/v1/experts/${pool.experts[3]!.id}/record-link`,
    role: 'pool-manager',
    headers: () => poolManager!.auth,
    before: async () => {
      poolManager ??= await person(t, 'pool-manager');
    },
    payload: () => undefined,
    other: () => undefined,
    otherUrl: () => `/v1/experts/${pool.experts[4]!.id}/record-link`,
  },
  // Admission and exit (docs/admission.md): decisions by a pool manager in person (made in the admit case's `before`).
  '/v1/applications': {
    url: '/v1/applications',
    role: 'pool-manager',
    payload: () => ({ ...pool.experts[64]!, id: 'A-IDEM-1', personal: syntheticPersonal(64) }),
    other: () => ({ ...pool.experts[65]!, id: 'A-IDEM-2', personal: syntheticPersonal(65) }),
  },
  '/v1/applications/{id}/admit': {
    url: '/v1/applications/A-IDEM-3/admit',
    role: 'pool-manager',
    headers: () => poolManager!.auth,
    before: async () => {
      poolManager ??= await person(t, 'pool-manager');
      await t.ctx.lifecycle.apply({ ...pool.experts[66]!, id: 'A-IDEM-3' }, syntheticPersonal(66), null, { sub: 'pm', role: 'pool-manager', iat: 0, exp: 0 });
    },
    payload: () => undefined,
    other: () => undefined,
    otherUrl: () => '/v1/applications/A-IDEM-3/admit?note=x',
  },
  '/v1/applications/{id}/reject': {
    url: '/v1/applications/A-IDEM-4/reject',
    role: 'pool-manager',
    headers: () => poolManager!.auth,
    before: () => t.ctx.lifecycle.apply({ ...pool.experts[67]!, id: 'A-IDEM-4' }, syntheticPersonal(67), null, { sub: 'pm', role: 'pool-manager', iat: 0, exp: 0 }),
    payload: () => ({ reason: '材料不全' }),
    other: () => ({ reason: '另一个理由' }),
  },
  '/v1/experts/{id}/confirm': {
    url: `/v1/experts/${pool.experts[1]!.id}/confirm`,
    role: 'pool-manager',
    headers: () => poolManager!.auth,
    payload: () => undefined,
    other: () => undefined,
    otherUrl: () => `/v1/experts/${pool.experts[1]!.id}/confirm?note=x`,
  },
  '/v1/experts/{id}/exit': {
    url: `/v1/experts/${pool.experts[2]!.id}/exit`,
    role: 'pool-manager',
    headers: () => poolManager!.auth,
    payload: () => ({ reason: 'resigned' }),
    other: () => ({ reason: 'deceased' }),
  },
  '/v1/exchange/export': { url: '/v1/exchange/export', role: 'pool-manager', payload: () => undefined, other: () => undefined, otherUrl: () => '/v1/exchange/export?note=x' },
  // Two documents of this centre, different because a blacklisting came between them.
  '/v1/exchange/import': {
    url: '/v1/exchange/import',
    role: 'pool-manager',
    before: async () => {
      const pm = { sub: 'pm', role: 'pool-manager' as const, iat: 0, exp: 0 };
      exchangeFiles.push(JSON.parse(JSON.stringify(await t.ctx.exchange.export(pm))));
      await t.ctx.pool.setStatus(pool.experts[3]!.id, { status: 'blacklisted', reason: '串通投标', until: null }, pm);
      exchangeFiles.push(JSON.parse(JSON.stringify(await t.ctx.exchange.export(pm))));
    },
    payload: () => exchangeFiles[0] as object,
    other: () => exchangeFiles[1] as object,
  },
  '/v1/projects/{id}/draw': {
    url: '/v1/projects/P-IDEM-D/draw',
    role: 'operator',
    before: () => t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: project('P-IDEM-D') }),
    payload: () => undefined,
    other: () => undefined,
    otherUrl: () => '/v1/projects/P-IDEM-D/draw?note=x',
  },
};

async function send(c: Case, key: string | undefined, payload: string | object | Promise<object> | undefined, subject = 'same-person', url?: string) {
  const headers: Record<string, string> = c.headers ? { ...c.headers() } : c.role ? { ...t.auth(c.role, { subject }) } : {};
  if (key !== undefined) headers['idempotency-key'] = key;
  if (c.contentType) headers['content-type'] = c.contentType;
  const body = await payload;
  return t.app.inject({ method: 'POST', url: url ?? (typeof c.url === 'string' ? c.url : c.url()), headers, ...(body === undefined ? {} : { payload: body }) });
}

describe('Idempotency-Key', () => {
  it('is declared on every POST route of the OpenAPI document, and every one is tested here', async () => {
    const doc = t.app.swagger() as unknown as { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; responses: Record<string, unknown> }>> };
    const posts = Object.entries(doc.paths).filter(([, ops]) => ops.post).map(([path]) => path);
    expect(posts.sort()).toEqual([...Object.keys(CASES), ...WITHOUT_KEY].sort());
    for (const path of WITHOUT_KEY) expect(doc.paths[path]!.post!.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key') ?? false, path).toBe(false);
    for (const path of posts.filter((p) => !WITHOUT_KEY.includes(p))) {
      const op = doc.paths[path]!.post!;
      expect(op.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key'), path).toBe(true);
      expect(op.responses['409'], path).toBeDefined();
    }
  });

  it('is not taken by the session routes: two logins with one key are two sessions, and no answer is kept', async () => {
    await t.ctx.users.create(newUser('idem-login'), 'test-setup');
    const login = () => t.app.inject({ method: 'POST', url: '/v1/session', headers: { 'idempotency-key': 'login-key-0001' }, payload: { username: 'idem-login', password: FIRST_PASSWORD } });
    const saved = (await t.ctx.store.listRecords('idempotency')).length;
    const [first, second] = [await login(), await login()];
    expect(first.statusCode, first.body).toBe(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.json().refreshToken).not.toBe(first.json().refreshToken);
    expect(await t.ctx.store.listRecords('idempotency')).toHaveLength(saved);
  }, 30_000);

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: a repeat answers the same and acts once; the key on another request is refused`, async () => {
      await c.before?.();
      const key = `key-${name.replace(/[^a-z]/g, '')}-0001`;
      const size = await t.ctx.store.logSize();
      const first = await send(c, key, c.payload());
      expect(first.statusCode, first.body).toBeLessThan(300);
      // A draw answers before its calls are placed: they belong to its one action, so they land before counting.
      const afterFirst = await t.ctx.store.logSize();
      expect(afterFirst).toBeGreaterThan(size);
      const again = await send(c, key, c.payload());
      expect(again.statusCode).toBe(first.statusCode);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      // Byte for byte, with the same type: the first answer is the saved one (a draw's is made once, with its result).
      expect(again.body).toBe(first.body);
      expect(again.headers['content-type']).toBe(first.headers['content-type']);
      expect(await t.ctx.store.logSize()).toBe(afterFirst);
      const other = await send(c, key, c.other(), undefined, c.otherUrl?.());
      expect(other.statusCode).toBe(409);
      expect(other.json().error.code).toBe('IDEMPOTENCY_CONFLICT');
      expect(await t.ctx.store.logSize()).toBe(afterFirst);
    });
  }

  it('keeps keys per principal: the same key from someone else is a new request', async () => {
    const c = CASES['/v1/projects']!;
    const a = await send(c, 'shared-key-0001', project('P-IDEM-A'), 'op-a');
    const b = await send(c, 'shared-key-0001', project('P-IDEM-B'), 'op-b');
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('acts once when two copies arrive together', async () => {
    const c = CASES['/v1/projects']!;
    const size = await t.ctx.store.logSize();
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(c, 'together-0001', project('P-IDEM-T'))));
    const codes = answers.map((a) => a.statusCode);
    // Each copy either gets the one answer or is told the first copy is still running; none acts a second time.
    for (const a of answers) {
      if (a.statusCode === 201) expect(a.json().project.id).toBe('P-IDEM-T');
      else expect(a.json().error.code).toBe('CONFLICT');
    }
    expect(codes).toContain(201);
    expect(await t.ctx.store.logSize()).toBe(size + 1);
  });

  it('refuses a malformed key before acting', async () => {
    const c = CASES['/v1/projects']!;
    const size = await t.ctx.store.logSize();
    for (const key of ['short', 'x'.repeat(129), 'has space 0001']) {
      const res = await send(c, key, project('P-IDEM-BAD'));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('INVALID_INPUT');
      // The rule the key breaks, not only that its format is wrong.
      expect(res.json().error.details.issues[0].message).toBe('Idempotency-Key 须为 8–128 个可见 ASCII 字符（不含空格）');
    }
    expect(await t.ctx.store.logSize()).toBe(size);
  });

  it('does not keep a failed answer: the corrected request may reuse the key', async () => {
    const c = CASES['/v1/projects']!;
    const bad = await send(c, 'retry-after-fix-0001', { ...project('P-IDEM-FIX'), region: 'nowhere' });
    expect(bad.statusCode).toBe(400);
    const good = await send(c, 'retry-after-fix-0001', project('P-IDEM-FIX'));
    expect(good.statusCode).toBe(201);
  });

  it('runs its hooks only on the routes that take keys: a read neither saves an answer nor releases a lease', () => {
    const hooks = (method: string) => t.app.printRoutes({ method, includeHooks: true, commonPrefix: false });
    for (const name of ['takeKey', 'saveAnswer', 'releaseKey']) {
      expect(hooks('POST')).toContain(`${name}()`);
      expect(hooks('GET')).not.toContain(`${name}()`);
    }
  });

  it('keeps saved answers sealed at rest', async () => {
    const saved = await t.ctx.store.listRecords('idempotency');
    expect(saved.length).toBeGreaterThan(0);
    for (const r of saved) expect(r.value.toString()).not.toContain('P-IDEM');
  });
});
