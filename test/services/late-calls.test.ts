// No call is placed once it could not be answered (from a minute before bid opening): a seat whose call ends then stays
// unfilled, instead of passing down the whole ranking, one expired call per pass, each recorded as a timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { seats } from '../../src/roster/roster.js';
import { build, type Built } from '../helper.js';

let t: Built;
let clock = Date.parse('2026-12-01T08:00:00+08:00');
const at = (local: string) => (clock = Date.parse(`2026-12-01T${local}+08:00`));
const pool = generatePool({ size: 120, seed: 'late-calls', fixed: [{ code: 'C990101', members: 40 }] });

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
});
afterAll(async () => {
  await t.close();
});

/** A project opening at 09:00, registered and drawn at 08:00: its five calls are answerable until 08:15. */
async function drawn(id: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/projects',
    headers: t.auth('operator'),
    payload: { id, tenderer: syntheticUscc(9101), bidOpeningAt: '2026-12-01T09:00:00+08:00', region: '330106', groups: [{ specialty: 'C990101', count: 5 }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { drawId } = await t.ctx.draws.run(id, 'immediate', { sub: 'op', role: 'operator', iat: 0, exp: 0 });
  // The calls reach the experts (a call never sent ends as undelivered at its deadline, not as a timeout).
  await t.ctx.outbox.dispatch();
  return drawId;
}

/** The types of the entries logged from `from` on. */
async function loggedSince(from: number): Promise<string[]> {
  const size = await t.ctx.store.logSize();
  return (await t.ctx.store.readEntries(from, size)).map((b) => (JSON.parse(b.toString('utf8')) as { type: string }).type);
}

describe('calls near bid opening', () => {
  it('while an answer is still possible, a timed-out seat passes to the next rank, who is called until 08:59 at the latest', async () => {
    at('08:00:00');
    const drawId = await drawn('P-LATE-1');
    at('08:50:00');
    const from = await t.ctx.store.logSize();
    expect(await t.ctx.roster.expire()).toBe(5);
    const types = await loggedSince(from);
    expect(types.filter((x) => x === 'seat.promoted')).toHaveLength(5);
    expect(types).toContain('calls.placed');
    // The new calls end a minute before opening, earlier than 15 minutes from now.
    const { roster } = await t.ctx.roster.read(drawId);
    const open = seats(roster).filter((c) => c.state === 'calling');
    expect(open).toHaveLength(5);
    expect(new Set(open.map((c) => c.deadline))).toEqual(new Set([new Date('2026-12-01T08:59:00+08:00').toISOString()]));
    await t.ctx.outbox.dispatch();
  });

  it('from a minute before opening, a seat whose call ends stays unfilled: nobody else is called, nothing more is recorded', async () => {
    at('08:00:00');
    const drawId = await drawn('P-LATE-2');
    at('08:59:30');
    const from = await t.ctx.store.logSize();
    // The five calls of P-LATE-2 and the five second calls of P-LATE-1 (08:59) time out now.
    expect(await t.ctx.roster.expire()).toBe(10);
    const types = await loggedSince(from);
    expect(types.filter((x) => x === 'call.timeout')).toHaveLength(10);
    expect(types.filter((x) => x === 'seat.unfilled')).toHaveLength(10);
    expect(types).not.toContain('calls.placed');
    expect(types).not.toContain('seat.promoted');
    // One timeout record per expert actually called, none for the alternates, who were never called.
    expect(types.filter((x) => x === 'record.call')).toHaveLength(10);
    const { roster } = await t.ctx.roster.read(drawId);
    expect(seats(roster).map((c) => c.state)).toEqual(['timeout', 'timeout', 'timeout', 'timeout', 'timeout']);
    expect(roster.groups[0]!.next).toBe(5);
    // Later passes find nothing to do: no call is open, none was placed.
    at('09:05:00');
    const again = await t.ctx.store.logSize();
    expect(await t.ctx.roster.expire()).toBe(0);
    expect(await t.ctx.store.logSize()).toBe(again);
  });
});
