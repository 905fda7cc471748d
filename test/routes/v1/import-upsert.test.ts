// A revised pool file (mode=upsert) on both stores: a dry run shows what it would add, change, leave and retire and
// stores nothing; the real run stores exactly that in one pool version; an ID number never moves to another expert. A
// change of name, phone or ID number is held until a second person approves it (test/routes/v1/personal-changes.test.ts);
// approved, it is applied and told as the file applied it before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPersonal, syntheticUscc } from '../../../src/pool/generator.js';
import { replayPool } from '../../../src/verify/pool-replay.js';
import { build, type Built } from '../../helper.js';
import { sentMessages } from '../../helpers/calls.js';
import { person, type Person } from '../../helpers/people.js';

const EMPLOYER = syntheticUscc(9901);
const row = (n: number, extra: Record<string, unknown> = {}, personal = syntheticPersonal(n)) =>
  JSON.stringify({ id: `E${String(n).padStart(7, '0')}`, specialties: ['C990101'], region: '330106', employer: EMPLOYER, status: 'active', personal, ...extra });
const file = (rows: string[]) => `${rows.join('\n')}\n`;

for (const store of ['sqlite', 'redis'] as const) {
  describe(`upsert import (${store} store)`, () => {
    let t: Built;
    /** Approves the held personal data changes (the files are imported by a machine token: anyone else may). */
    let approver: Person;
    const approveHeld = async () => {
      const held = await t.app.inject({ method: 'GET', url: '/v1/personal-changes', headers: approver.auth });
      for (const c of held.json().items as Array<{ id: string; changeId: string }>) {
        const res = await t.app.inject({ method: 'POST', url: `/v1/experts/${c.id}/personal-change/${c.changeId}/approve`, headers: approver.auth });
        expect(res.statusCode, res.body).toBe(200);
      }
    };
    const post = (body: string, query: string) =>
      t.app.inject({ method: 'POST', url: `/v1/experts/import?${query}`, headers: { ...t.auth('pool-manager'), 'content-type': 'application/x-ndjson', 'accept-language': 'en' }, payload: body });
    beforeAll(async () => {
      t = await build({ EXPERT_DRAW_STORE: store });
      approver = await person(t, 'pool-manager');
      const first = await post(file([1, 2, 3, 4, 5].map((n) => row(n))), 'mode=all');
      expect(first.statusCode, first.body).toBe(200);
    });
    afterAll(async () => {
      await t.close();
    });

    it('shows the diff in a dry run, stores nothing, then applies exactly it', async () => {
      // 1 unchanged, 2 a new specialty, 3 a new phone, 4 left out, 5 left out, 6 new.
      const revised = file([row(1), row(2, { specialties: ['C990101', 'C990102'] }), row(3, {}, { ...syntheticPersonal(3), phone: '13900000003' }), row(6)]);
      const size = await t.ctx.store.logSize();
      const version = t.ctx.pool.poolVersion;
      const dry = await post(revised, 'mode=upsert&dryRun=true&retireMissing=true');
      expect(dry.statusCode, dry.body).toBe(200);
      expect(dry.json()).toEqual({
        imported: 0,
        errors: [],
        errorCount: 0,
        poolVersion: version,
        upsert: { dryRun: true, added: ['E0000006'], changed: [{ id: 'E0000002', changes: ['specialties'] }], held: [{ id: 'E0000003', fields: ['phone'] }], unchanged: 1, missing: ['E0000004', 'E0000005'], retired: false },
      });
      // Nothing stored, and no personal value in the answer.
      expect(await t.ctx.store.logSize()).toBe(size);
      expect(t.ctx.pool.poolVersion).toBe(version);
      expect(dry.body).not.toContain('13900000003');

      // Retiring is for good: the import must confirm how many the dry run said it retires, or nothing is stored.
      // The count, at the pool version the dry run answered (the same count could be other experts once the pool moved).
      const unconfirmedQueries = ['', '&retireCount=1', '&retireCount=3', '&retireCount=2', `&retireCount=2&poolVersion=${version - 1}`, `&retireCount=1&poolVersion=${version}`];
      for (const unconfirmed of unconfirmedQueries.map((q) => `mode=upsert&retireMissing=true${q}`)) {
        const refused = await post(revised, unconfirmed);
        expect(refused.statusCode, unconfirmed).toBe(409);
        expect(refused.json().error).toMatchObject({ code: 'IMPORT_RETIRE_UNCONFIRMED' });
        // It does not hand out the numbers it wants (copied back, they would confirm a list nobody read): the dry run does.
        expect(refused.json().error.message).toContain('check the list with a dry run');
        expect(JSON.stringify(refused.json().error)).not.toMatch(/"retiring"|retireCount=2/);
        expect(await t.ctx.store.logSize()).toBe(size);
        expect(t.ctx.pool.poolVersion).toBe(version);
      }
      // A confirmation is never ignored: not on a dry run, nor without retireMissing.
      for (const q of [`mode=upsert&dryRun=true&retireMissing=true&retireCount=2&poolVersion=${version}`, `mode=upsert&retireCount=2&poolVersion=${version}`, 'mode=all&retireCount=2']) {
        expect((await post(revised, q)).statusCode, q).toBe(400);
      }
      const real = await post(revised, `mode=upsert&retireMissing=true&retireCount=2&poolVersion=${version}`);
      expect(real.statusCode, real.body).toBe(200);
      expect(real.json().poolVersion).toBe(version + 1);
      expect(real.json().upsert).toMatchObject({ dryRun: false, retired: true, missing: ['E0000004', 'E0000005'], held: [{ id: 'E0000003', fields: ['phone'] }] });
      // One entry per expert added, changed, held or retired; one pool version. The phone is held, nothing told yet.
      const types = [];
      for (let i = size; i < (await t.ctx.store.logSize()); i++) types.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()).type);
      expect(types).toEqual(['expert.created', 'expert.updated', 'expert.personal-change-held', 'expert.status', 'expert.status']);
      expect(t.ctx.pool.expert('E0000002')?.specialties).toEqual(['C990101', 'C990102']);
      expect(t.ctx.pool.personal('E0000003').phone).toBe(syntheticPersonal(3).phone);
      expect((await sentMessages(t)).filter((m) => m.kind === 'contact')).toEqual([]);
      // Approved by a second person: applied, with a pool version of its own.
      await approveHeld();
      expect(t.ctx.pool.poolVersion).toBe(version + 2);
      for (let i = size + types.length; i < (await t.ctx.store.logSize()); i++) types.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()).type);
      expect(types.slice(5, 8)).toEqual(['expert.updated', 'expert.contact-changed', 'expert.personal-change-approved']);
      expect(t.ctx.pool.personal('E0000003').phone).toBe('13900000003');
      // The number it was changed from is told, and nothing else: no link, no digit of the new number.
      const notice = (await sentMessages(t)).filter((m) => m.kind === 'contact');
      expect(notice).toEqual([expect.objectContaining({ to: syntheticPersonal(3).phone, responseUrl: null, text: expect.stringContaining('联系电话已于') })]);
      expect(notice[0]!.text).not.toContain('13900000003');
      const delivered = [];
      for (let i = size; i < (await t.ctx.store.logSize()); i++) delivered.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()));
      const changed = delivered.find((e) => e.type === 'expert.contact-changed')!;
      expect(changed.payload).toMatchObject({ id: 'E0000003', messageId: notice[0]!.messageId });
      expect(delivered.filter((e) => e.type === 'contact-notice.delivery').map((e) => e.payload)).toEqual([expect.objectContaining({ messageId: notice[0]!.messageId, ok: true })]);
      for (const e of delivered) for (const phone of ['13900000003', syntheticPersonal(3).phone]) expect(JSON.stringify(e)).not.toContain(phone);
      expect(t.ctx.pool.expert('E0000004')?.status).toBe('retired');
      // The same file again changes nothing (and retires nobody twice).
      const again = await post(revised, 'mode=upsert&retireMissing=true');
      expect(again.json()).toMatchObject({ imported: 0, poolVersion: version + 2, upsert: { unchanged: 4, added: [], changed: [], held: [], missing: [] } });
    });

    it('tells the expert at their own number when their name and ID number are changed, the phone kept', async () => {
      // A stand-in's name and ID number on an expert, the phone left as it was: the desk would admit the stand-in's card.
      const before = (await sentMessages(t)).filter((m) => m.kind === 'contact').length;
      const stand = { ...syntheticPersonal(41), phone: t.ctx.pool.personal('E0000001').phone };
      const size = await t.ctx.store.logSize();
      const swapped = await post(file([row(1, {}, stand)]), 'mode=upsert');
      expect(swapped.statusCode, swapped.body).toBe(200);
      expect(swapped.json().upsert).toMatchObject({ changed: [], held: [{ id: 'E0000001', fields: ['name', 'idNumber'] }] });
      expect((await sentMessages(t)).filter((m) => m.kind === 'contact').length).toBe(before);
      await approveHeld();
      const notice = (await sentMessages(t)).filter((m) => m.kind === 'contact').slice(before);
      expect(notice).toEqual([expect.objectContaining({ to: stand.phone, responseUrl: null })]);
      expect(notice[0]!.text).toContain('登记的姓名、身份证号码已于');
      // The number is still the expert's: the text does not say it gets no more calls, and names nothing new.
      expect(notice[0]!.text).not.toContain('不再接收');
      for (const secret of [stand.name, stand.idNumber, syntheticPersonal(1).name]) expect(notice[0]!.text).not.toContain(secret);
      const types = [];
      for (let i = size; i < (await t.ctx.store.logSize()); i++) types.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()).type);
      expect(types.slice(0, 4)).toEqual(['expert.personal-change-held', 'expert.updated', 'expert.contact-changed', 'expert.personal-change-approved']);
    });

    it('tells the number a phone was swapped from of the changes that follow within the month', async () => {
      // Three files: the phone to another number, then the ID number, then the phone back (an outside re-test).
      const own = t.ctx.pool.personal('E0000006').phone;
      const other = '13900000055';
      const before = (await sentMessages(t)).filter((m) => m.kind === 'contact').length;
      const steps = [{ ...t.ctx.pool.personal('E0000006'), phone: other }, { ...t.ctx.pool.personal('E0000006'), phone: other, idNumber: syntheticPersonal(45).idNumber }];
      for (const personal of steps) {
        const res = await post(file([row(6, {}, personal)]), 'mode=upsert');
        expect(res.statusCode, res.body).toBe(200);
        await approveHeld();
      }
      const notices = (await sentMessages(t)).filter((m) => m.kind === 'contact').slice(before);
      // The phone change told the expert's own number; the ID number's change told both the number it came from and it.
      // (Delivered in any order.)
      const told = notices.map((m) => JSON.stringify([m.to, /联系电话/.test(m.text), /身份证号码/.test(m.text)])).sort();
      expect(told).toEqual([[own, true, false], [other, false, true], [own, false, true]].map((x) => JSON.stringify(x)).sort());
    });

    it('keeps a blacklisting when a revised file retires the expert, and lists them missing no more', async () => {
      const added = await post(file([row(11), row(12)]), 'mode=all');
      expect(added.statusCode, added.body).toBe(200);
      const blacklist = await t.app.inject({ method: 'POST', url: '/v1/experts/E0000011/status', headers: t.auth('pool-manager'), payload: { status: 'blacklisted', reason: 'fraud found by the audit' } });
      expect(blacklist.statusCode, blacklist.body).toBe(200);
      // Every expert in the pool but 11 (blacklisted) and 12: the file leaves those two out.
      const keep = [...t.ctx.pool.records()].map((r) => r.expert).filter((e) => e.status !== 'retired' && e.id !== 'E0000011' && e.id !== 'E0000012').map((e) => e.id);
      const rows = keep.map((id) => row(Number(id.slice(1)), { specialties: t.ctx.pool.expert(id)!.specialties }, t.ctx.pool.personal(id)));
      const dry = await post(file(rows), 'mode=upsert&dryRun=true&retireMissing=true');
      expect(dry.json().upsert.missing).toEqual(['E0000011', 'E0000012']);
      const size = await t.ctx.store.logSize();
      const real = await post(file(rows), `mode=upsert&retireMissing=true&retireCount=2&poolVersion=${dry.json().poolVersion}`);
      expect(real.statusCode, real.body).toBe(200);
      expect(t.ctx.pool.expert('E0000011')?.status).toBe('blacklisted');
      expect(t.ctx.pool.expert('E0000012')?.status).toBe('retired');
      expect(t.ctx.lifecycle.lifecycle('E0000011').exit).toMatchObject({ reason: 'not-in-register' });
      const entries = [];
      for (let i = size; i < (await t.ctx.store.logSize()); i++) entries.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()));
      expect(entries.map((e) => [e.type, e.payload.id])).toEqual([
        ['expert.exited', 'E0000011'],
        ['expert.status', 'E0000012'],
      ]);
      // Left the pool: not missing from the next file, whose run retires nobody.
      const next = await post(file(rows), 'mode=upsert&dryRun=true&retireMissing=true');
      expect(next.json().upsert.missing).toEqual([]);
      // A file that only retires a blacklisted expert changes no draw input: no new pool version, and the pool as the
      // log replays it is the pool the service holds.
      const last = rows.at(-1)!;
      const lastId = JSON.parse(last).id as string;
      await t.app.inject({ method: 'POST', url: `/v1/experts/${lastId}/status`, headers: t.auth('pool-manager'), payload: { status: 'blacklisted', reason: 'fraud found by the audit' } });
      const version = t.ctx.pool.poolVersion;
      const only = await post(file(rows.slice(0, -1)), `mode=upsert&retireMissing=true&retireCount=1&poolVersion=${version}`);
      expect(only.statusCode, only.body).toBe(200);
      expect(only.json()).toMatchObject({ poolVersion: version, upsert: { missing: [lastId], retired: true } });
      expect(t.ctx.pool.expert(lastId)?.status).toBe('blacklisted');
      const replayed = await replayPool(t.ctx.store, t.ctx.auditLog.size, t.ctx.pool.poolVersion);
      expect(replayed).toEqual([...t.ctx.pool.records()].map((r) => r.expert).sort((a, b) => (a.id < b.id ? -1 : 1)));
    });

    it('moves an ID number with its expert, and never to another expert; a bad row refuses the whole file', async () => {
      // Expert 1 gets a corrected ID number: the old one no longer finds them at check-in, the new one does.
      const corrected = syntheticPersonal(901);
      const moved = await post(file([row(1, {}, corrected)]), 'mode=upsert');
      expect(moved.statusCode, moved.body).toBe(200);
      expect(await t.ctx.pool.byIdNumber(corrected.idNumber)).toBeUndefined();
      await approveHeld();
      expect(await t.ctx.pool.byIdNumber(corrected.idNumber)).toBe('E0000001');
      expect(await t.ctx.pool.byIdNumber(syntheticPersonal(1).idNumber)).toBeUndefined();
      // Expert 2 cannot take expert 1's number; with one bad row nothing of the file is stored.
      const size = await t.ctx.store.logSize();
      const taken = await post(file([row(7), row(2, {}, { ...syntheticPersonal(2), idNumber: corrected.idNumber })]), 'mode=upsert');
      expect(taken.statusCode).toBe(422);
      expect(taken.json().error.code).toBe('IMPORT_REJECTED');
      expect(taken.json().error.details.errors).toEqual([{ line: 2, field: 'personal.idNumber', code: 'DUPLICATE_ID_NUMBER', message: expect.any(String) }]);
      expect(taken.body).not.toContain(corrected.idNumber);
      // Nothing of the file is stored; the log says only that one held ID number was told (never which).
      expect(await t.ctx.store.logSize()).toBe(size + 1);
      expect(JSON.parse((await t.ctx.auditLog.entry(size)).toString())).toMatchObject({ type: 'pool.id-matched', payload: { count: 1, source: 'upsert' } });
      expect(t.ctx.pool.expert('E0000007')).toBeUndefined();
    });
  });
}
