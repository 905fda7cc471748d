// An alternate in conflict with the project's parties as known now — employed by a bidder recorded after the draw — is
// passed over when a seat comes to them: never called (told the venue and time), each rank passed over logged with its
// codes, and the seat goes on to the next rank. A status changed since is not a reason (that would tell who was ranked).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool, sentMessages, tokenOf } from '../helpers/calls.js';

interface Logged {
  type: string;
  payload: Record<string, unknown>;
}

describe('alternates who may no longer sit are passed over', () => {
  let t: Built;
  beforeAll(async () => {
    t = await build();
    await importPool(t, 'passed-over', 40);
  });
  afterAll(async () => {
    await t.close();
  });

  const entriesSince = async (from: number): Promise<Logged[]> => (await t.ctx.store.readEntries(from, await t.ctx.store.logSize())).map((b) => JSON.parse(b.toString('utf8')) as Logged);

  it('skips a later bidder’s employees, calls the next rank (suspended or not), and says why', async () => {
    const { drawId, links } = await drawnCalls(t, 'P-PASS', { bidOpeningAt: '2026-12-28T09:00:00+08:00' });
    const { roster } = await t.ctx.roster.read(drawId);
    const ranking = roster.groups[0]!.ranking;
    const expert = (rank: number) => t.ctx.pool.expert(ranking[rank]!)!;
    // Rank 5 is the first alternate: its employer becomes a bidder after the draw. Every later rank sharing that
    // employer is passed over too; the seat goes to the first other rank. That one is suspended meanwhile: a status
    // changed since is no reason to pass over (it would tell readers of the log that the expert was ranked in a draw
    // still sealed), so they are called, and the desk refuses them as before.
    const bidder = expert(5).employer;
    const added = await t.app.inject({ method: 'POST', url: '/v1/projects/P-PASS/bidders', headers: t.auth('operator'), payload: { bidders: [bidder, syntheticUscc(7711)] } });
    expect(added.statusCode, added.body).toBe(200);
    const expectedPassed = [];
    let to = 5;
    for (; expert(to).employer === bidder; to++) expectedPassed.push(to);
    expect(expectedPassed.length).toBeGreaterThanOrEqual(1);
    const suspended = to;
    const status = await t.app.inject({ method: 'POST', url: `/v1/experts/${ranking[suspended]}/status`, headers: t.auth('pool-manager'), payload: { status: 'suspended', reason: '单位调整期间暂停', until: '2027-01-31' } });
    expect(status.statusCode, status.body).toBe(200);
    const before = await t.ctx.store.logSize();
    const sentBefore = (await sentMessages(t)).length;
    const answered = await t.ctx.roster.respond(tokenOf(links[0]!), false);
    expect(answered.state).toBe('declined');

    const logged = await entriesSince(before);
    const passed = logged.filter((e) => e.type === 'seat.passed-over');
    expect(passed.map((e) => e.payload.rank)).toEqual(expectedPassed);
    for (const e of passed) {
      const codes = e.payload.codes as string[];
      expect(codes).toEqual(['EMPLOYER_IS_BIDDER']);
      expect(e.payload).toMatchObject({ drawId, group: 0, seat: 0 });
    }
    // Logged in order: the decline, the ranks passed over, then the seat's promotion to the next rank that may sit.
    const types = logged.map((e) => e.type);
    expect(types.indexOf('call.declined')).toBeLessThan(types.indexOf('seat.passed-over'));
    expect(types.lastIndexOf('seat.passed-over')).toBeLessThan(types.indexOf('seat.promoted'));
    expect(logged.find((e) => e.type === 'seat.promoted')!.payload).toMatchObject({ fromRank: 0, toRank: to });
    // Nobody passed over got a message; the next rank did. No entry names an expert.
    const { roster: after } = await t.ctx.roster.read(drawId);
    expect(after.groups[0]!.next).toBe(to + 1);
    const called = new Set(after.calls.map((c) => c.expertId));
    for (const r of expectedPassed) expect(called.has(ranking[r]!)).toBe(false);
    expect(after.calls.at(-1)).toMatchObject({ seat: 0, rank: to, expertId: ranking[to], state: 'calling' });
    const sent = (await sentMessages(t)).slice(sentBefore);
    expect(sent.map((m) => m.messageId)).toEqual([after.calls.at(-1)!.messageId]);
    const text = JSON.stringify(logged);
    for (const r of [...expectedPassed, to]) expect(text).not.toContain(ranking[r]!);
    // Not held against them: no performance record for a rank passed over.
    expect(logged.filter((e) => e.type.startsWith('record.')).map((e) => e.payload.rank)).toEqual([0]);
  });
});
