// The whole life of a project on a controllable clock: registered → drawn at T−60 → the selected called → one
// declines, one stays silent → alternates promoted and called → check-in of each (one refused for a conflict with a
// bidder made known at opening, and replaced) → two-person unseal → disclosure → every step in the log, in order.
// Then the store file and every captured service log line are searched for the drawn experts' personal data.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { seats } from '../../src/roster/roster.js';
import { build, type Built } from '../helper.js';
import { person } from '../helpers/people.js';

let t: Built;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const at = (local: string) => (clock = Date.parse(`2026-12-01T${local}+08:00`));
const pool = generatePool({ size: 200, seed: 'life', fixed: [{ code: 'C990101', members: 60 }] });
const personalOf = new Map(pool.experts.map((e, i) => [e.id, syntheticPersonal(i)]));
const logLines: string[] = [];

beforeAll(async () => {
  const stream = new Writable({ write(chunk, _enc, done) { logLines.push(chunk.toString()); done(); } });
  t = await build({}, { now: () => clock, logger: { level: 'trace', stream } });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
});
afterAll(async () => {
  await t.close();
});

const callsFile = () => join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl');
const tokenOf = (url: string) => url.split('/').pop()!;
const respond = (url: string, answer: 'accept' | 'decline') => t.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(url)}`, payload: { answer } });

describe('the life of a project', () => {
  it('runs from registration to disclosure, every step logged in order', async () => {
    const op = t.auth('operator', { subject: 'op-wang' });
    const start = await t.ctx.store.logSize();
    const reg = await t.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: op,
      payload: { id: 'P-LIFE', tenderer: syntheticUscc(9001), agency: syntheticUscc(9002), bidOpeningAt: '2026-12-01T09:00:00+08:00', region: '330106', venue: '杭州市公共资源交易中心 5号评标室', groups: [{ specialty: 'C990101', count: 5 }] },
    });
    expect(reg.statusCode, reg.body).toBe(201);

    // 08:00: the draw runs, and the five selected are called.
    at('08:00:00');
    expect((await t.ctx.scheduler.tick()).drawn).toEqual(['P-LIFE']);
    const drawId = (await t.app.inject({ method: 'GET', url: '/v1/projects/P-LIFE', headers: op })).json().drawId as string;
    expect((await t.ctx.calls.tick()).sent).toBe(5);
    let messages = await readFileMessages(callsFile());
    expect(messages).toHaveLength(5);
    for (const m of messages) {
      expect(m.text).toContain('2026-12-01 09:00');
      expect(m.text).toContain('5号评标室');
      expect(m.text).not.toContain('P-LIFE');
    }
    const { roster } = await t.ctx.roster.read(drawId);
    const byPhone = (phone: string) => [...personalOf].find(([, p]) => p.phone === phone)![0];
    const seatOf = (id: string) => seats(roster).find((c) => c.expertId === id)!;
    const first = messages.map((m) => ({ m, expertId: byPhone(m.to) }));
    const [declining, silent, ...accepting] = first.sort((a, b) => seatOf(a.expertId).seat - seatOf(b.expertId).seat);

    // 08:05: seat 0 declines; the first alternate (rank 5) is called for it. The others but seat 1 accept.
    at('08:05:00');
    const declined = await respond(declining!.m.responseUrl!, 'decline');
    expect(declined.json()).toEqual({ answer: 'decline', state: 'declined' });
    expect((await respond(declining!.m.responseUrl!, 'accept')).statusCode).toBe(409);
    for (const a of accepting) expect((await respond(a.m.responseUrl!, 'accept')).json().state).toBe('accepted');

    // 08:16: seat 1 never answered: timed out, the second alternate (rank 6) called.
    at('08:16:00');
    const tick = await t.ctx.calls.tick();
    expect(tick.expired).toBe(1);
    messages = await readFileMessages(callsFile());
    expect(messages).toHaveLength(7);
    expect((await respond(silent!.m.responseUrl!, 'accept')).statusCode).toBe(410);
    for (const m of messages.slice(5)) expect((await respond(m.responseUrl!, 'accept')).json().state).toBe('accepted');
    const status = (await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}`, headers: op })).json();
    expect(status.calls).toMatchObject({ accepted: 5, calling: 0 });

    // 08:40: at the venue. A bidder made known now is the employer of one accepted expert: refused and replaced.
    at('08:40:00');
    const atVenue = (await t.ctx.roster.read(drawId)).roster;
    const panel = seats(atVenue);
    // The bidder is the employer of one seated expert, chosen so that nobody else seated and not the next ranked
    // expert (rank 7) works for it or declared a position there: exactly one refusal, and a replacement admitted.
    const expertOf = (id: string) => pool.experts.find((e) => e.id === id)!;
    const tiedTo = (id: string, org: string) => expertOf(id).employer === org || expertOf(id).relations.some((r) => r.kind === 'org' && r.org === org);
    const conflicted = panel.find((c) => {
      const org = expertOf(c.expertId).employer;
      return [...panel.filter((o) => o !== c).map((o) => o.expertId), atVenue.groups[0]!.ranking[7]!].every((id) => !tiedTo(id, org));
    })!;
    const employer = expertOf(conflicted.expertId).employer;
    expect((await t.app.inject({ method: 'POST', url: '/v1/projects/P-LIFE/bidders', headers: op, payload: { bidders: [employer] } })).statusCode).toBe(200);
    const desk = t.auth('checkin', { subject: 'desk-1' });
    const checkIn = (id: string) => t.app.inject({ method: 'POST', url: '/v1/checkins', headers: desk, payload: { projectId: 'P-LIFE', idNumber: personalOf.get(id)!.idNumber } });
    for (const c of panel) {
      const res = await checkIn(c.expertId);
      if (c === conflicted) {
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json().error.code).toBe('CHECKIN_REFUSED');
        // The desk reads why, in Chinese by default: the bidder is the expert's employer.
        expect(res.json().error.message).toContain('工作单位是投标人');
        expect(res.body).not.toContain(personalOf.get(c.expertId)!.name);
      } else {
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ expertId: c.expertId, name: personalOf.get(c.expertId)!.name, seat: c.seat, specialty: 'C990101' });
      }
    }
    expect((await checkIn(panel.find((c) => c !== conflicted)!.expertId)).statusCode).toBe(409);
    // The replacement is called, accepts and checks in.
    await t.ctx.calls.tick();
    messages = await readFileMessages(callsFile());
    expect(messages).toHaveLength(8);
    expect((await respond(messages[7]!.responseUrl!, 'accept')).json().state).toBe('accepted');
    const replacement = seats((await t.ctx.roster.read(drawId)).roster).find((c) => c.seat === conflicted.seat)!;
    expect(replacement.rank).toBe(7);
    const admitted = await checkIn(replacement.expertId);
    expect(admitted.statusCode, admitted.body).toBe(200);

    // Before opening the list stays sealed; after, it needs an operator and a supervisor: two people, logged in.
    const [wang, zhao, li] = [await person(t, 'operator', { username: 'op-wang' }), await person(t, 'operator', { username: 'op-zhao' }), await person(t, 'supervisor', { username: 'sup-li' })];
    const sup = li.auth;
    const unseal = (headers: { authorization: string }) => t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers });
    expect((await unseal(wang.auth)).json().error.code).toBe('SEALED');
    at('09:01:00');
    expect((await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/panel`, headers: sup })).json().error.code).toBe('SEALED');
    expect((await unseal(op)).json().error.code).toBe('FORBIDDEN');
    expect((await unseal(wang.auth)).json().unsealed).toBe(false);
    expect((await unseal(wang.auth)).json().error.code).toBe('CONFLICT');
    // A second operator would count for nothing: refused, the supervisor still needed.
    expect((await unseal(zhao.auth)).json().error.code).toBe('CONFLICT');
    expect((await unseal(sup)).json().unsealed).toBe(true);
    const readAt = t.ctx.auditLog.size;
    const opened = (await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/panel`, headers: sup })).json();
    expect(opened.seats.map((s: { state: string }) => s.state)).toEqual(Array(5).fill('checked-in'));
    // Reading the opened list is a reveal too: logged with who read it, never with a name.
    const read = JSON.parse((await t.ctx.auditLog.entry(readAt)).toString());
    expect(read).toMatchObject({ type: 'draw.panel-read', payload: { drawId, by: li.userId, role: 'supervisor' } });

    // Disclosure: the reveal entry, and a proof for inspectors.
    const inspector = t.auth('inspector');
    expect((await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/proof`, headers: inspector })).json().error.code).toBe('SEALED');
    const disclosed = await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/disclose`, headers: op });
    expect(disclosed.statusCode, disclosed.body).toBe(200);
    const proof = (await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/proof`, headers: inspector })).json();
    const reveal = JSON.parse(proof.reveal.entry);
    expect(reveal.type).toBe('draw.reveal');
    expect(reveal.payload.result.groups[0].selected).toEqual(roster.groups[0]!.ranking.slice(0, 5));
    expect(reveal.payload.groups[0].members.length).toBe(60);
    expect(proof.reveal.inclusion.checkpoint).toContain('expert-draw.localhost/log');

    // Every step, in order.
    const types: string[] = [];
    for (let i = start; i < (await t.ctx.store.logSize()); i++) types.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()).type);
    const order = [
      'project.registered', 'draw.commit', 'draw.result', 'calls.placed', 'call.delivery', 'call.declined', 'seat.promoted', 'calls.placed',
      'call.accepted', 'call.timeout', 'seat.promoted', 'calls.placed', 'call.accepted', 'project.bidders',
      // Desks check in in seat order: those before the refused expert are admitted first.
      ...Array(panel.indexOf(conflicted)).fill('checkin.admitted'),
      'checkin.refused', 'seat.promoted', 'calls.placed', 'checkin.repeated', 'call.accepted', 'checkin.admitted',
      'unseal.approved', 'unseal.approved', 'draw.unsealed', 'draw.reveal',
    ];
    let pos = 0;
    for (const type of types) if (type === order[pos]) pos++;
    expect(order.slice(pos), `log: ${types.join(' ')}`).toEqual([]);
  });

  it('tells the project’s story from the log: every entry about it, in order, by seat and rank, never an expert', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/projects/P-LIFE/timeline', headers: t.auth('supervisor') });
    expect(res.statusCode, res.body).toBe(200);
    const events = res.json().events as Array<{ index: number; type: string; drawId?: string; group?: number; seat?: number; rank?: number; detail?: Record<string, unknown> }>;
    // The entries about the project, found by reading the whole log (not through the index or the table).
    const drawId = (await t.app.inject({ method: 'GET', url: '/v1/projects/P-LIFE', headers: t.auth('operator') })).json().drawId as string;
    const about: number[] = [];
    for (let i = 0; i < (await t.ctx.store.logSize()); i++) {
      const p = JSON.parse((await t.ctx.auditLog.entry(i)).toString()).payload;
      if (p.projectId === 'P-LIFE' || p.id === 'P-LIFE' || p.project?.id === 'P-LIFE' || p.drawId === drawId) about.push(i);
    }
    expect([...new Set(events.map((e) => e.index))]).toEqual(about);
    expect(events[0]).toMatchObject({ type: 'project.registered', detail: { bidOpeningAt: '2026-12-01T09:00:00+08:00', groups: 1 } });
    expect(events.at(-1)).toMatchObject({ type: 'draw.reveal', drawId });
    const placed = events.filter((e) => e.type === 'calls.placed');
    expect(placed).toHaveLength(8);
    for (const e of placed) expect(e).toMatchObject({ drawId, group: 0, seat: expect.any(Number), rank: expect.any(Number) });
    expect(placed.map((e) => e.rank)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const promotions = events.filter((e) => e.type === 'seat.promoted');
    expect(promotions.map((e) => [e.rank, e.detail?.because])).toEqual([[5, 'declined'], [6, 'timeout'], [7, 'refused']]);
    expect(events.filter((e) => e.type === 'unseal.approved').map((e) => e.detail?.role)).toEqual(['operator', 'supervisor']);
    // Not one expert id, name, phone or ID number; not the desk's or the staff's subjects either.
    for (const e of pool.experts) expect(res.body).not.toContain(`"${e.id}"`);
    for (const p of personalOf.values()) for (const secret of [p.name, p.phone, p.idNumber]) expect(res.body).not.toContain(secret);
    for (const subject of ['op-wang', 'sup-li', 'desk-1']) expect(res.body).not.toContain(subject);
  });

  it('leaves no drawn expert’s name, phone or ID number in the store file or in any service log line', async () => {
    const drawId = (await t.app.inject({ method: 'GET', url: '/v1/projects/P-LIFE', headers: t.auth('operator') })).json().drawId as string;
    const drawn = seats((await t.ctx.roster.read(drawId)).roster).concat((await t.ctx.roster.read(drawId)).roster.calls).map((c) => personalOf.get(c.expertId)!);
    expect(drawn.length).toBeGreaterThan(5);
    const dir = t.config.EXPERT_DRAW_DATA_DIR;
    const files = readdirSync(dir).filter((f) => f !== 'calls.jsonl');
    expect(files.some((f) => f.endsWith('.db') || f.endsWith('.sqlite'))).toBe(true);
    const dump = Buffer.concat(files.map((f) => readFileSync(join(dir, f))));
    const logs = logLines.join('');
    expect(logLines.length).toBeGreaterThan(20);
    for (const p of drawn) {
      for (const secret of [p.name, p.phone, p.idNumber]) {
        expect(dump.includes(Buffer.from(secret, 'utf8')), `store holds ${secret}`).toBe(false);
        expect(logs.includes(secret), `log holds ${secret}`).toBe(false);
      }
    }
  });
});
