// A call whose message cannot be delivered (the gateway refuses it for good, or gives up after its retries) ends as
// `undelivered` at once: the seat passes to the next rank in the same pass of the call worker, without waiting out the
// deadline, and the expert's record says the message never reached them, counted against nobody. A message given up
// before a crash is still found when its call's deadline comes: never a timeout.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../src/domain/sanctions.js';
import { generatePool, syntheticPersonal } from '../../src/pool/generator.js';
import { tally } from '../../src/roster/performance.js';
import { progress, seats } from '../../src/roster/roster.js';
import { build, type Built } from '../helper.js';
import { registerProject } from '../helpers/projects.js';

let t: Built;
let gateway: Server;
let clock = Date.parse('2026-12-01T08:00:00+08:00');
const pool = generatePool({ size: 60, seed: 'undelivered', fixed: [{ code: 'C990101', members: 40 }] });
/** Phone numbers the gateway refuses (400: not retryable), and what it received. */
const refused = new Set<string>();
/** Phone numbers the gateway answers 500 (retryable): their messages stay pending, tried again later. */
const failing = new Set<string>();
const received: Array<{ messageId: string; to: string }> = [];

beforeAll(async () => {
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const m = JSON.parse(body) as { messageId: string; to: string };
      received.push({ messageId: m.messageId, to: m.to });
      res.writeHead(refused.has(m.to) ? 400 : failing.has(m.to) ? 500 : 200).end();
    });
  });
  await new Promise<void>((done) => gateway.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/calls`;
  t = await build({ EXPERT_DRAW_CALL_ADAPTER: 'webhook', EXPERT_DRAW_CALL_WEBHOOK_URL: url, EXPERT_DRAW_CALL_WEBHOOK_SECRET: 'ab'.repeat(32) }, { now: () => clock });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
});
afterAll(async () => {
  await t?.close();
  await new Promise((done) => gateway?.close(done));
});

const phoneOf = (expertId: string) => syntheticPersonal(pool.experts.findIndex((e) => e.id === expertId)).phone;

const op = { sub: 'op', role: 'operator', iat: 0, exp: 0 } as const;

/** Registers a project opening at 10:00 and draws it now: its five calls are placed, none sent yet. */
async function drawn(id: string): Promise<string> {
  await registerProject(t, op, { id, bidOpeningAt: '2026-12-01T10:00:00+08:00' });
  return (await t.ctx.draws.run(id, 'immediate', op)).drawId;
}

/** Entries logged from `from` on, parsed. */
async function loggedSince(from: number): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  return (await t.ctx.store.readEntries(from, await t.ctx.store.logSize())).map((b) => JSON.parse(b.toString('utf8')));
}

/** At 08:16, past the calls' deadline, the timeout pass runs: the call of `messageId` is undelivered; the draw's call records. */
async function pastDeadline(drawId: string, messageId: string) {
  clock = Date.parse('2026-12-01T08:16:00+08:00');
  const from = await t.ctx.store.logSize();
  await t.ctx.roster.expire();
  const { roster } = await t.ctx.roster.read(drawId);
  expect(roster.calls.find((c) => c.messageId === messageId)!.state).toBe('undelivered');
  return (await loggedSince(from)).filter((e) => e.type === 'record.call' && e.payload['drawId'] === drawId);
}

describe('a call whose message cannot be delivered', () => {
  it('ends as undelivered in the same pass, the next rank is called at once, and the record counts against nobody', async () => {
    clock = Date.parse('2026-12-01T08:00:00+08:00');
    const drawId = await drawn('P-UNDELIVERED-1');
    const first = (await t.ctx.roster.read(drawId)).roster;
    const unlucky = seats(first)[1]!;
    refused.add(phoneOf(unlucky.expertId));
    const from = await t.ctx.store.logSize();

    // One pass: five messages handed over, one refused for good; its seat passes on in the same pass.
    const tick = await t.ctx.calls.tick();
    expect(tick).toMatchObject({ sent: 4, failed: 1, expired: 1, undeliveredDraws: [drawId] });
    const { roster } = await t.ctx.roster.read(drawId);
    const ended = roster.calls.find((c) => c.messageId === unlucky.messageId)!;
    expect(ended.state).toBe('undelivered');
    const now = seats(roster)[1]!;
    expect(now).toMatchObject({ seat: 1, rank: 5, state: 'calling' });
    expect(progress(roster)[0]).toMatchObject({ undelivered: 1, timedOut: 0, vacant: 0 });

    const logged = await loggedSince(from);
    expect(logged.map((e) => e.type)).toEqual(expect.arrayContaining(['call.delivery', 'call.undelivered', 'record.call', 'seat.promoted', 'calls.placed']));
    expect(logged.find((e) => e.type === 'call.undelivered')!.payload).toMatchObject({ drawId, seat: 1, rank: unlucky.rank, messageId: unlucky.messageId });
    expect(logged.find((e) => e.type === 'seat.promoted')!.payload).toMatchObject({ fromRank: unlucky.rank, toRank: 5, because: 'undelivered' });
    const record = logged.find((e) => e.type === 'record.call')!;
    expect(record.payload).toMatchObject({ outcome: 'undelivered', replaced: 'promoted', messageId: unlucky.messageId });
    // Not a code any sanction rule counts, and nothing in the expert's tally.
    expect(codeOf(record.type, record.payload)).toBeNull();
    expect(tally([{ kind: 'call', outcome: 'undelivered', replaced: 'promoted' }])).toMatchObject({ calls: 0, timedOut: 0, replacementsCaused: 0 });

    // The next pass sends the alternate's call; nothing times out before the deadline.
    const next = await t.ctx.calls.tick();
    expect(next).toMatchObject({ sent: 1, failed: 0, expired: 0 });
    expect(received.at(-1)!.messageId).toBe(now.messageId);
    // The draw's view shows it to the operator, counts only.
    const view = await t.app.inject({ url: `/v1/draws/${drawId}`, headers: t.auth('operator') });
    expect(view.json().callsByGroup[0]).toMatchObject({ undelivered: 1, timedOut: 0 });
    expect(view.body).not.toContain(unlucky.expertId);
  });

  it('a message given up before a crash ends its call as undelivered, not as a timeout, when the deadline comes', async () => {
    clock = Date.parse('2026-12-01T08:00:00+08:00');
    const drawId = await drawn('P-UNDELIVERED-2');
    const unlucky = seats((await t.ctx.roster.read(drawId)).roster)[3]!;
    // Only this expert's number is refused now (the first test's expert may be called again).
    refused.clear();
    refused.add(phoneOf(unlucky.expertId));
    // The delivery pass alone, as if the process died before the roster heard of it.
    expect(await t.ctx.outbox.dispatch()).toMatchObject({ failed: 1, undeliveredDraws: [drawId] });
    expect(seats((await t.ctx.roster.read(drawId)).roster)[3]!.state).toBe('calling');
    // Past the deadline, the timeout pass finds the message given up.
    const records = await pastDeadline(drawId, unlucky.messageId);
    // The four delivered and unanswered calls timed out; the fifth is the expert who never got the message.
    expect(records.map((e) => e.payload['outcome']).sort()).toEqual(['timeout', 'timeout', 'timeout', 'timeout', 'undelivered']);
  });

  it('a message still being retried at the deadline ends its call as undelivered, and is never sent after it', async () => {
    clock = Date.parse('2026-12-01T08:00:00+08:00');
    refused.clear();
    const drawId = await drawn('P-UNDELIVERED-3');
    const unlucky = seats((await t.ctx.roster.read(drawId)).roster)[2]!;
    failing.add(phoneOf(unlucky.expertId));
    expect(await t.ctx.calls.tick()).toMatchObject({ sent: 4, retried: 1, failed: 0 });
    // Past the deadline with the message still pending: undelivered, not a timeout; the retries stop with the call.
    const records = await pastDeadline(drawId, unlucky.messageId);
    expect(records.find((e) => e.payload['messageId'] === unlucky.messageId)!.payload['outcome']).toBe('undelivered');
    const batch = await t.ctx.outbox.batch(unlucky.messageId.slice(2, unlucky.messageId.lastIndexOf('.')));
    expect(batch!.messages.find((m) => m.messageId === unlucky.messageId)).toMatchObject({ state: 'failed', lastReason: 'stopped: the call ended' });
    failing.clear();
    const tried = received.filter((r) => r.messageId === unlucky.messageId).length;
    clock = Date.parse('2026-12-01T08:30:00+08:00');
    await t.ctx.calls.tick();
    expect(received.filter((r) => r.messageId === unlucky.messageId)).toHaveLength(tried);
  });

  it('a draw caught up in the last minute before bid opening sends no call past its deadline, and records no timeout', async () => {
    // Back from downtime at 09:59:30, half a minute before the 10:00 opening: calls end at 09:59, so every call is
    // placed past its own deadline. None is sent; each ends undelivered, counted against nobody, its seat unfilled.
    refused.clear();
    failing.clear();
    clock = Date.parse('2026-12-01T08:00:00+08:00');
    await registerProject(t, op, { id: 'P-UNDELIVERED-LATE', bidOpeningAt: '2026-12-01T10:00:00+08:00' });
    clock = Date.parse('2026-12-01T09:59:30+08:00');
    const drawId = (await t.ctx.draws.run('P-UNDELIVERED-LATE', 'immediate', op)).drawId;
    const placed = seats((await t.ctx.roster.read(drawId)).roster);
    const sentBefore = received.length;
    const from = await t.ctx.store.logSize();
    // The delivery pass first (as when a new batch wakes it before the timeout pass runs): nothing goes out.
    expect(await t.ctx.outbox.dispatch()).toMatchObject({ sent: 0, failed: placed.length, undeliveredDraws: [drawId] });
    await t.ctx.calls.tick();
    expect(received.length).toBe(sentBefore);
    const logged = await loggedSince(from);
    expect(logged.filter((e) => e.type === 'call.delivery').map((e) => [e.payload['ok'], e.payload['reason']])).toEqual(placed.map(() => [false, 'expired before it could be sent']));
    const { roster } = await t.ctx.roster.read(drawId);
    expect(roster.calls.filter((c) => placed.some((p) => p.messageId === c.messageId)).map((c) => c.state)).toEqual(placed.map(() => 'undelivered'));
    const ours = logged.filter((e) => e.payload['drawId'] === drawId);
    expect(ours.filter((e) => e.type === 'record.call').map((e) => e.payload['outcome'])).toEqual(placed.map(() => 'undelivered'));
    expect(ours.some((e) => e.type === 'call.timeout')).toBe(false);
  });
});
