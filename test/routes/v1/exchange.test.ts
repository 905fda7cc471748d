// Exchange of records between two centres of one province (docs/exchange.md), each a real app on its own SQLite file:
// centre A exports a signed document of its disclosed records and consequences in force; centre B, pinning A's key and
// sharing the person key, imports it as foreign records of the same people under B's own ids. A tampered file, an
// unknown key, a malformed document, another province's person key or a second import is refused with its code, and
// stores and logs nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jcs } from '../../../src/crypto/canonical.js';
import { EXCHANGE_SIGNING_PREFIX, verifyExchange, type ExchangeFile } from '../../../src/exchange/format.js';
import { generateNoteKeys, NoteSigner, NoteVerifier } from '../../../src/log/note.js';
import type { Roster } from '../../../src/roster/roster.js';
import { build, type Built } from '../../helper.js';
import { drawnCalls, importPool, tokenOf } from '../../helpers/calls.js';
import { person } from '../../helpers/people.js';

const at = (local: string) => Date.parse(`2026-12-01T${local}:00+08:00`);
let clock = at('08:00');
const PERSON_KEY = 'a1'.repeat(32);
const keysA = generateNoteKeys('ggzy.city-a.example/exchange');
const stranger = generateNoteKeys('ggzy.city-x.example/exchange');
let a: Built;
let b: Built;
let roster: Roster;
let file: ExchangeFile;
let fileText = '';
/** Experts of A: seat 0 declined in a disclosed draw; one blacklisted; one suspended until 2027-03-31; one with nothing. */
let decliner = '';
let black = '';
let suspended = '';
let plain = '';
/** Blacklisted at A; an applicant at B. */
let applicant = '';

const pmA = () => a.auth('pool-manager');
const pmB = () => b.auth('pool-manager');
const importInto = (t: Built, payload: unknown) => t.app.inject({ method: 'POST', url: '/v1/exchange/import', headers: { ...pmB(), 'content-type': 'application/json' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
const countOf = async (t: Built, collection: string) => (await t.ctx.store.listRecords(collection)).length;

beforeAll(async () => {
  a = await build({ EXPERT_DRAW_EXCHANGE_SIGNER_KEY: keysA.signerKey, EXPERT_DRAW_EXCHANGE_PERSON_KEY: PERSON_KEY }, { now: () => clock });
  b = await build({ EXPERT_DRAW_EXCHANGE_PERSON_KEY: PERSON_KEY, EXPERT_DRAW_EXCHANGE_TRUSTED: `${generateNoteKeys('ggzy.city-b.example/other').verifierKey}, ${keysA.verifierKey}` }, { now: () => clock });
  await importPool(a, 'exchange-a');
  const { drawId, links } = await drawnCalls(a, 'P-EX', { bidOpeningAt: '2026-12-01T10:00:00+08:00', venue: '3号评标室' });
  roster = (await a.ctx.roster.read(drawId)).roster;
  clock = at('08:02');
  expect((await a.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(links[0]!)}`, payload: { answer: 'decline' } })).statusCode).toBe(200);
  clock = at('12:00');
  const [operator, supervisor] = [await person(a, 'operator'), await person(a, 'supervisor')];
  for (const who of [operator, supervisor]) expect((await a.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers: who.auth })).statusCode).toBe(200);
  expect((await a.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/disclose`, headers: a.auth('operator') })).statusCode).toBe(200);
  decliner = roster.calls.find((c) => c.seat === 0 && c.rank === 0)!.expertId;
  const ranked = new Set(roster.calls.map((c) => c.expertId));
  const others = [...a.ctx.pool.records()].map((r) => r.expert.id).filter((id) => !ranked.has(id));
  [black, suspended, plain, applicant] = others as [string, string, string, string];
  const by = { sub: 'pm-a', role: 'pool-manager' as const, iat: 0, exp: 0 };
  await a.ctx.pool.setStatus(black, { status: 'blacklisted', reason: '串通投标', until: null }, by);
  await a.ctx.pool.setStatus(suspended, { status: 'suspended', reason: '连续两次缺席', until: '2027-03-31' }, by);
  await a.ctx.pool.setStatus(applicant, { status: 'blacklisted', reason: '提供虚假材料', until: null }, by);
  // Centre B holds the same people under its own ids (and one person A never mentions).
  const bySelf = { sub: 'seed-b', role: 'admin' as const, iat: 0, exp: 0 };
  const rows = [decliner, black, suspended, plain].map((id, i) => ({ line: i + 1, expert: { ...a.ctx.pool.expert(id)!, id: `B-${i}`, status: 'active' as const, suspendedUntil: null }, personal: a.ctx.pool.personal(id) }));
  await b.ctx.pool.import(rows, [], 'all', bySelf);
  await b.ctx.lifecycle.apply({ ...a.ctx.pool.expert(applicant)!, id: 'B-APP', status: 'active', suspendedUntil: null }, a.ctx.pool.personal(applicant), null, bySelf);
}, 120_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe('export', () => {
  it('signs one entry per person with a disclosed record or a consequence in force; no id, no personal data; logged with the hash', async () => {
    const size = a.ctx.auditLog.size;
    const res = await a.app.inject({ method: 'POST', url: '/v1/exchange/export', headers: pmA() });
    expect(res.statusCode, res.body).toBe(200);
    fileText = res.body;
    file = res.json();
    const { document, signer } = verifyExchange(JSON.parse(fileText), [NoteVerifier.fromKey(keysA.verifierKey)]);
    expect(signer.name).toBe('ggzy.city-a.example/exchange');
    expect(document.issuer).toBe('ggzy.city-a.example/exchange');
    // Seats whose calls ended (every ranked expert with a record), the blacklisted and the suspended one; not `plain`.
    const consequences = document.experts.flatMap((e) => e.consequences);
    expect(consequences).toEqual(expect.arrayContaining([{ kind: 'blacklisted', until: null }, { kind: 'suspended', until: '2027-03-31' }]));
    expect(consequences).toHaveLength(3);
    expect(document.experts.filter((e) => e.records.declined === 1)).toHaveLength(1);
    for (const id of [decliner, black, suspended, plain, applicant]) {
      expect(fileText).not.toContain(id);
      expect(fileText).not.toContain(a.ctx.pool.personal(id).idNumber);
      expect(fileText).not.toContain(a.ctx.pool.personal(id).name);
    }
    const logged = JSON.parse((await a.ctx.auditLog.entry(size)).toString());
    expect(logged.type).toBe('exchange.exported');
    expect(logged.payload).toMatchObject({ issuer: 'ggzy.city-a.example/exchange', experts: document.experts.length });
    expect(a.ctx.auditLog.size).toBe(size + 1);
  });

  it('answers 422 EXCHANGE_UNCONFIGURED without a signer key (a 4xx: nothing a client sends is at fault, but the service is not broken either)', async () => {
    const res = await b.app.inject({ method: 'POST', url: '/v1/exchange/export', headers: pmB() });
    expect([res.statusCode, res.json().error.code]).toEqual([422, 'EXCHANGE_UNCONFIGURED']);
  });
});

describe('import', () => {
  const refused = async (payload: unknown, status: number, code: string) => {
    const [size, foreign, docs] = [b.ctx.auditLog.size, await countOf(b, 'foreign-records'), await countOf(b, 'exchange-imports')];
    const res = await importInto(b, payload);
    expect([res.statusCode, res.json().error?.code]).toEqual([status, code]);
    expect([b.ctx.auditLog.size, await countOf(b, 'foreign-records'), await countOf(b, 'exchange-imports')]).toEqual([size, foreign, docs]);
  };
  /** The file with its document changed by `change`, signed again by `signerKey`. */
  const resigned = (change: (doc: Record<string, unknown>) => void, signerKey: string) => {
    const doc = JSON.parse(JSON.stringify(file.document)) as Record<string, unknown>;
    change(doc);
    const signer = NoteSigner.fromKey(signerKey);
    const value = signer.sign(Buffer.from(EXCHANGE_SIGNING_PREFIX + jcs(doc))).toString('base64');
    return { document: doc, signature: { key: signer.name, keyId: signer.keyId.toString(16).padStart(8, '0'), value } };
  };

  it('refuses a tampered file (422 EXCHANGE_BAD_SIGNATURE) and stores nothing', async () => {
    const tampered = JSON.parse(fileText) as { document: { experts: Array<{ records: { declined: number } }> } };
    const decline = tampered.document.experts.find((e) => e.records.declined === 1)!;
    decline.records.declined = 0;
    await refused(tampered, 422, 'EXCHANGE_BAD_SIGNATURE');
  });

  it('refuses an unknown key (422 EXCHANGE_UNTRUSTED_KEY), a malformed document (422 EXCHANGE_MALFORMED), another person key (422 EXCHANGE_PERSON_KEY)', async () => {
    await refused(resigned(() => undefined, stranger.signerKey), 422, 'EXCHANGE_UNTRUSTED_KEY');
    await refused(resigned((d) => (d.extra = 1), keysA.signerKey), 422, 'EXCHANGE_MALFORMED');
    await refused(resigned((d) => (d.issuer = 'someone-else'), keysA.signerKey), 422, 'EXCHANGE_MALFORMED');
    await refused(resigned((d) => (d.personKey = 'ffffffffffffffff'), keysA.signerKey), 422, 'EXCHANGE_PERSON_KEY');
    await refused({ document: file.document }, 400, 'INVALID_INPUT');
  });

  it('round trip: the exported file as sent imports into centre B as foreign records of the same people, kept apart, logged', async () => {
    const size = b.ctx.auditLog.size;
    const res = await importInto(b, fileText);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ issuer: 'ggzy.city-a.example/exchange', experts: file.document.experts.length, matched: 4 });
    const logged = JSON.parse((await b.ctx.auditLog.entry(size)).toString());
    expect(logged).toMatchObject({ type: 'exchange.imported', payload: { issuer: 'ggzy.city-a.example/exchange', matched: 4, documentHash: res.json().documentHash } });
    const record = async (id: string) => (await b.app.inject({ method: 'GET', url: `/v1/experts/${id}/record`, headers: pmB() })).json();
    const d = await record('B-0');
    expect(d.foreign).toHaveLength(1);
    expect(d.foreign[0]).toMatchObject({ issuer: 'ggzy.city-a.example/exchange', records: { draws: 1, calls: 1, declined: 1, replacementsCaused: 1 }, consequences: [] });
    // B's own counts are untouched.
    expect(d.tally.declined).toBe(0);
    expect(d.draws).toEqual([]);
    expect((await record('B-1')).foreign[0].consequences).toEqual([{ kind: 'blacklisted', until: null }]);
    expect((await record('B-2')).foreign[0].consequences).toEqual([{ kind: 'suspended', until: '2027-03-31' }]);
    expect((await record('B-3')).foreign).toEqual([]);
    // B's draw input is unchanged: the foreign blacklisting is shown, not applied.
    expect(b.ctx.pool.expert('B-1')?.status).toBe('active');
    // The applicant's application shows what A sent, before anybody admits them.
    const app = (await b.app.inject({ method: 'GET', url: '/v1/applications/B-APP', headers: pmB() })).json();
    expect(app).toMatchObject({ state: 'applied', foreign: [{ issuer: 'ggzy.city-a.example/exchange', consequences: [{ kind: 'blacklisted', until: null }] }] });
  });

  it('refuses the same document twice (409 CONFLICT), storing nothing more', async () => {
    await refused(JSON.parse(fileText), 409, 'CONFLICT');
  });
});
