// One evaluation a day: an expert who has accepted a seat cannot accept a seat of another evaluation whose bid opening
// falls on the same local date. Their second acceptance passes that seat on at once (`call.busy`), their page says why,
// and their record counts it against nobody; an evaluation on another day is accepted as usual. The day is claimed in
// the acceptance's commit, so two instances cannot both take it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeOf } from '../../src/domain/sanctions.js';
import { progress, seats } from '../../src/roster/roster.js';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool, tokenOf } from '../helpers/calls.js';

let t: Built;

// A service of its own per test: the same-tenderer frequency cap would exclude experts drawn by the test before.
beforeEach(async () => {
  t = await build({}, { now: () => Date.parse('2026-12-01T08:00:00+08:00') });
  // Eleven experts for five seats and their alternates: two draws of the same day mostly call someone twice.
  await importPool(t, 'one-day', 11);
});
afterEach(async () => {
  await t?.close();
});

/** The experts a draw called, with the token of each one's link. */
async function called(drawId: string, links: readonly string[]): Promise<Map<string, string>> {
  const { roster } = await t.ctx.roster.read(drawId);
  return new Map(seats(roster).map((c, i) => [c.expertId, tokenOf(links[i]!)]));
}

describe('one evaluation a day', () => {
  it('passes on the seat of an expert who already accepted another evaluation that day, counted against nobody', async () => {
    const morning = await drawnCalls(t, 'P-DAY-AM', { bidOpeningAt: '2026-12-02T09:00:00+08:00', venue: '1号评标室' });
    const am = await called(morning.drawId, morning.links);
    for (const token of am.values()) expect((await t.ctx.roster.respond(token, true)).state).toBe('accepted');
    // An afternoon draw of the same day that calls one of them again (11 eligible, 5 called: nearly always the first).
    let afternoon = await drawnCalls(t, 'P-DAY-PM-1', { bidOpeningAt: '2026-12-02T14:00:00+08:00', venue: '2号评标室' });
    for (let n = 2; n <= 3 && ![...(await called(afternoon.drawId, afternoon.links)).keys()].some((e) => am.has(e)); n++) {
      afternoon = await drawnCalls(t, `P-DAY-PM-${n}`, { bidOpeningAt: '2026-12-02T14:00:00+08:00', venue: '2号评标室' });
    }
    const pm = await called(afternoon.drawId, afternoon.links);
    const twice = [...pm.keys()].filter((e) => am.has(e));
    expect(twice.length).toBeGreaterThanOrEqual(1);
    const from = await t.ctx.store.logSize();
    for (const expertId of twice) expect(await t.ctx.roster.respond(pm.get(expertId)!, true)).toEqual({ answer: 'accept', state: 'busy' });
    // Their seats passed to the next ranks at once; the others of the afternoon accept as usual.
    const { roster } = await t.ctx.roster.read(afternoon.drawId);
    expect(progress(roster)[0]).toMatchObject({ busy: twice.length, declined: 0 });
    expect(seats(roster).filter((c) => c.rank >= 5)).toHaveLength(twice.length);
    for (const [expertId, token] of pm) if (!am.has(expertId)) expect((await t.ctx.roster.respond(token, true)).state).toBe('accepted');

    const logged = (await t.ctx.store.readEntries(from, await t.ctx.store.logSize())).map((b) => JSON.parse(b.toString('utf8')) as { type: string; payload: Record<string, unknown> });
    expect(logged.filter((e) => e.type === 'call.busy')).toHaveLength(twice.length);
    expect(logged.filter((e) => e.type === 'seat.promoted').map((e) => e.payload['because'])).toEqual(twice.map(() => 'busy'));
    const records = logged.filter((e) => e.type === 'record.call' && e.payload['outcome'] === 'busy');
    expect(records).toHaveLength(twice.length);
    for (const r of records) expect(codeOf(r.type, r.payload)).toBeNull();

    // The expert's page says why; the same answer again is told what was recorded (a gateway retrying), logging
    // nothing; another answer is refused as an answer given.
    const page = await t.app.inject({ url: `/r/${pm.get(twice[0]!)!}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('您已接受同一天另一项评标的邀请，不能同时参加');
    const size = await t.ctx.store.logSize();
    const again = await t.app.inject({ method: 'POST', url: `/v1/responses/${pm.get(twice[0]!)!}`, payload: { answer: 'accept' } });
    expect([again.statusCode, again.json()]).toEqual([200, { answer: 'accept', state: 'busy' }]);
    expect((await t.app.inject({ method: 'POST', url: `/v1/responses/${pm.get(twice[0]!)!}`, payload: { answer: 'decline' } })).statusCode).toBe(409);
    expect(await t.ctx.store.logSize()).toBe(size);

    // Another day is another evaluation: whoever it calls accepts it, those seated on the 2nd too.
    const tomorrow = await drawnCalls(t, 'P-DAY-NEXT', { bidOpeningAt: '2026-12-03T09:00:00+08:00', venue: '1号评标室' });
    for (const token of (await called(tomorrow.drawId, tomorrow.links)).values()) expect((await t.ctx.roster.respond(token, true)).state).toBe('accepted');
  });

  it('holds at the desk: an expert who comes without answering is sent back to the call, seated elsewhere that day or not, and the desk learns nothing of other panels', async () => {
    const morning = await drawnCalls(t, 'P-DESK-AM', { bidOpeningAt: '2026-12-05T09:00:00+08:00' });
    const am = await called(morning.drawId, morning.links);
    for (const token of am.values()) expect((await t.ctx.roster.respond(token, true)).state).toBe('accepted');
    let afternoon = await drawnCalls(t, 'P-DESK-PM-1', { bidOpeningAt: '2026-12-05T14:00:00+08:00' });
    for (let n = 2; n <= 3 && ![...(await called(afternoon.drawId, afternoon.links)).keys()].some((e) => am.has(e)); n++) {
      afternoon = await drawnCalls(t, `P-DESK-PM-${n}`, { bidOpeningAt: '2026-12-05T14:00:00+08:00' });
    }
    const pm = await called(afternoon.drawId, afternoon.links);
    const seatedElsewhere = [...pm.keys()].find((e) => am.has(e))!;
    const free = [...pm.keys()].find((e) => !am.has(e))!;
    const desk: Parameters<typeof t.ctx.roster.checkIn>[2] = { sub: 'desk-1', role: 'checkin', iat: 0, exp: 0 };
    const projectId = (await t.ctx.draws.get(afternoon.drawId)).projectId;
    const before = (await t.ctx.roster.read(afternoon.drawId)).roster;
    const from = await t.ctx.store.logSize();
    // The same answer for both: whether an unanswered expert sits on another panel that day is not the desk's to learn.
    const answers = [];
    for (const expert of [seatedElsewhere, free]) {
      const refused = await t.ctx.roster.checkIn(projectId, t.ctx.pool.personal(expert).idNumber, desk).then(
        () => null,
        (err: { code: string; message: string }) => ({ code: err.code, message: err.message }),
      );
      answers.push(refused);
    }
    expect(answers[0]).toEqual({ code: 'CONFLICT', message: expect.stringMatching(/尚未接受本项目的通知|has not accepted this project’s call/) });
    expect(answers[1]).toEqual(answers[0]);
    expect((await t.ctx.roster.read(afternoon.drawId)).roster).toEqual(before);
    const logged = (await t.ctx.store.readEntries(from, await t.ctx.store.logSize())).map((b) => JSON.parse(b.toString('utf8')) as { type: string });
    expect(logged.map((e) => e.type)).toEqual(['checkin.unanswered', 'checkin.unanswered']);
    // The acceptance holds the rule: the one seated elsewhere passes the seat on, the free one takes the day and is
    // then admitted at the desk.
    expect((await t.ctx.roster.respond(pm.get(seatedElsewhere)!, true)).state).toBe('busy');
    expect((await t.ctx.roster.respond(pm.get(free)!, true)).state).toBe('accepted');
    expect((await t.ctx.roster.checkIn(projectId, t.ctx.pool.personal(free).idNumber, desk)).expertId).toBe(free);
  });

  it('two acceptances of the same day at the same moment: one takes the day, the other passes its seat on', async () => {
    const first = await drawnCalls(t, 'P-RACE-1', { bidOpeningAt: '2026-12-04T09:00:00+08:00' });
    const a = await called(first.drawId, first.links);
    let second = await drawnCalls(t, 'P-RACE-2', { bidOpeningAt: '2026-12-04T14:00:00+08:00' });
    for (let n = 3; n <= 5 && ![...(await called(second.drawId, second.links)).keys()].some((e) => a.has(e)); n++) {
      second = await drawnCalls(t, `P-RACE-${n}`, { bidOpeningAt: '2026-12-04T14:00:00+08:00' });
    }
    const b = await called(second.drawId, second.links);
    const both = [...b.keys()].find((e) => a.has(e))!;
    expect(both).toBeDefined();
    const answers = await Promise.all([t.ctx.roster.respond(a.get(both)!, true), t.ctx.roster.respond(b.get(both)!, true)]);
    expect(answers.map((x) => x.state).sort()).toEqual(['accepted', 'busy']);
  });
});
