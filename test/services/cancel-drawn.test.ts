// A tender withdrawn after its draw: until bid opening the project can be cancelled, and in the same commit every call
// still open or accepted is withdrawn, each of those experts is sent a notice naming the time and place it withdraws,
// the days they accepted are theirs again, and nobody is recorded as a no-show. From bid opening it is refused.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import { seatDayKey } from '../../src/records/rosters.js';
import { seats } from '../../src/roster/roster.js';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool, SPECIALTY, tokenOf } from '../helpers/calls.js';
import { syntheticUscc } from '../../src/pool/generator.js';

let t: Built;
let clock = Date.parse('2026-12-01T08:00:00+08:00');

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  await importPool(t, 'cancel-drawn', 30);
});
afterAll(async () => {
  await t?.close();
});

const messages = () => readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'));
const logged = async (from: number) => (await t.ctx.store.readEntries(from, await t.ctx.store.logSize())).map((b) => JSON.parse(b.toString('utf8')) as { type: string; payload: Record<string, unknown> });

describe('cancelling a drawn project', () => {
  it('withdraws every open and accepted call, tells each of those experts, frees their day, and records nobody', async () => {
    clock = Date.parse('2026-12-01T08:00:00+08:00');
    const { drawId, links } = await drawnCalls(t, 'P-CANCEL-1', { bidOpeningAt: '2026-12-01T10:00:00+08:00', venue: '6号评标室' });
    // Seats 0 and 1 accept, seat 2 declines (its seat passes to rank 5, who is called), seats 3 and 4 say nothing yet.
    await t.ctx.roster.respond(tokenOf(links[0]!), true);
    await t.ctx.roster.respond(tokenOf(links[1]!), true);
    await t.ctx.roster.respond(tokenOf(links[2]!), false);
    await t.ctx.calls.tick();
    const before = (await t.ctx.roster.read(drawId)).roster;
    const open = seats(before).filter((c) => c.state === 'calling' || c.state === 'accepted');
    expect(open.map((c) => c.state).sort()).toEqual(['accepted', 'accepted', 'calling', 'calling', 'calling']);
    const accepted = seats(before).filter((c) => c.state === 'accepted');
    const day = (expertId: string) => t.ctx.store.getRecord('seat-days', seatDayKey(t.ctx.vault, expertId, '2026-12-01'));
    expect(await day(accepted[0]!.expertId)).not.toBeNull();

    const from = await t.ctx.store.logSize();
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects/P-CANCEL-1/cancel', headers: t.auth('operator'), payload: { reason: '招标人终止招标' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'cancelled', drawId });

    // One commit: the cancellation and a withdrawal per open seat, no performance record.
    const entries = await logged(from);
    expect(entries.map((e) => e.type)).toEqual(['project.cancelled', ...open.map(() => 'call.withdrawn')]);
    expect(entries[0]!.payload).toMatchObject({ id: 'P-CANCEL-1', from: 'drawn', reason: '招标人终止招标', withdrawsDraw: drawId });
    const after = (await t.ctx.roster.read(drawId)).roster;
    expect(seats(after).map((c) => c.state)).toEqual(seats(before).map(() => 'withdrawn'));
    for (const c of accepted) expect(await day(c.expertId)).toBeNull();

    // The notices: one per withdrawn expert, the time and place, no link.
    const sentBefore = (await messages()).length;
    await t.ctx.calls.tick();
    const notices = (await messages()).slice(sentBefore);
    expect(notices).toHaveLength(open.length);
    for (const n of notices) {
      expect(n).toMatchObject({ kind: 'cancel', responseUrl: null });
      expect(n.text).toBe('【评标专家通知】原定于 2026-12-01 10:00 在6号评标室的评标邀请已取消，无需前往，也无需回复。');
    }
    const phones = new Set(open.map((c) => t.ctx.pool.personal(c.expertId).phone));
    expect(new Set(notices.map((n) => n.to))).toEqual(phones);
    const withdrawn = (await logged(from)).filter((e) => e.type === 'call.withdrawn').map((e) => e.payload['noticeId']);
    expect(new Set(notices.map((n) => n.messageId))).toEqual(new Set(withdrawn));

    // The links say so, and take no answer; the desk checks nobody in; nobody becomes a no-show.
    const page = await t.app.inject({ url: `/r/${tokenOf(links[3]!)}` });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('本次评标已取消，无需前往，也无需答复。');
    const answered = await t.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(links[3]!)}`, payload: { answer: 'accept' } });
    expect(answered.statusCode).toBe(410);
    // The program's answer says why as the page does (a gateway may relay it to the expert).
    expect(answered.json().error.message).toBe('本次评标已取消，无需答复');
    const desk = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin'), payload: { projectId: 'P-CANCEL-1', idNumber: t.ctx.pool.personal(accepted[0]!.expertId).idNumber } });
    expect(desk.statusCode).toBe(409);
    expect(desk.json().error.message).toBe('项目 P-CANCEL-1 已取消');
    clock = Date.parse('2026-12-02T00:30:00+08:00');
    const late = await t.ctx.store.logSize();
    await t.ctx.calls.tick();
    expect((await logged(late)).map((e) => e.type)).not.toContain('record.no-show');
  });

  it('refuses to cancel a drawn project once its bids are open, and changes nothing', async () => {
    clock = Date.parse('2026-12-02T08:00:00+08:00');
    await drawnCalls(t, 'P-CANCEL-2', { bidOpeningAt: '2026-12-02T10:00:00+08:00' });
    clock = Date.parse('2026-12-02T10:00:00+08:00');
    const size = await t.ctx.store.logSize();
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects/P-CANCEL-2/cancel', headers: t.auth('operator'), payload: { reason: '招标人终止招标' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe('项目 P-CANCEL-2 已开标，评标已开始，不能再取消');
    expect(await t.ctx.store.logSize()).toBe(size);
  });

  it('stops the calls not sent yet instead of telling those experts: no invitation ever follows its cancellation', async () => {
    clock = Date.parse('2026-12-03T08:00:00+08:00');
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: { id: 'P-CANCEL-3', tenderer: syntheticUscc(9611), bidOpeningAt: '2026-12-03T10:00:00+08:00', region: '330106', groups: [{ specialty: SPECIALTY, count: 5 }] } });
    expect(res.statusCode, res.body).toBe(201);
    const { drawId } = await t.ctx.draws.run('P-CANCEL-3', 'immediate', { sub: 'op', role: 'operator', iat: 0, exp: 0 });
    const from = await t.ctx.store.logSize();
    const sentBefore = (await messages()).length;
    const cancel = await t.app.inject({ method: 'POST', url: '/v1/projects/P-CANCEL-3/cancel', headers: t.auth('operator'), payload: { reason: '招标人终止招标' } });
    expect(cancel.statusCode, cancel.body).toBe(200);
    const withdrawn = (await logged(from)).filter((e) => e.type === 'call.withdrawn');
    expect(withdrawn).toHaveLength(5);
    for (const e of withdrawn) expect(e.payload['noticeId']).toBeNull();
    await t.ctx.calls.tick();
    expect((await messages()).slice(sentBefore)).toEqual([]);
    const { roster } = await t.ctx.roster.read(drawId);
    expect(seats(roster).map((c) => c.state)).toEqual(['withdrawn', 'withdrawn', 'withdrawn', 'withdrawn', 'withdrawn']);
  });
});
