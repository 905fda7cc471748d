// An expert's answer is never shed under load: while the event loop lags past EXPERT_DRAW_MAX_EVENT_LOOP_DELAY_MS every
// other route answers 503, but the answer link's page, its form and the gateway route still take the answer (a shed
// answer was recorded against the expert as not answering, on an outside audit's loaded machine).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool, tokenOf } from '../helpers/calls.js';

let t: Built;
beforeAll(async () => {
  t = await build({ EXPERT_DRAW_MAX_EVENT_LOOP_DELAY_MS: '5' });
  await importPool(t, 'answers-under-load', 30);
});
afterAll(async () => {
  await t?.close();
});

/** Blocks the event loop for `ms` every `every` ms until stopped: a machine too busy to keep up. */
function overload(ms: number, every: number): () => void {
  const timer = setInterval(() => {
    const until = Date.now() + ms;
    while (Date.now() < until);
  }, every);
  return () => clearInterval(timer);
}

it('takes an expert’s answer while every other route sheds load', async () => {
  const { links } = await drawnCalls(t, 'P-LOAD', { bidOpeningAt: '2026-12-28T09:00:00+08:00' });
  const stop = overload(180, 200);
  try {
    // Wait until the service sheds: an ordinary authenticated read answers 503.
    let shed = false;
    for (let i = 0; i < 40 && !shed; i++) {
      await new Promise((r) => setTimeout(r, 100));
      shed = (await t.app.inject({ url: '/v1/projects/P-LOAD', headers: t.auth('operator') })).statusCode === 503;
    }
    expect(shed).toBe(true);
    const page = await t.app.inject({ url: `/r/${tokenOf(links[0]!)}` });
    expect(page.statusCode).toBe(200);
    const answered = await t.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(links[0]!)}`, payload: { answer: 'accept' } });
    expect([answered.statusCode, answered.json()]).toEqual([200, { answer: 'accept', state: 'accepted' }]);
    const form = await t.app.inject({ method: 'POST', url: `/r/${tokenOf(links[1]!)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'answer=decline' });
    expect(form.statusCode).toBe(303);
    // Still shedding the rest meanwhile.
    expect((await t.app.inject({ url: '/v1/projects/P-LOAD', headers: t.auth('operator') })).statusCode).toBe(503);
  } finally {
    stop();
  }
}, 30_000);
