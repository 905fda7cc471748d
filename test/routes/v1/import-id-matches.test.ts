// A bulk file is told which of its rows hold an ID number the pool already has; that is knowledge of write-only
// personal data, so each such answer is logged (how many, never which) and counted per person: 20 a day, then the
// file is refused whole, naming no row. Found by an outside test: a dry-run upsert of 8,000 guessed ID numbers for
// one birth date named the line of an expert's real number, in one request, logging nothing. On both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPersonal, syntheticUscc } from '../../../src/pool/generator.js';
import { ID_MATCHES } from '../../../src/services/id-matches.js';
import { build, type Built } from '../../helper.js';
import { person, type Person } from '../../helpers/people.js';

const EMPLOYER = syntheticUscc(9911);
const row = (n: number, idNumber = syntheticPersonal(n).idNumber) =>
  JSON.stringify({ id: `E${String(n).padStart(7, '0')}`, specialties: ['C990101'], region: '330106', employer: EMPLOYER, status: 'active', personal: { ...syntheticPersonal(n), idNumber } });
const file = (rows: string[]) => `${rows.join('\n')}\n`;
const HELD = 30;

for (const store of ['sqlite', 'redis'] as const) {
  describe(`ID numbers already held, told to a person a limited number of times a day (${store} store)`, () => {
    let t: Built;
    let clock = Date.parse('2026-12-01T09:00:00+08:00');
    let zhou: Person;
    let qian: Person;
    const post = (who: Person, body: string, query: string) =>
      t.app.inject({ method: 'POST', url: `/v1/experts/import?${query}`, headers: { ...who.auth, 'content-type': 'application/x-ndjson', 'accept-language': 'en' }, payload: body });
    /** A new expert id (9000+) with the ID number of held expert `n`: a guess that hits. */
    const guess = (i: number, n: number) => row(9000 + i, syntheticPersonal(n).idNumber);
    const entriesSince = async (size: number) => {
      const out: Array<{ type: string; payload: Record<string, unknown> }> = [];
      for (let i = size; i < (await t.ctx.store.logSize()); i++) out.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()));
      return out;
    };

    beforeAll(async () => {
      t = await build({ EXPERT_DRAW_STORE: store, EXPERT_DRAW_RATE_LIMIT: '100000' }, { now: () => clock });
      zhou = await person(t, 'pool-manager', { username: 'pm-zhou' });
      qian = await person(t, 'pool-manager', { username: 'pm-qian' });
      const first = await post(zhou, file(Array.from({ length: HELD }, (_, i) => row(i + 1))), 'mode=all');
      expect(first.statusCode, first.body).toBe(200);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('names the rows within the allowance, and logs how many were told, never which', async () => {
      const size = await t.ctx.store.logSize();
      const dry = await post(zhou, file([row(8001), guess(1, 3), guess(2, 7)]), 'mode=upsert&dryRun=true');
      expect(dry.statusCode, dry.body).toBe(422);
      expect(dry.json().error.details.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([[2, 'DUPLICATE_ID_NUMBER'], [3, 'DUPLICATE_ID_NUMBER']]);
      const logged = await entriesSince(size);
      expect(logged).toEqual([expect.objectContaining({ type: 'pool.id-matched', payload: { by: zhou.userId, count: 2, source: 'upsert' } })]);
      expect(JSON.stringify(logged)).not.toContain(syntheticPersonal(3).idNumber);
      // A file that holds no such number spends nothing and logs nothing of it.
      const clean = await post(zhou, file([row(8002)]), 'mode=upsert&dryRun=true');
      expect(clean.statusCode, clean.body).toBe(200);
      expect(await t.ctx.store.logSize()).toBe(size + 1);
    });

    it('refuses a file whole past the allowance, naming no row and storing nothing, on every import mode', async () => {
      // 2 spent above: 18 left. A file of 19 guesses among good rows is refused as a whole.
      const size = await t.ctx.store.logSize();
      const version = t.ctx.pool.poolVersion;
      const guesses = Array.from({ length: ID_MATCHES - 1 }, (_, i) => guess(10 + i, i + 1));
      for (const query of ['mode=upsert&dryRun=true', 'mode=all', 'mode=valid', 'mode=valid&admission=applied']) {
        const res = await post(zhou, file([row(8100), ...guesses]), query);
        expect(res.statusCode, `${query}: ${res.body}`).toBe(429);
        expect(res.json().error.code).toBe('RATE_LIMITED');
        expect(res.json().error.details).toBeUndefined();
        expect(res.body).not.toMatch(/"line"/);
      }
      // mode=valid stored not even its good row.
      expect(t.ctx.pool.expert('E0008100')).toBeUndefined();
      expect(t.ctx.pool.poolVersion).toBe(version);
      const logged = await entriesSince(size);
      expect(logged.map((e) => [e.type, e.payload.count, e.payload.source])).toEqual([
        ['pool.id-matches-refused', ID_MATCHES - 1, 'upsert'],
        ['pool.id-matches-refused', ID_MATCHES - 1, 'import'],
        ['pool.id-matches-refused', ID_MATCHES - 1, 'import'],
        ['pool.id-matches-refused', ID_MATCHES - 1, 'applications'],
      ]);
      // The rest of the allowance still answers, exactly to its end; one more is refused.
      const rest = await post(zhou, file(Array.from({ length: ID_MATCHES - 2 }, (_, i) => guess(40 + i, i + 1))), 'mode=upsert&dryRun=true');
      expect(rest.statusCode, rest.body).toBe(422);
      expect(rest.json().error.details.errors).toHaveLength(ID_MATCHES - 2);
      expect((await post(zhou, file([guess(99, 5)]), 'mode=upsert&dryRun=true')).statusCode).toBe(429);
      // Spent, a file without a held number is refused just the same: the status is no oracle for one-row guesses.
      const sizeBefore = await t.ctx.store.logSize();
      const miss = await post(zhou, file([row(8300)]), 'mode=upsert&dryRun=true');
      expect(miss.statusCode, miss.body).toBe(429);
      expect((await entriesSince(sizeBefore)).map((e) => [e.type, e.payload.count])).toEqual([['pool.id-matches-refused', 0]]);
      // Nor does a known expert's row with a guessed number answer anything.
      expect((await post(zhou, file([row(6)]), 'mode=upsert&dryRun=true')).statusCode).toBe(429);
    });

    it('counts a known expert’s ID number guessed with the right name and phone, so that `unchanged` is no oracle', async () => {
      // Qian knows expert 6's name and phone. Each wrong guess shows as a personal change: it spends the allowance.
      const wrong = (i: number) => row(6, syntheticPersonal(500 + i).idNumber);
      const size = await t.ctx.store.logSize();
      const first = await post(qian, file([wrong(1)]), 'mode=upsert&dryRun=true');
      expect(first.statusCode, first.body).toBe(200);
      expect((await entriesSince(size)).map((e) => [e.type, e.payload.count])).toEqual([['pool.id-matched', 1]]);
      // A name or phone that changes too is an ordinary correction of personal data, not counted.
      const moved = JSON.stringify({ ...JSON.parse(wrong(2)), personal: { ...syntheticPersonal(6), idNumber: JSON.parse(wrong(2)).personal.idNumber, phone: '13900000006' } });
      expect((await post(qian, file([moved]), 'mode=upsert&dryRun=true')).statusCode).toBe(200);
      expect(await t.ctx.store.logSize()).toBe(size + 1);
    });

    it('counts per person, and gives the allowance back a day later', async () => {
      const other = await post(qian, file([guess(1, 4)]), 'mode=upsert&dryRun=true');
      expect(other.statusCode, other.body).toBe(422);
      expect((await post(zhou, file([guess(1, 4)]), 'mode=upsert&dryRun=true')).statusCode).toBe(429);
      clock += 24 * 3600_000 + 1000;
      // The same person, logged in again the next day.
      const session = await t.ctx.sessions.login(zhou.username, zhou.password);
      const later = await post({ ...zhou, auth: { authorization: `Bearer ${session.accessToken}` } }, file([guess(1, 4)]), 'mode=upsert&dryRun=true');
      expect(later.statusCode, later.body).toBe(422);
      expect(later.json().error.details.errors[0].code).toBe('DUPLICATE_ID_NUMBER');
    });

    it('counts an expert added one at a time with a held phone or ID number, and refuses every addition once spent', async () => {
      const sun = await person(t, 'pool-manager', { username: 'pm-sun' });
      const add = (body: string) => t.app.inject({ method: 'POST', url: '/v1/experts', headers: { ...sun.auth, 'accept-language': 'en' }, payload: JSON.parse(body) });
      const size = await t.ctx.store.logSize();
      const version = t.ctx.pool.poolVersion;
      // Expert 3's ID number, and expert 4's phone, under new ids.
      const heldId = await add(guess(1, 3));
      expect(heldId.statusCode, heldId.body).toBe(409);
      expect(heldId.json().error.code).toBe('CONFLICT');
      const heldPhone = await add(JSON.stringify({ ...JSON.parse(row(9502)), personal: { ...syntheticPersonal(9502), phone: syntheticPersonal(4).phone } }));
      expect(heldPhone.statusCode, heldPhone.body).toBe(409);
      expect(heldPhone.json().error.code).toBe('PHONE_IN_USE');
      expect(`${heldId.body}${heldPhone.body}`).not.toContain(syntheticPersonal(3).idNumber);
      expect((await entriesSince(size)).map((e) => [e.type, e.payload])).toEqual([
        ['pool.id-matched', { by: sun.userId, count: 1, source: 'add' }],
        ['pool.id-matched', { by: sun.userId, count: 1, source: 'add' }],
      ]);
      expect(t.ctx.pool.poolVersion).toBe(version);
      // An expert whose numbers nobody holds is added, spending nothing.
      expect((await add(row(9503))).statusCode).toBe(201);
      expect((await entriesSince(size)).map((e) => e.type)).toEqual(['pool.id-matched', 'pool.id-matched', 'expert.created']);
      // The rest of the allowance, spent by guesses; then every addition is refused, held numbers or not, storing nothing.
      for (let i = 0; i < ID_MATCHES - 2; i++) expect((await add(guess(20 + i, (i % 10) + 1))).statusCode).toBe(409);
      const spent = await add(row(9504));
      expect(spent.statusCode, spent.body).toBe(429);
      expect(spent.json().error.code).toBe('RATE_LIMITED');
      expect(t.ctx.pool.expert('E0009504')).toBeUndefined();
      expect((await entriesSince(size)).at(-1)).toMatchObject({ type: 'pool.id-matches-refused', payload: { by: sun.userId, count: 0, source: 'add' } });
      expect((await add(guess(90, 3))).statusCode).toBe(429);
    });
  });
}
