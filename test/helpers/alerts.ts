// A small history for the early-warning tests (route and browser): eight disclosed draws of one five-expert specialty
// (every expert on every panel), four for one tenderer early in November 2026, four for another at its end, in which
// one expert declines every call. The policy file lowers the thresholds so that eight draws can reach them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import type { Built } from '../helper.js';
import { sentMessages, tokenOf } from './calls.js';

export const ALERTS_SPECIALTY = 'C990101';
export const alertsPool = generatePool({ size: 5, seed: 'alerts-route', fixed: [{ code: ALERTS_SPECIALTY, members: 5 }] });
export const EARLY = syntheticUscc(9701);
export const LATE = syntheticUscc(9702);
export const AGENCY = syntheticUscc(9703);
/** The expert who declines every call of the late tenderer. */
export const DECLINER = alertsPool.experts[2]!.id;
/** After the eight draws: where the windows end. */
export const ALERTS_AT = '2026-12-01T00:00:00+08:00';

// Thresholds a handful of draws can reach (the defaults need a year of them), and a specialty of five that seats all
// five every time (no alternates, no caps, no employer rule): the policy file of this centre.
export const ALERTS_POLICY = {
  maxPerEmployerPerPanel: 5,
  alternatesPerGroup: 0,
  frequency: { maxDraws: 100, maxDrawsSameTenderer: 100 },
  alerts: {
    declineCluster: { alpha: 0.1, minDeclines: 2 },
    coSeating: { alpha: 0.1, minTogether: 2 },
    agencyRepeat: { alpha: 0.1, minSeated: 2 },
    acceptanceDrop: { alpha: 0.1, periodDays: 10, baselineDays: 30, minDrop: 0.1, minCalls: 10 },
  },
};

/** A policy file with ALERTS_POLICY, and how to remove it. */
export function alertsPolicyFile(): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-alerts-'));
  const file = join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify(ALERTS_POLICY));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const op: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };

/** The history, over an app whose clock `setClock` moves. Returns the early and late draws. */
export async function alertsHistory(t: Built, setClock: (ms: number) => void): Promise<{ early: string[]; late: string[] }> {
  await t.ctx.pool.import(alertsPool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  const early: string[] = [];
  const late: string[] = [];
  for (let i = 0; i < 4; i++) {
    const opening = `2026-11-0${i + 2}T10:00:00+08:00`;
    const id = `P-ALERT-E${i}`;
    early.push(await drawAndAnswer(t, setClock, id, EARLY, opening, () => false));
    await disclose(t, setClock, early[i]!, id, opening);
  }
  for (let i = 0; i < 4; i++) {
    const opening = `2026-11-2${i + 5}T10:00:00+08:00`;
    const id = `P-ALERT-L${i}`;
    late.push(await drawAndAnswer(t, setClock, id, LATE, opening, (e) => e === DECLINER));
    await disclose(t, setClock, late[i]!, id, opening);
  }
  setClock(Date.parse(ALERTS_AT));
  return { early, late };
}

/** Registers, draws and calls a project opening at `opening`; `decline` declines its call, everyone else accepts. */
export async function drawAndAnswer(t: Built, setClock: (ms: number) => void, id: string, tenderer: string, opening: string, decline: (expertId: string) => boolean): Promise<string> {
  setClock(Date.parse(opening) - 4 * 3_600_000);
  const reg = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: { id, tenderer, agency: AGENCY, bidOpeningAt: opening, region: '330106', groups: [{ specialty: ALERTS_SPECIALTY, count: 5 }] } });
  expect(reg.statusCode, reg.body).toBe(201);
  const drawn = await t.app.inject({ method: 'POST', url: `/v1/projects/${id}/draw`, headers: t.auth('operator') });
  expect(drawn.statusCode, drawn.body).toBe(201);
  const drawId = drawn.json().drawId as string;
  const { roster } = await t.ctx.roster.read(drawId);
  expect(roster.calls).toHaveLength(5);
  const expertOf = new Map(roster.calls.map((c) => [c.messageId, c.expertId]));
  for (const m of (await sentMessages(t)).filter((x) => expertOf.has(x.messageId))) {
    const answer = decline(expertOf.get(m.messageId)!) ? 'decline' : 'accept';
    const res = await t.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(m.responseUrl!)}`, payload: { answer } });
    expect(res.statusCode, res.body).toBe(200);
  }
  return drawId;
}

async function disclose(t: Built, setClock: (ms: number) => void, drawId: string, projectId: string, opening: string): Promise<void> {
  setClock(Date.parse(opening) + 5 * 60_000);
  for (const who of [op, sup]) await t.ctx.roster.approveUnseal(drawId, projectId, opening, who);
  await t.ctx.disclosure.disclose(drawId, op);
}
