// Remote evaluation sites end to end through the API: registration by certificate (and every refusal), a site's own
// project drawn at its request and on schedule, its sealed result opened with its key and with no other, the offline
// `expert-draw open`, site-scoped check-in, confinement of one site's tokens away from another's projects and draws,
// and revocation and renewal.
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jcs } from '../../src/crypto/canonical.js';
import { openExport, seal, type SealedExport } from '../../src/crypto/sealing.js';
import type { SealedContent } from '../../src/services/draw.service.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { acceptSeat, sentMessages, tokenOf } from '../helpers/calls.js';
import { installCa, testCa, type TestSite } from '../helpers/sites.js';

let t: Built;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const ca = testCa();
const siteA = ca.issue('site-a');
const siteB = ca.issue('site-b');
// Every other certificate the tests use, made before the app runs: generating RSA keys blocks the event loop.
const certs = {
  rogue: testCa().issue('site-c').certPem,
  expired: ca.issue('site-d', { now: new Date('2026-01-02T00:00:00Z'), validDays: 30 }).certPem,
  reserved: ca.issue('service').certPem,
  e: ca.issue('site-e').certPem,
  f: ca.issue('site-f').certPem,
  renewed: ca.issue('site-a'),
  otherSite: ca.issue('site-b').certPem,
  /** Site A's first key in a certificate issued again, after the renewal moved the site to a new key. */
  oldKeyAgain: ca.issue('site-a', { privateKey: siteA.privateKey, now: new Date('2026-07-01T00:00:00Z') }).certPem,
  /** The same key under another site id. */
  oldKeyElsewhere: ca.issue('site-g', { privateKey: siteA.privateKey, now: new Date('2026-07-01T00:00:00Z') }).certPem,
};
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const pool = generatePool({ size: 80, seed: 'sites', fixed: [{ code: 'C990101', members: 40 }] });
const personalOf = new Map(pool.experts.slice(0, 60).map((e, i) => [e.id, syntheticPersonal(i)]));
const root = resolve(import.meta.dirname, '../..');
const files = mkdtempSync(join(tmpdir(), 'expert-draw-sites-'));

const project = (id: string, bidOpeningAt = '2026-12-01T10:00:00+08:00') => ({
  id,
  tenderer: syntheticUscc(9001),
  agency: syntheticUscc(9002),
  bidOpeningAt,
  region: '330106',
  venue: '远程评标室 2',
  groups: [{ specialty: 'C990101', count: 5 }],
});
const as = (role: 'admin' | 'operator' | 'site' | 'checkin', site?: string, subject?: string) => t.auth(role, { site, subject });
const logTypes = async (from: number) => {
  const out: string[] = [];
  for (let i = from; i < (await t.ctx.store.logSize()); i++) out.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()).type);
  return out;
};
const register = (site: TestSite) => t.app.inject({ method: 'POST', url: '/v1/sites', headers: as('admin'), payload: { certificate: site.certPem } });

/** Site A's project, drawn at its own request: the draw, and its export as the site downloads it. */
let drawA = '';
let exportA: SealedExport;

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  installCa(t, ca.ca);
  const seed = { sub: 'seed', role: 'admin' as const, iat: 0, exp: 0 };
  await t.ctx.pool.import(pool.experts.slice(0, 60).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', seed);
}, 60_000);
afterAll(async () => {
  await t.close();
  rmSync(files, { recursive: true, force: true });
});

describe('remote sites', () => {
  it('registers a site from a certificate of the site CA, logged without the certificate', async () => {
    const size = await t.ctx.store.logSize();
    const res = await register(siteA);
    expect(res.statusCode, res.body).toBe(201);
    const site = res.json();
    expect(site).toMatchObject({ siteId: 'site-a', siteName: '远程评标站 site-a', state: 'active', revision: 1 });
    expect(site.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const entry = JSON.parse((await t.ctx.auditLog.entry(size)).toString());
    expect(entry).toMatchObject({ type: 'site.registered', payload: { siteId: 'site-a', fingerprint: site.fingerprint, by: 'test-admin' } });
    expect((await register(siteB)).statusCode).toBe(201);
    const list = await t.app.inject({ url: '/v1/sites', headers: as('admin') });
    expect(list.json().sites.map((s: { siteId: string }) => s.siteId)).toEqual(['site-a', 'site-b']);
  });

  it('refuses a certificate of another CA, an expired one, a reserved id, a second registration and a non-admin; nothing is stored', async () => {
    const size = await t.ctx.store.logSize();
    const before = await t.ctx.store.listRecords('sites');
    const cases: Array<[string, Record<string, string>, number, string]> = [
      [certs.rogue, as('admin'), 422, 'CERT_UNTRUSTED'],
      [certs.expired, as('admin'), 422, 'CERT_EXPIRED'],
      [certs.reserved, as('admin'), 422, 'CERT_MALFORMED'],
      [ca.ca.certPem, as('admin'), 422, 'CERT_UNTRUSTED'],
      ['-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n', as('admin'), 422, 'CERT_MALFORMED'],
      [siteA.certPem, as('admin'), 409, 'CONFLICT'],
      [certs.e, as('operator'), 403, 'FORBIDDEN'],
      [certs.f, as('site', 'site-a'), 403, 'FORBIDDEN'],
    ];
    for (const [certificate, headers, status, code] of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/sites', headers, payload: { certificate } });
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    expect(await t.ctx.store.logSize()).toBe(size);
    expect(await t.ctx.store.listRecords('sites')).toEqual(before);
  });

  it('answers 503 SITE_CA_MISSING, saying how to install one, where no site CA is installed', async () => {
    const bare = await build({}, { now: () => clock });
    try {
      const res = await bare.app.inject({ method: 'POST', url: '/v1/sites', headers: bare.auth('admin'), payload: { certificate: siteA.certPem } });
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toMatchObject({ code: 'SITE_CA_MISSING' });
      expect(res.json().error.message).toContain('expert-draw ca init');
      expect(await bare.ctx.store.logSize()).toBe(0);
    } finally {
      await bare.close();
    }
  });

  it("lets a site register and draw its own project; the result is sealed to the site's key as well", async () => {
    const created = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: as('site', 'site-a'), payload: project('P-SITE-A') });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().site).toBe('site-a');
    const size = await t.ctx.store.logSize();
    const drawn = await t.app.inject({ method: 'POST', url: '/v1/projects/P-SITE-A/draw', headers: as('site', 'site-a') });
    expect(drawn.statusCode, drawn.body).toBe(201);
    // The answer comes once the result is durable; the calls land just after.
    const draw = drawn.json();
    drawA = draw.drawId;
    const fingerprint = (await t.ctx.sites.get('site-a')).record.fingerprint;
    expect(draw).toMatchObject({ state: 'drawn', site: 'site-a', siteFingerprint: fingerprint });
    // The result entry says who else can open the seal, and still names nobody.
    const result = (await logTypes(size)).indexOf('draw.result');
    const entry = JSON.parse((await t.ctx.auditLog.entry(size + result)).toString());
    expect(entry.payload.sealedTo).toEqual({ site: 'site-a', fingerprint });
    for (const id of personalOf.keys()) expect(JSON.stringify(entry)).not.toContain(id);
    // The stored box has one wrapped key for the service and one for the site.
    const stored = await t.ctx.draws.get(drawA);
    expect(stored.sealed!.keys.map((k) => [k.recipient, k.alg])).toEqual([
      ['service', 'X25519-HKDF-SHA256+A256GCM'],
      ['site-a', 'RSA-OAEP-256'],
    ]);
  });

  it("gives the site its sealed result: it opens with the site's key, matches the logged commitment, and opens with no other key", async () => {
    const size = await t.ctx.store.logSize();
    const res = await t.app.inject({ url: `/v1/draws/${drawA}/sealed`, headers: as('site', 'site-a', 'site-a-desk') });
    expect(res.statusCode, res.body).toBe(200);
    exportA = res.json();
    expect(exportA).toMatchObject({ format: 'expert-draw/sealed-result/v1', drawId: drawA, projectId: 'P-SITE-A', recipient: 'site-a' });
    expect(await logTypes(size)).toEqual(['draw.exported']);
    expect(JSON.parse((await t.ctx.auditLog.entry(size)).toString()).payload).toMatchObject({ drawId: drawA, site: 'site-a', by: 'site-a-desk' });
    // Nothing in the file is readable without the key.
    for (const [id, p] of personalOf) for (const s of [id, p.name, p.idNumber, p.phone]) expect(res.body).not.toContain(s);

    const content = openExport(exportA, siteA.privateKey) as SealedContent;
    const draw = await t.ctx.draws.get(drawA);
    expect(createHash('sha256').update(Buffer.from(content.salt, 'hex')).update(jcs(content.result)).digest('hex')).toBe(draw.resultHash);
    expect(exportA.resultHash).toBe(draw.resultHash);
    const group = content.result.groups[0]!;
    expect(group.selected).toHaveLength(5);
    // The site's desk gets name and ID number of every ranked expert, and no phone.
    const ranked = [...group.selected, ...group.alternates, ...content.extension[0]!];
    expect(Object.keys(content.people!).sort()).toEqual([...ranked].sort());
    for (const id of ranked) expect(content.people![id]).toEqual({ name: personalOf.get(id)!.name, idNumber: personalOf.get(id)!.idNumber });
    expect(JSON.stringify(content)).not.toContain(personalOf.get(group.selected[0]!)!.phone);

    // Site B's key, a stranger's RSA key, and the file relabelled for site B all fail.
    expect(() => openExport(exportA, siteB.privateKey)).toThrow(/does not open for site-a/);
    expect(() => openExport(exportA, strangerKey)).toThrow(/does not open/);
    expect(() => openExport({ ...exportA, recipient: 'site-b' }, siteB.privateKey)).toThrow(/not sealed to site-b/);
    const relabelled = { ...exportA, recipient: 'site-b', box: { ...exportA.box, keys: exportA.box.keys.map((k) => (k.recipient === 'site-a' ? { ...k, recipient: 'site-b' } : k)) } };
    expect(() => openExport(relabelled, siteB.privateKey)).toThrow(/does not open/);
  });

  it('opens offline with `expert-draw open`: the ranked experts, checked against the logged result entry; a wrong key, a changed commitment or a box forged with the site’s certificate fails', () => {
    writeFileSync(join(files, 'sealed.json'), JSON.stringify(exportA));
    writeFileSync(join(files, 'site-a-key.pem'), siteA.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(files, 'site-b-key.pem'), siteB.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(files, 'log.vkey'), `${t.ctx.keys.logVerifier.verifierKey}\n`);
    writeFileSync(join(files, 'forged.json'), JSON.stringify({ ...exportA, resultHash: 'a'.repeat(64) }));
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args.map((a) => (/\.(json|pem|vkey)$/.test(a) ? join(files, a) : a))], { cwd: root, encoding: 'utf8' });
    const open = (file: string, ...more: string[]) => cli('open', '--key', 'site-a-key.pem', '--verifier-key', 'log.vkey', ...more, file);
    const content = openExport(exportA, siteA.privateKey) as SealedContent;
    const first = content.result.groups[0]!.selected[0]!;

    const opened = open('sealed.json');
    expect(opened.status, opened.stderr).toBe(0);
    expect(opened.stdout).toContain(`Draw ${drawA} of project P-SITE-A, sealed to site site-a`);
    expect(opened.stdout).toContain(`Matches draw.result entry #${exportA.resultIndex} of the log, verified with the centre's log key`);
    expect(opened.stdout).toMatch(new RegExp(`^1 +seat +${first} +${personalOf.get(first)!.name} +${personalOf.get(first)!.idNumber}$`, 'm'));
    const json = open('sealed.json', '--json');
    expect(JSON.parse(json.stdout)).toEqual(content);
    // Without the centre's key nothing is claimed: refused, or opened with a warning when waived.
    expect(cli('open', '--key', 'site-a-key.pem', 'sealed.json').stderr).toMatch(/give --verifier-key/);
    const unchecked = cli('open', '--key', 'site-a-key.pem', '--unchecked', 'sealed.json');
    expect(unchecked.status).toBe(0);
    expect(unchecked.stderr).toMatch(/^warning: not checked against the log/);
    expect(unchecked.stdout).toContain('NOT CHECKED against the log');

    const wrong = cli('open', '--key', 'site-b-key.pem', '--verifier-key', 'log.vkey', 'sealed.json');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('does not open for site-a');
    expect(wrong.stdout).toBe('');
    const refused = (file: string, doc: unknown, reason: RegExp) => {
      writeFileSync(join(files, file), JSON.stringify(doc));
      const r = open(file);
      expect([r.status, r.stdout], r.stderr).toEqual([1, '']);
      expect(r.stderr).toMatch(reason);
      expect(r.stderr).toContain('do not use this list');
    };
    refused('forged.json', { ...exportA, resultHash: 'a'.repeat(64) }, /resultHash is not the one the entry logged/);
    // Whoever carries the file reseals another list to the site's public certificate, with its own commitment.
    const salt = Buffer.from(content.salt, 'hex');
    const impostors = { ...content, people: Object.fromEntries(Object.keys(content.people!).map((id, i) => [id, { name: `冒名${i}`, idNumber: '110101199001010011' }])) };
    const box = seal(Buffer.from(jcs(impostors)), drawA, [{ recipient: 'site-a', publicKey: createPublicKey(siteA.privateKey) }]);
    const resultHash = createHash('sha256').update(salt).update(jcs(impostors.result)).digest('hex');
    refused('resealed.json', { ...exportA, box, resultHash }, /the sealed box is not the one the entry logged/);
    refused('no-entry.json', { ...exportA, box, resultHash, result: undefined }, /carries no logged draw.result entry/);
    refused('other-project.json', { ...exportA, projectId: 'P-OTHER' }, /the entry is of project P-SITE-A, the file says P-OTHER/);
    refused('other-index.json', { ...exportA, resultIndex: 2 }, new RegExp(`the entry is #${exportA.resultIndex}, the file says #2`));
    // The entry edited to fit the forged box no longer belongs to the signed tree.
    const entry = JSON.parse(exportA.result!.entry) as { payload: { sealedHash: string } };
    entry.payload.sealedHash = createHash('sha256').update(jcs(box)).digest('hex');
    refused('edited-entry.json', { ...exportA, box, resultHash, result: { ...exportA.result!, entry: jcs(entry) } }, /its draw.result entry is not the log's/);
  }, 120_000);

  it("keeps a site's tokens away from another site's and the centre's projects and draws; nothing is written", async () => {
    await t.app.inject({ method: 'POST', url: '/v1/projects', headers: as('operator'), payload: project('P-CENTRE') });
    const size = await t.ctx.store.logSize();
    const projectBefore = await t.ctx.store.getRecord('projects', 'P-SITE-A');
    const b = as('site', 'site-b');
    // To another site, each is a resource that does not exist (404); to the centre's desk, site A's project is refused (403).
    const attempts: Array<{ method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: object; headers?: Record<string, string> }> = [
      { method: 'GET', url: '/v1/projects/P-SITE-A' },
      { method: 'PATCH', url: '/v1/projects/P-SITE-A/bid-opening', payload: { bidOpeningAt: '2026-12-01T11:00:00+08:00', reason: '开标时间顺延' } },
      { method: 'POST', url: '/v1/projects/P-SITE-A/cancel', payload: { reason: '招标人撤回' } },
      { method: 'POST', url: '/v1/projects/P-SITE-A/draw' },
      { method: 'POST', url: '/v1/projects/P-SITE-A/bidders', payload: { bidders: [syntheticUscc(9101)] } },
      { method: 'GET', url: `/v1/draws/${drawA}` },
      { method: 'GET', url: `/v1/draws/${drawA}/sealed` },
      { method: 'GET', url: '/v1/sites/site-a' },
      { method: 'GET', url: '/v1/projects/P-CENTRE' },
      { method: 'POST', url: '/v1/projects/P-CENTRE/draw' },
      // Check-in terminals: another site's, and the centre's, on site A's project; site A's on the centre's project. Each
      // as for an unknown id: a desk cannot tell which ids exist elsewhere (an outside audit, stop 43).
      { method: 'POST', url: '/v1/checkins', payload: { projectId: 'P-SITE-A', idNumber: syntheticPersonal(0).idNumber }, headers: as('checkin', 'site-b') },
      { method: 'POST', url: '/v1/checkins', payload: { projectId: 'P-SITE-A', idNumber: syntheticPersonal(0).idNumber }, headers: as('checkin') },
      { method: 'POST', url: '/v1/checkins', payload: { projectId: 'P-CENTRE', idNumber: syntheticPersonal(0).idNumber }, headers: as('checkin', 'site-a') },
    ];
    for (const a of attempts) {
      const res = await t.app.inject({ method: a.method, url: a.url, headers: a.headers ?? b, ...(a.payload ? { payload: a.payload } : {}) });
      expect(res.statusCode, `${a.method} ${a.url}: ${res.body}`).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    // The centre's operator does not get a site's sealed result either (only the site's role has the route).
    const centre = await t.app.inject({ url: `/v1/draws/${drawA}/sealed`, headers: as('operator') });
    expect(centre.statusCode).toBe(403);
    expect(await t.ctx.store.logSize()).toBe(size);
    expect(await t.ctx.store.getRecord('projects', 'P-SITE-A')).toEqual(projectBefore);
    // Site A itself reads its own project and draw.
    expect((await t.app.inject({ url: '/v1/projects/P-SITE-A', headers: as('site', 'site-a') })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/v1/draws/${drawA}`, headers: as('site', 'site-a') })).json().calls).toMatchObject({ calling: 5 });
  });

  it('refuses the sealed result of a cancelled evaluation: offline, nothing would say it was cancelled', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/v1/projects', headers: as('site', 'site-a'), payload: project('P-SITE-GONE', '2026-12-03T10:00:00+08:00') })).statusCode).toBe(201);
    const drawn = await t.app.inject({ method: 'POST', url: '/v1/projects/P-SITE-GONE/draw', headers: as('site', 'site-a') });
    expect(drawn.statusCode, drawn.body).toBe(201);
    const drawId = drawn.json().drawId as string;
    expect((await t.app.inject({ url: `/v1/draws/${drawId}/sealed`, headers: as('site', 'site-a') })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/v1/projects/P-SITE-GONE/cancel', headers: as('site', 'site-a'), payload: { reason: '招标人撤回' } })).statusCode).toBe(200);
    const size = await t.ctx.store.logSize();
    const refused = await t.app.inject({ url: `/v1/draws/${drawId}/sealed`, headers: as('site', 'site-a') });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'CONFLICT']);
    expect(refused.json().error.message).toContain('已取消');
    expect(await t.ctx.store.logSize()).toBe(size);
  });

  it("checks an expert in at the site's own desk with a site-scoped check-in token", async () => {
    const content = openExport(exportA, siteA.privateKey) as SealedContent;
    const first = content.result.groups[0]!.selected[0]!;
    await acceptSeat(t, content.result.drawId, first);
    const size = await t.ctx.store.logSize();
    const res = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: as('checkin', 'site-a', 'site-a-desk-1'), payload: { projectId: 'P-SITE-A', idNumber: content.people![first]!.idNumber } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ expertId: first, name: personalOf.get(first)!.name, seat: 0, venue: '远程评标室 2' });
    expect(await logTypes(size)).toEqual(['checkin.admitted', 'record.checkin']);
  });

  it('draws a site project on schedule at T−60, sealed to the site as well', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/projects', headers: as('site', 'site-b'), payload: project('P-SITE-B', '2026-12-01T12:00:00+08:00') });
    clock = Date.parse('2026-12-01T11:00:00+08:00');
    await t.ctx.scheduler.tick();
    const { record } = await t.ctx.projects.get('P-SITE-B');
    expect(record.state).toBe('drawn');
    const draw = await t.ctx.draws.get(record.drawId!);
    expect(draw).toMatchObject({ kind: 'scheduled', site: 'site-b' });
    const exported = (await t.app.inject({ url: `/v1/draws/${draw.drawId}/sealed`, headers: as('site', 'site-b') })).json<SealedExport>();
    expect((openExport(exported, siteB.privateKey) as SealedContent).result.groups[0]!.selected).toHaveLength(5);
    expect(() => openExport({ ...exported, recipient: 'site-a' }, siteA.privateKey)).toThrow(/not sealed to site-a/);
  });

  it("revokes a site: its tokens reach nothing and its due draw fails visibly; a renewed certificate brings it back", async () => {
    await t.app.inject({ method: 'POST', url: '/v1/projects', headers: as('site', 'site-a'), payload: project('P-SITE-A2', '2026-12-01T13:00:00+08:00') });
    // A project drawn before the revocation, its experts still being called.
    await t.app.inject({ method: 'POST', url: '/v1/projects', headers: as('site', 'site-a'), payload: project('P-SITE-A4', '2026-12-01T18:00:00+08:00') });
    const calling = await t.app.inject({ method: 'POST', url: '/v1/projects/P-SITE-A4/draw', headers: as('site', 'site-a') });
    expect(calling.statusCode, calling.body).toBe(201);
    const revoked = await t.app.inject({ method: 'POST', url: '/v1/sites/site-a/revoke', headers: as('admin'), payload: { reason: '密钥疑似泄露' } });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ state: 'revoked', revokedReason: '密钥疑似泄露' });
    for (const [url, headers] of [
      [`/v1/draws/${drawA}/sealed`, as('site', 'site-a')],
      ['/v1/projects/P-SITE-A', as('site', 'site-a')],
    ] as const) {
      const res = await t.app.inject({ url, headers });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toBe('远程评标场地 site-a 已被撤销');
    }
    const desk = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: as('checkin', 'site-a'), payload: { projectId: 'P-SITE-A', idNumber: syntheticPersonal(1).idNumber } });
    expect(desk.statusCode).toBe(403);
    // Nobody can check in for a revoked site, so a seat that ends is not passed on: an expert who declines now
    // leaves the seat unfilled, and nobody further is called (told a venue and time nobody would admit them to).
    const { roster } = await t.ctx.roster.read(calling.json().drawId);
    const seat0 = roster.calls.find((c) => c.seat === 0)!;
    const link = (await sentMessages(t)).find((m) => m.messageId === seat0.messageId)!.responseUrl!;
    const before = await t.ctx.store.logSize();
    expect((await t.ctx.roster.respond(tokenOf(link), false)).state).toBe('declined');
    const afterDecline = await logTypes(before);
    expect(afterDecline).toContain('seat.unfilled');
    expect(afterDecline).not.toContain('seat.promoted');
    expect(afterDecline).not.toContain('calls.placed');
    expect((await t.ctx.roster.read(calling.json().drawId)).roster.calls).toHaveLength(roster.calls.length);
    // The draw is due: it fails, logged, rather than sealing to a revoked key.
    clock = Date.parse('2026-12-01T12:00:00+08:00');
    const size = await t.ctx.store.logSize();
    await t.ctx.scheduler.tick();
    const { record } = await t.ctx.projects.get('P-SITE-A2');
    expect(record.state).toBe('failed');
    expect((await t.ctx.draws.get(record.drawId!)).failure).toMatchObject({ code: 'SITE_UNAVAILABLE' });
    expect(await logTypes(size)).toEqual(['draw.failed']);

    // Renewal with a new key pair reactivates the site; the old key no longer matters for new draws.
    const renewedSite = certs.renewed;
    const renewed = await t.app.inject({ method: 'PUT', url: '/v1/sites/site-a/certificate', headers: as('admin'), payload: { certificate: renewedSite.certPem } });
    expect(renewed.statusCode, renewed.body).toBe(200);
    expect(renewed.json()).toMatchObject({ state: 'active', revision: 3 });
    const wrongSite = await t.app.inject({ method: 'PUT', url: '/v1/sites/site-a/certificate', headers: as('admin'), payload: { certificate: certs.otherSite } });
    expect(wrongSite.json().error.code).toBe('CONFLICT');
    // A renewal is one way: the certificate it replaced, or the key it moved away from in a new certificate, is
    // refused (a key replaced as leaked must not come back), and nothing is written.
    const size2 = await t.ctx.store.logSize();
    for (const [certificate, says] of [
      [siteA.certPem, '此证书是远程评标场地 site-a 续期时已被替换的旧证书，不能恢复使用'],
      [certs.oldKeyAgain, '此证书的密钥是远程评标场地 site-a 更换密钥前的旧密钥，不能恢复使用'],
    ] as const) {
      const back = await t.app.inject({ method: 'PUT', url: '/v1/sites/site-a/certificate', headers: as('admin'), payload: { certificate } });
      expect([back.statusCode, back.json().error.code], back.body).toEqual([409, 'CONFLICT']);
      expect(back.json().error.message).toContain(says);
    }
    // Nor under another site id.
    const elsewhere = await t.app.inject({ method: 'POST', url: '/v1/sites', headers: as('admin'), payload: { certificate: certs.oldKeyElsewhere } });
    expect([elsewhere.statusCode, elsewhere.json().error.code], elsewhere.body).toEqual([409, 'CONFLICT']);
    expect(await t.ctx.store.logSize()).toBe(size2);
    await t.app.inject({ method: 'POST', url: '/v1/projects', headers: as('site', 'site-a'), payload: project('P-SITE-A3', '2026-12-01T14:00:00+08:00') });
    const drawn = await t.app.inject({ method: 'POST', url: '/v1/projects/P-SITE-A3/draw', headers: as('site', 'site-a') });
    expect(drawn.statusCode, drawn.body).toBe(201);
    const file = (await t.app.inject({ url: `/v1/draws/${drawn.json().drawId}/sealed`, headers: as('site', 'site-a') })).json();
    expect(() => openExport(file, siteA.privateKey)).toThrow(/does not open/);
    expect((openExport(file, renewedSite.privateKey) as SealedContent).result.groups).toHaveLength(1);
  });
});
