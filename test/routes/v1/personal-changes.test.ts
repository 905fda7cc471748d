// A revised pool file's change of a known expert's name, phone or ID number is held until a second person approves it
// (docs/security.md T6), on both stores: until then calls and check-in use the data the pool holds and nothing is sent;
// the listing names fields, never values; the importer cannot decide their own change, a machine token nothing; an
// approval applies the change with its notices in one commit, a rejection drops it, a later file replaces it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPersonal } from '../../../src/pool/generator.js';
import { build, type Built } from '../../helper.js';
import { acceptSeat, drawnCalls, importPool, sentMessages } from '../../helpers/calls.js';
import { person, type Person } from '../../helpers/people.js';

const CLOCK = Date.parse('2026-12-01T09:30:00+08:00');

describe.each(['sqlite', 'redis'] as const)('held personal data changes (%s store)', (store) => {
  let t: Built;
  /** The pool manager who imports the files; another one, and a supervisor, who decide. */
  let importer: Person;
  let other: Person;
  let supervisor: Person;
  let ids: string[] = [];
  /** Each expert's personal data as the pool held it before any file. */
  const original = new Map<string, ReturnType<typeof syntheticPersonal>>();

  const entries = async (from: number) => {
    const out: Array<{ type: string; payload: Record<string, unknown> }> = [];
    for (let i = from; i < (await t.ctx.store.logSize()); i++) out.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()));
    return out;
  };
  const row = (id: string, personal: ReturnType<typeof syntheticPersonal>, extra: Record<string, unknown> = {}) => JSON.stringify({ ...t.ctx.pool.expert(id)!, ...extra, personal });
  const upload = (rows: string[], who: Person = importer, query = 'mode=upsert') =>
    t.app.inject({ method: 'POST', url: `/v1/experts/import?${query}`, headers: { ...who.auth, 'content-type': 'application/x-ndjson', 'accept-language': 'en' }, payload: `${rows.join('\n')}\n` });
  const list = (auth: { authorization: string }) => t.app.inject({ method: 'GET', url: '/v1/personal-changes', headers: auth });
  const decide = (auth: { authorization: string }, id: string, changeId: string, how: 'approve' | 'reject', reason?: string) =>
    t.app.inject({ method: 'POST', url: `/v1/experts/${id}/personal-change/${changeId}/${how}`, headers: { ...auth, 'accept-language': 'en' }, ...(how === 'reject' ? { payload: { reason } } : {}) });
  const heldOf = async (id: string) => ((await list(other.auth)).json().items as Array<{ id: string; changeId: string }>).find((c) => c.id === id)!.changeId;
  const contactNotices = async () => (await sentMessages(t)).filter((m) => m.kind === 'contact');

  beforeAll(async () => {
    t = await build({ EXPERT_DRAW_STORE: store }, { now: () => CLOCK });
    await importPool(t, `held-personal-${store}`, 30);
    ids = [...t.ctx.pool.records()].map((r) => r.expert.id).sort();
    for (const id of ids) original.set(id, t.ctx.pool.personal(id));
    [importer, other, supervisor] = await Promise.all([person(t, 'pool-manager'), person(t, 'pool-manager'), person(t, 'supervisor')]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('holds the change: the rest of the row applies, calls and check-in use the data the pool holds, nothing is sent, the log names fields only', async () => {
    // Every expert of the pool gets a stand-in's name, phone and ID number; the first a new region as well.
    const stand = (i: number) => syntheticPersonal(500 + i);
    const size = await t.ctx.store.logSize();
    const version = t.ctx.pool.poolVersion;
    const rows = ids.map((id, i) => row(id, stand(i), i === 0 ? { region: '330102' } : {}));
    const dry = await upload(rows, importer, 'mode=upsert&dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().upsert).toMatchObject({ changed: [{ id: ids[0], changes: ['region'] }], held: ids.map((id) => ({ id, fields: ['phone', 'name', 'idNumber'] })) });
    const res = await upload(rows);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ imported: 1, poolVersion: version + 1, upsert: { changed: [{ id: ids[0], changes: ['region'] }], unchanged: 0 } });
    expect(res.json().upsert.held).toHaveLength(ids.length);
    for (const secret of [stand(0).phone, stand(0).name, stand(0).idNumber]) expect(res.body).not.toContain(secret);
    const logged = await entries(size);
    expect(logged.map((e) => e.type)).toEqual(['expert.updated', ...ids.map(() => 'expert.personal-change-held')]);
    expect(logged[0]!.payload).toMatchObject({ id: ids[0], changes: ['region'] });
    expect(logged[1]!.payload).toEqual({ id: ids[0], changeId: expect.stringMatching(/^PC-/), fields: ['phone', 'name', 'idNumber'], by: importer.userId, import: true });
    const secrets = ids.flatMap((_, i) => [stand(i).phone, stand(i).idNumber]);
    for (const e of logged) for (const secret of secrets) expect(JSON.stringify(e)).not.toContain(secret);
    // The pool still holds the expert's own data: the region changed, the personal data not.
    expect(t.ctx.pool.expert(ids[0]!)!.region).toBe('330102');
    for (const id of ids) expect(t.ctx.pool.personal(id)).toEqual(original.get(id));
    expect(await t.ctx.pool.byIdNumber(stand(0).idNumber)).toBeUndefined();
    expect(await contactNotices()).toEqual([]);

    // A draw now: every call goes to the number the pool holds, none to a stand-in's.
    const { drawId } = await drawnCalls(t, `P-HELD-${store}`, { bidOpeningAt: '2026-12-01T10:00:00+08:00' });
    const { roster } = await t.ctx.roster.read(drawId);
    const calls = (await sentMessages(t)).filter((m) => m.kind === 'call');
    expect(calls).toHaveLength(5);
    for (const m of calls) expect(m.to).toBe(original.get(roster.calls.find((c) => c.messageId === m.messageId)!.expertId)!.phone);
    // And the desk admits the expert's own card, not the stand-in's.
    const seated = roster.groups[0]!.ranking[0]!;
    await acceptSeat(t, drawId, seated);
    const checkIn = (idNumber: string) => t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin'), payload: { projectId: `P-HELD-${store}`, idNumber } });
    const standIn = await checkIn(stand(ids.indexOf(seated)).idNumber);
    expect([standIn.statusCode, standIn.json().error.code]).toEqual([404, 'NOT_FOUND']);
    const own = await checkIn(original.get(seated)!.idNumber);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ expertId: seated });
  });

  it('lists the held changes to pool managers and supervisors logged in, never a value; a machine token is refused', async () => {
    for (const who of [importer, other, supervisor]) {
      const res = await list(who.auth);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items).toEqual(ids.map((id) => ({ id, changeId: expect.stringMatching(/^PC-/), fields: ['phone', 'name', 'idNumber'], proposedBy: importer.userId, proposedAt: new Date(CLOCK).toISOString() })));
      for (const [i] of ids.entries()) for (const secret of Object.values(syntheticPersonal(500 + i))) expect(res.body).not.toContain(secret);
    }
    const size = await t.ctx.store.logSize();
    const changeId = await heldOf(ids[1]!);
    for (const role of ['pool-manager', 'supervisor'] as const) {
      expect((await list(t.auth(role))).statusCode).toBe(403);
      const machine = await decide(t.auth(role), ids[1]!, changeId, 'approve');
      expect([machine.statusCode, machine.json().error.code]).toEqual([403, 'FORBIDDEN']);
    }
    for (const role of ['operator', 'admin', 'inspector'] as const) {
      const { auth } = await person(t, role);
      expect((await list(auth)).statusCode, role).toBe(403);
      expect((await decide(auth, ids[1]!, changeId, 'approve')).statusCode, role).toBe(403);
    }
    expect(t.ctx.pool.personal(ids[1]!)).toEqual(original.get(ids[1]!));
    expect((await entries(size)).filter((e) => e.type.startsWith('expert.'))).toEqual([]);
  });

  it('refuses the importer their own change, an unknown or a replaced change, and logs nothing', async () => {
    const id = ids[1]!;
    const changeId = await heldOf(id);
    const size = await t.ctx.store.logSize();
    for (const how of ['approve', 'reject'] as const) {
      const own = await decide(importer.auth, id, changeId, how, 'looks fine to me');
      expect([own.statusCode, own.json().error.code]).toEqual([409, 'CONFLICT']);
      expect(own.json().error.message).toBe('whoever imported the change cannot approve or reject it: another pool manager or a supervisor decides');
    }
    const zh = await t.app.inject({ method: 'POST', url: `/v1/experts/${id}/personal-change/${changeId}/approve`, headers: { ...importer.auth, 'accept-language': 'zh-CN' } });
    expect(zh.json().error.message).toBe('导入该变更的人不能自己批准或驳回：须由另一位专家库管理员或监督人员审批');
    const unknownChange = `PC-${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`;
    const replaced = await decide(other.auth, id, unknownChange, 'approve');
    expect([replaced.statusCode, replaced.json().error.code]).toEqual([409, 'CONFLICT']);
    expect((await decide(other.auth, 'E9999999', changeId, 'approve')).statusCode).toBe(404);
    // A reason is kept in the log: no phone number in it.
    const numbered = await decide(other.auth, id, changeId, 'reject', `wrong, the number is ${original.get(id)!.phone}`);
    expect(numbered.statusCode).toBe(400);
    expect(await t.ctx.store.logSize()).toBe(size);
    expect(t.ctx.pool.personal(id)).toEqual(original.get(id));
  });

  it('applies a change another pool manager approves, in one commit with the notices, and a supervisor’s too', async () => {
    const [phoneOnly, idOnly] = [ids[2]!, ids[3]!];
    // Files that change one field each: the phone of one expert, the ID number of another (their held changes replaced).
    const newPhone = { ...original.get(phoneOnly)!, phone: '13900007777' };
    const newId = { ...original.get(idOnly)!, idNumber: syntheticPersonal(777).idNumber };
    expect((await upload([row(phoneOnly, newPhone), row(idOnly, newId)])).statusCode).toBe(200);
    const before = (await contactNotices()).length;
    const size = await t.ctx.store.logSize();
    const version = t.ctx.pool.poolVersion;
    const changeId = await heldOf(phoneOnly);
    const approved = await decide(other.auth, phoneOnly, changeId, 'approve');
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toEqual({ id: phoneOnly, changeId, fields: ['phone'], proposedBy: importer.userId, proposedAt: expect.any(String) });
    expect(t.ctx.pool.personal(phoneOnly)).toEqual(newPhone);
    expect(t.ctx.pool.poolVersion).toBe(version + 1);
    const logged = await entries(size);
    expect(logged.slice(0, 3).map((e) => e.type)).toEqual(['expert.updated', 'expert.contact-changed', 'expert.personal-change-approved']);
    expect(logged[0]!.payload).toMatchObject({ id: phoneOnly, changes: ['personal'], by: other.userId, poolVersion: version + 1 });
    expect(logged[2]!.payload).toEqual({ id: phoneOnly, changeId, by: other.userId });
    // The number it was changed from is told, not the new one.
    const notices = (await contactNotices()).slice(before);
    expect(notices).toEqual([expect.objectContaining({ to: original.get(phoneOnly)!.phone, responseUrl: null, text: expect.stringContaining('联系电话已于') })]);
    expect(notices[0]!.text).not.toContain('13900007777');
    for (const e of logged) expect(JSON.stringify(e)).not.toContain('13900007777');
    // Approved once: gone from the list, and not approved twice.
    expect((await list(other.auth)).json().items.map((c: { id: string }) => c.id)).not.toContain(phoneOnly);
    expect((await decide(supervisor.auth, phoneOnly, changeId, 'approve')).statusCode).toBe(404);

    // A supervisor approves the ID number's change: the desk finds the expert by the new number only.
    const idChange = await heldOf(idOnly);
    const byS = await decide(supervisor.auth, idOnly, idChange, 'approve');
    expect(byS.statusCode, byS.body).toBe(200);
    expect(await t.ctx.pool.byIdNumber(newId.idNumber)).toBe(idOnly);
    expect(await t.ctx.pool.byIdNumber(original.get(idOnly)!.idNumber)).toBeUndefined();
    const told = (await contactNotices()).slice(before + 1);
    expect(told).toEqual([expect.objectContaining({ to: original.get(idOnly)!.phone, text: expect.stringContaining('身份证号码已于') })]);
  });

  it('drops a rejected change, logged with its reason; the expert keeps their data', async () => {
    const id = ids[4]!;
    const changeId = await heldOf(id);
    const size = await t.ctx.store.logSize();
    const version = t.ctx.pool.poolVersion;
    const before = (await contactNotices()).length;
    // A reason naming the name the change proposed would keep it in the log for good: refused, nothing logged.
    const naming = await decide(supervisor.auth, id, changeId, 'reject', `新姓名${syntheticPersonal(504).name}与身份证不符`);
    expect([naming.statusCode, naming.json().error.code]).toEqual([400, 'INVALID_INPUT']);
    expect(await t.ctx.store.logSize()).toBe(size);
    const rejected = await decide(supervisor.auth, id, changeId, 'reject', 'not asked for by the expert');
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect((await entries(size)).map((e) => [e.type, e.payload])).toEqual([['expert.personal-change-rejected', { id, changeId, reason: 'not asked for by the expert', by: supervisor.userId }]]);
    expect(t.ctx.pool.personal(id)).toEqual(original.get(id));
    expect(t.ctx.pool.poolVersion).toBe(version);
    expect((await list(other.auth)).json().items.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await decide(other.auth, id, changeId, 'approve')).statusCode).toBe(404);
    expect((await contactNotices()).length).toBe(before);
  });

  it('refuses to approve an ID number another expert took meanwhile, logging nothing', async () => {
    const id = ids[6]!;
    const changeId = await heldOf(id);
    // Added by hand since the change was held, with the ID number the change gives expert 6 (and a phone of its own).
    const added = await t.app.inject({ method: 'POST', url: '/v1/experts', headers: t.auth('pool-manager'), payload: { ...t.ctx.pool.expert(ids[0]!)!, id: 'E0999999', personal: { ...syntheticPersonal(506), phone: '13800000506' } } });
    expect(added.statusCode, added.body).toBe(201);
    const size = await t.ctx.store.logSize();
    const refused = await decide(other.auth, id, changeId, 'approve');
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'CONFLICT']);
    expect(refused.json().error.message).toContain('now belongs to another expert');
    expect(refused.body).not.toContain(syntheticPersonal(506).idNumber);
    expect(await t.ctx.store.logSize()).toBe(size);
    expect(t.ctx.pool.personal(id)).toEqual(original.get(id));
    expect(await t.ctx.pool.byIdNumber(syntheticPersonal(506).idNumber)).toBe('E0999999');
    expect(await heldOf(id)).toBe(changeId);
  });

  it('replaces a held change with a newer file’s; the same file again logs nothing; the replaced one is refused', async () => {
    const id = ids[5]!;
    const older = await heldOf(id);
    const newer = { ...original.get(id)!, name: '替身甲' };
    const size = await t.ctx.store.logSize();
    expect((await upload([row(id, newer)], other)).json().upsert.held).toEqual([{ id, fields: ['name'] }]);
    const logged = await entries(size);
    expect(logged.map((e) => e.type)).toEqual(['expert.personal-change-held']);
    expect(logged[0]!.payload).toMatchObject({ id, fields: ['name'], by: other.userId, replaces: older });
    const current = await heldOf(id);
    expect(current).not.toBe(older);
    // The same file again, by the same person or by the one who could otherwise approve it: still held as it was, its
    // proposer unchanged, nothing logged (a re-test had the first proposer approve their own after a second import).
    for (const who of [other, importer]) {
      const again = await upload([row(id, newer)], who);
      expect(again.json()).toMatchObject({ imported: 0, upsert: { held: [{ id, fields: ['name'] }], changed: [] } });
    }
    expect(await t.ctx.store.logSize()).toBe(size + 1);
    expect(await heldOf(id)).toBe(current);
    expect(((await list(other.auth)).json().items as Array<{ id: string; proposedBy: string }>).find((c) => c.id === id)!.proposedBy).toBe(other.userId);
    // The replaced change is not the one to decide; the newer one is the other pool manager's own now.
    const stale = await decide(supervisor.auth, id, older, 'approve');
    expect([stale.statusCode, stale.json().error.message]).toEqual([409, expect.stringContaining('a later file replaced it')]);
    expect((await decide(other.auth, id, current, 'approve')).statusCode).toBe(409);
    const approved = await decide(importer.auth, id, current, 'approve');
    expect(approved.statusCode, approved.body).toBe(200);
    expect(t.ctx.pool.personal(id).name).toBe('替身甲');
  });
});
