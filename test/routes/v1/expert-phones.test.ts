// One phone, one expert. A phone is how an expert is called and reached by their record link: two experts on one number
// would each get the other's calls and answer as either. An expert added (POST /v1/experts), imported, admitted or
// given a number by an approved change may not take the phone of another expert still in the pool: 409 PHONE_IN_USE
// (rows: DUPLICATE_PHONE), naming neither the other expert nor the number, nothing stored but the answer's own log
// entry (`pool.id-matched`: the answer spends the caller's daily allowance, test/routes/v1/import-id-matches.test.ts).
// Both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal } from '../../../src/pool/generator.js';
import { build, type Built } from '../../helper.js';
import { person, type Person } from '../../helpers/people.js';

const pool = generatePool({ size: 20, seed: 'phones' }).experts;
const body = (i: number, personal = syntheticPersonal(i)) => ({ ...pool[i]!, personal });
const jsonl = (rows: Array<Record<string, unknown>>) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

for (const store of ['sqlite', 'redis'] as const) {
  describe(`one phone, one expert (${store} store)`, () => {
    let t: Built;
    let approver: Person;
    const pm = () => ({ ...t.auth('pool-manager', { subject: 'pm-1' }), 'accept-language': 'en' });
    const create = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/v1/experts', headers: pm(), payload });
    const importFile = (rows: Array<Record<string, unknown>>, query: string) =>
      t.app.inject({ method: 'POST', url: `/v1/experts/import?${query}`, headers: { ...pm(), 'content-type': 'application/x-ndjson' }, payload: jsonl(rows) });
    /** The log's entries since `size`, by type. */
    const typesSince = async (size: number) => {
      const types: string[] = [];
      for (let i = size; i < (await t.ctx.store.logSize()); i++) types.push((JSON.parse((await t.ctx.auditLog.entry(i)).toString()) as { type: string }).type);
      return types;
    };
    const snapshot = async () => ({
      log: await t.ctx.store.logSize(),
      experts: (await t.ctx.store.listRecords('experts')).map((r) => r.value.toString()).sort(),
      version: t.ctx.pool.poolVersion,
    });

    beforeAll(async () => {
      t = await build({ EXPERT_DRAW_STORE: store });
      approver = await person(t, 'pool-manager');
      for (const i of [0, 1, 2]) expect((await create(body(i))).statusCode).toBe(201);
    });
    afterAll(async () => {
      await t.close();
    });

    it('refuses a new expert on another expert’s phone (also written +86, 86 or 0086), naming neither, storing nothing', async () => {
      const taken = syntheticPersonal(1).phone;
      const before = await snapshot();
      for (const phone of [taken, `+86${taken}`, `86${taken}`, `0086${taken}`]) {
        const res = await create(body(5, { ...syntheticPersonal(5), phone }));
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json().error.code).toBe('PHONE_IN_USE');
        for (const secret of [taken, pool[1]!.id, syntheticPersonal(5).name, syntheticPersonal(5).idNumber]) expect(res.body).not.toContain(secret);
      }
      expect({ ...(await snapshot()), log: before.log }).toEqual(before);
      expect(await typesSince(before.log)).toEqual(Array(4).fill('pool.id-matched'));
      // In Chinese too.
      const zh = await t.app.inject({ method: 'POST', url: '/v1/experts', headers: { ...pm(), 'accept-language': 'zh-CN' }, payload: body(5, { ...syntheticPersonal(5), phone: taken }) });
      expect(zh.json().error.message).toContain('此联系电话已属于专家库中的另一位专家');
    });

    it('refuses another expert’s ID number as before (409 CONFLICT, nothing stored)', async () => {
      const before = await snapshot();
      const res = await create(body(6, { ...syntheticPersonal(6), idNumber: syntheticPersonal(2).idNumber }));
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.code).toBe('CONFLICT');
      expect(res.body).not.toContain(syntheticPersonal(2).idNumber);
      expect({ ...(await snapshot()), log: before.log }).toEqual(before);
      expect(await typesSince(before.log)).toEqual(['pool.id-matched']);
    });

    it('frees the phone of an expert who has left the pool', async () => {
      const exited = await t.app.inject({ method: 'POST', url: `/v1/experts/${pool[2]!.id}/exit`, headers: approver.auth, payload: { reason: 'resigned' } });
      expect(exited.statusCode, exited.body).toBe(200);
      const res = await create(body(7, { ...syntheticPersonal(7), phone: syntheticPersonal(2).phone }));
      expect(res.statusCode, res.body).toBe(201);
    });

    it('refuses import rows on a phone of the pool: the whole file (mode=all), or the row (mode=valid)', async () => {
      const rows = [body(8), body(9, { ...syntheticPersonal(9), phone: syntheticPersonal(0).phone })];
      const before = await snapshot();
      const all = await importFile(rows, 'mode=all');
      expect(all.statusCode, all.body).toBe(422);
      // The field as the file names it: under `personal` in JSON lines, as a duplicate within the file is named.
      expect(all.json().error.details.errors).toEqual([{ line: 2, field: 'personal.phone', code: 'DUPLICATE_PHONE', message: 'this phone number belongs to another expert in the pool: two experts on one number would each get the other’s calls and links' }]);
      expect(all.body).not.toContain(syntheticPersonal(0).phone);
      expect(all.body).not.toContain(pool[0]!.id);
      // Nothing stored; only the answer is logged: it told that the pool holds a number, counted as a held ID number is.
      expect(await snapshot()).toEqual({ ...before, log: before.log + 1 });
      expect(JSON.parse((await t.ctx.auditLog.entry(before.log)).toString())).toMatchObject({ type: 'pool.id-matched', payload: { count: 1, source: 'import' } });
      // The same rows as CSV: the column is `phone`.
      const csvRow = (r: ReturnType<typeof body>) => [r.id, r.personal.name, r.personal.phone, r.personal.idNumber, r.specialties.join(';'), r.region, r.employer, r.status].join(',');
      const csv = `id,name,phone,idNumber,specialties,region,employer,status\n${rows.map(csvRow).join('\n')}\n`;
      const asCsv = await t.app.inject({ method: 'POST', url: '/v1/experts/import?mode=all', headers: { ...pm(), 'content-type': 'text/csv' }, payload: csv });
      expect(asCsv.statusCode, asCsv.body).toBe(422);
      expect(asCsv.json().error.details.errors).toEqual([expect.objectContaining({ line: 3, field: 'phone', code: 'DUPLICATE_PHONE' })]);
      expect(await snapshot()).toEqual({ ...before, log: before.log + 2 });
      const valid = await importFile(rows, 'mode=valid');
      expect(valid.statusCode, valid.body).toBe(200);
      expect(valid.json()).toMatchObject({ imported: 1, errors: [{ line: 2, code: 'DUPLICATE_PHONE' }] });
      expect(t.ctx.pool.expert(pool[9]!.id)).toBeUndefined();
      expect(t.ctx.pool.expert(pool[8]!.id)).toBeDefined();
    });

    it('refuses a revised file that gives a new or known expert the phone of one it does not name; a swap within the file is held, and approved in order', async () => {
      // Expert 7 holds the phone expert 2 left behind.
      const e7 = body(7, { ...syntheticPersonal(7), phone: syntheticPersonal(2).phone });
      const named = [body(0), body(1), e7, body(8)];
      const before = await snapshot();
      // A new expert on expert 1's phone, expert 1 not in the file.
      const added = await importFile([...named.filter((r) => r.id !== pool[1]!.id), body(10, { ...syntheticPersonal(10), phone: syntheticPersonal(1).phone })], 'mode=upsert');
      expect(added.statusCode, added.body).toBe(422);
      expect(added.json().error.details.errors).toEqual([expect.objectContaining({ line: 4, code: 'DUPLICATE_PHONE' })]);
      // Expert 0 given expert 8's phone, expert 8 not in the file.
      const moved = await importFile([body(0, { ...syntheticPersonal(0), phone: syntheticPersonal(8).phone }), body(1), e7], 'mode=upsert');
      expect(moved.statusCode, moved.body).toBe(422);
      expect(moved.json().error.details.errors).toEqual([expect.objectContaining({ line: 1, code: 'DUPLICATE_PHONE' })]);
      // Nothing stored but the two answers' `pool.id-matched`.
      expect(await snapshot()).toEqual({ ...before, log: before.log + 2 });

      // Expert 0 takes expert 8's number, and expert 8 a new one, in one file: both held.
      const swap = await importFile([body(0, { ...syntheticPersonal(0), phone: syntheticPersonal(8).phone }), body(1), e7, body(8, { ...syntheticPersonal(8), phone: '13911112222' })], 'mode=upsert');
      expect(swap.statusCode, swap.body).toBe(200);
      expect(swap.json().upsert.held).toEqual([{ id: pool[0]!.id, fields: ['phone'] }, { id: pool[8]!.id, fields: ['phone'] }].sort((a, b) => a.id.localeCompare(b.id)));
      const held = (await t.app.inject({ method: 'GET', url: '/v1/personal-changes', headers: approver.auth })).json().items as Array<{ id: string; changeId: string }>;
      const approve = (id: string) => {
        const c = held.find((h) => h.id === id)!;
        return t.app.inject({ method: 'POST', url: `/v1/experts/${id}/personal-change/${c.changeId}/approve`, headers: { ...approver.auth, 'accept-language': 'en' } });
      };
      // Expert 0's first: expert 8 still has the number.
      const size = await t.ctx.store.logSize();
      const early = await approve(pool[0]!.id);
      expect(early.statusCode, early.body).toBe(409);
      expect(early.json().error.code).toBe('PHONE_IN_USE');
      expect(early.body).not.toContain(syntheticPersonal(8).phone);
      expect(await t.ctx.store.logSize()).toBe(size);
      expect((await approve(pool[8]!.id)).statusCode).toBe(200);
      expect((await approve(pool[0]!.id)).statusCode).toBe(200);
      expect(t.ctx.pool.phone(pool[0]!.id)).toBe(syntheticPersonal(8).phone);
    });

    it('a retired expert called again takes their phone back only while no expert still in the pool has it: status route and revised file', async () => {
      const retired = { ...body(11), status: 'retired' };
      expect((await create(retired)).statusCode).toBe(201);
      // The retired expert's number is free: another expert takes it.
      expect((await create(body(12, { ...syntheticPersonal(12), phone: syntheticPersonal(11).phone }))).statusCode).toBe(201);
      const before = await snapshot();
      const back = await t.app.inject({ method: 'POST', url: `/v1/experts/${pool[11]!.id}/status`, headers: approver.auth, payload: { status: 'active', until: null, reason: '返回专家库' } });
      expect(back.statusCode, back.body).toBe(409);
      expect(back.json().error.code).toBe('PHONE_IN_USE');
      expect(back.body).not.toContain(syntheticPersonal(11).phone);
      expect(back.body).not.toContain(pool[12]!.id);
      const file = await importFile([{ ...body(11), status: 'active' }], 'mode=upsert');
      expect(file.statusCode, file.body).toBe(422);
      expect(file.json().error.details.errors).toEqual([expect.objectContaining({ line: 1, code: 'DUPLICATE_PHONE' })]);
      // Nothing stored but the file's answer (`pool.id-matched`).
      expect(await snapshot()).toEqual({ ...before, log: before.log + 1 });
      expect(t.ctx.pool.expert(pool[11]!.id)?.status).toBe('retired');
    });
  });
}
