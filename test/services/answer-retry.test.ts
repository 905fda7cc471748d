// A gateway that relays an expert's answer may lose the reply (a crash, a timeout) and send it again. The same answer
// again is told what was recorded, even past the deadline, and logs nothing; another answer is refused as given. An
// outside audit's retries after a crash got 410 "the deadline passed" and could not tell their answers had landed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool, tokenOf } from '../helpers/calls.js';

let t: Built;
let clock = Date.parse('2026-12-01T08:00:00+08:00');

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  await importPool(t, 'answer-retry', 20);
});
afterAll(async () => {
  await t?.close();
});

const answer = (token: string, value: 'accept' | 'decline') => t.app.inject({ method: 'POST', url: `/v1/responses/${token}`, payload: { answer: value } });

describe('an answer sent again', () => {
  it('is told what was recorded, deadline or not, logging nothing; another answer is refused', async () => {
    const { links } = await drawnCalls(t, 'P-RETRY', { bidOpeningAt: '2026-12-01T12:00:00+08:00' });
    const [yes, no] = [tokenOf(links[0]!), tokenOf(links[1]!)];
    expect((await answer(yes, 'accept')).json()).toEqual({ answer: 'accept', state: 'accepted' });
    expect((await answer(no, 'decline')).json()).toEqual({ answer: 'decline', state: 'declined' });
    // Past the calls' deadline.
    clock = Date.parse('2026-12-01T10:00:00+08:00');
    const size = await t.ctx.store.logSize();
    for (const [token, value, state] of [[yes, 'accept', 'accepted'], [no, 'decline', 'declined']] as const) {
      const again = await answer(token, value);
      expect([again.statusCode, again.json()]).toEqual([200, { answer: value, state }]);
    }
    for (const [token, value] of [[yes, 'decline'], [no, 'accept']] as const) {
      const other = await answer(token, value);
      expect([other.statusCode, other.json().error.code]).toEqual([409, 'CONFLICT']);
    }
    expect(await t.ctx.store.logSize()).toBe(size);
    // A call never answered is past its deadline as before.
    expect((await answer(tokenOf(links[2]!), 'accept')).statusCode).toBe(410);
  });
});
