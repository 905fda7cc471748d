// A drawn project whose selected experts have been called: the answer links they were sent, in seat order. For the
// tests of the answer page (routes, logs, browser).
import { join } from 'node:path';
import { expect } from 'vitest';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import type { Built } from '../helper.js';

export const SPECIALTY = 'C990101';

/** A pool with `members` experts of SPECIALTY, imported into the app. */
export async function importPool(t: Built, seed: string, members = 30): Promise<void> {
  const pool = generatePool({ size: members, seed, fixed: [{ code: SPECIALTY, members }] });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
}

/** Every message the development adapter has sent so far. */
export async function sentMessages(t: Built) {
  await t.ctx.calls.tick();
  return readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'));
}

/**
 * Registers and draws a project (five seats, the given opening and venue) and places its calls. Returns the draw and
 * the answer links of the five selected experts, seat 0 first.
 */
export async function drawnCalls(t: Built, id: string, options: { bidOpeningAt: string; venue?: string }): Promise<{ drawId: string; links: string[] }> {
  const op = t.auth('operator', { subject: 'op-calls' });
  const project = { id, tenderer: syntheticUscc(9601), agency: syntheticUscc(9602), bidOpeningAt: options.bidOpeningAt, region: '330106', ...(options.venue ? { venue: options.venue } : {}), groups: [{ specialty: SPECIALTY, count: 5 }] };
  const reg = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: op, payload: project });
  expect(reg.statusCode, reg.body).toBe(201);
  const draw = await t.app.inject({ method: 'POST', url: `/v1/projects/${id}/draw`, headers: op });
  expect(draw.statusCode, draw.body).toBe(201);
  const drawId = draw.json().drawId as string;
  const { roster } = await t.ctx.roster.read(drawId);
  const seatOf = new Map(roster.calls.map((c) => [c.messageId, c.seat]));
  const mine = (await sentMessages(t)).filter((m) => seatOf.has(m.messageId));
  expect(mine).toHaveLength(5);
  return { drawId, links: mine.sort((a, b) => seatOf.get(a.messageId)! - seatOf.get(b.messageId)!).map((m) => m.responseUrl!) };
}

/** The token at the end of an answer link. */
export const tokenOf = (link: string) => new URL(link).pathname.split('/').pop()!;

/**
 * Everyone called declines, the alternates and top-ups called in turn included, until nobody is left to call; only
 * the messages `which` picks (all by default). Answers the links answered.
 */
export async function declineAll(t: Built, which: (text: string) => boolean = () => true): Promise<Set<string>> {
  const answered = new Set<string>();
  for (let round = 0; round < 10; round++) {
    const open = (await sentMessages(t)).filter((m) => m.responseUrl !== null && !answered.has(m.responseUrl) && which(m.text));
    if (open.length === 0) break;
    for (const m of open) {
      answered.add(m.responseUrl!);
      await t.ctx.roster.respond(tokenOf(m.responseUrl!), false);
    }
  }
  return answered;
}

/** The expert accepts their open call of the draw through its link (a desk checks in only an accepted call). */
export async function acceptSeat(t: Built, drawId: string, expertId: string): Promise<void> {
  const { roster } = await t.ctx.roster.read(drawId);
  const call = roster.calls.find((c) => c.expertId === expertId && c.state === 'calling');
  if (!call) throw new Error(`${expertId} has no open call in ${drawId}`);
  const link = (await sentMessages(t)).find((m) => m.messageId === call.messageId)?.responseUrl;
  if (!link) throw new Error(`no message with a link was sent for ${call.messageId}`);
  expect((await t.ctx.roster.respond(tokenOf(link), true)).state).toBe('accepted');
}
