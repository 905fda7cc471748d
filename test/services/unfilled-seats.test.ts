// Seats nobody fills: when every ranked expert and every top-up of a group has declined, its seats stay unfilled
// (`seat.unfilled`), and the project waits for an operator like a failed one: `GET /v1/projects?needs=decision` lists
// it, with how many seats are unfilled, until its bid opening.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { declineAll, drawnCalls, importPool } from '../helpers/calls.js';

let clock = Date.parse('2026-12-01T08:00:00+08:00');
let t: Built;

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  // Eleven experts for five seats (some excluded by the draw): a few alternates and top-ups, all soon used up.
  await importPool(t, 'unfilled', 11);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const listed = async (query: string) =>
  ((await t.app.inject({ url: `/v1/projects?${query}`, headers: t.auth('operator') })).json() as { items: Array<{ id: string; state: string; unfilledSeats: number }> }).items;

describe('seats left unfilled', () => {
  it('put a drawn project among those waiting for an operator, until its opening', async () => {
    const { drawId } = await drawnCalls(t, 'P-UNFILLED', { bidOpeningAt: '2026-12-01T11:00:00+08:00' });
    expect((await listed('needs=decision')).map((p) => p.id)).toEqual([]);
    // Everyone called declines, the alternates included, until nobody is left to call.
    const answered = await declineAll(t, (text) => text.includes('12-01'));
    expect(answered.size).toBeGreaterThanOrEqual(7);
    const draw = (await t.app.inject({ url: `/v1/draws/${drawId}`, headers: t.auth('operator') })).json() as { callsByGroup: Array<{ vacant: number }> };
    expect(draw.callsByGroup[0]!.vacant).toBe(5);
    expect(await listed('needs=decision')).toEqual([expect.objectContaining({ id: 'P-UNFILLED', state: 'drawn', unfilledSeats: 5 })]);
    expect(await listed('needs=decision&state=failed')).toEqual([]);
    // After the opening the evaluation is under way: the listing no longer asks.
    clock = Date.parse('2026-12-01T11:00:01+08:00');
    expect(await listed('needs=decision')).toEqual([]);
  });
});
