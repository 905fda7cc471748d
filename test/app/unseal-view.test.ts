// The draw view's `unseal` object (GET /v1/draws/{id} and the listing): which approvals count — by role and time only,
// never an expert or an account — as they come in, as they lapse after the approval window, and once the list is opened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { importPool, SPECIALTY } from '../helpers/calls.js';
import { person, type Person } from '../helpers/people.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { UNSEAL_WINDOW_MS } from '../../src/services/roster.service.js';

let t: Built;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
let operator: Person;
let supervisor: Person;
let drawId = '';
const OPENING = '2026-12-01T09:00:00+08:00';

const status = async () => {
  const res = await t.app.inject({ url: `/v1/draws/${drawId}`, headers: operator.auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const listed = async () => {
  const res = await t.app.inject({ url: '/v1/draws?state=drawn', headers: supervisor.auth });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as Array<{ drawId: string; unseal: unknown }>).find((d) => d.drawId === drawId)!.unseal;
};
const approve = (who: Person) => t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers: who.auth });

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  await importPool(t, 'unseal-view', 30);
  operator = await person(t, 'operator');
  supervisor = await person(t, 'supervisor');
  const project = { id: 'P-UNSEAL-VIEW', tenderer: syntheticUscc(9801), bidOpeningAt: OPENING, region: '330106', groups: [{ specialty: SPECIALTY, count: 5 }] };
  expect((await t.app.inject({ method: 'POST', url: '/v1/projects', headers: operator.auth, payload: project })).statusCode).toBe(201);
  const draw = await t.app.inject({ method: 'POST', url: '/v1/projects/P-UNSEAL-VIEW/draw', headers: operator.auth });
  expect(draw.statusCode, draw.body).toBe(201);
  drawId = draw.json().drawId;
}, 60_000);
afterAll(async () => {
  await t.close();
});

describe('the draw view’s unseal', () => {
  it('is empty and sealed right after the draw, on the status and in the listing', async () => {
    expect((await status()).unseal).toEqual({ approvals: [], openedAt: null });
    expect(await listed()).toEqual({ approvals: [], openedAt: null });
  });

  it('stays empty when an approval is refused before bid opening', async () => {
    expect((await approve(operator)).json().error.code).toBe('SEALED');
    expect((await status()).unseal).toEqual({ approvals: [], openedAt: null });
  });

  it('shows an approval by role and time, and drops it once the window has passed', async () => {
    clock = Date.parse('2026-12-01T09:05:00+08:00');
    expect((await approve(operator)).json().unsealed).toBe(false);
    const first = { role: 'operator', at: new Date(clock).toISOString() };
    expect((await status()).unseal).toEqual({ approvals: [first], openedAt: null });
    expect(await listed()).toEqual({ approvals: [first], openedAt: null });
    // One millisecond inside the window it still counts; past it, it no longer does (the API would not count it).
    clock += UNSEAL_WINDOW_MS;
    expect((await status()).unseal.approvals).toEqual([first]);
    clock += 1;
    expect((await status()).unseal).toEqual({ approvals: [], openedAt: null });
  });

  it('shows both approvals and when the list was unsealed, and keeps them after the window', async () => {
    expect((await approve(supervisor)).json().unsealed).toBe(false);
    const sup = { role: 'supervisor', at: new Date(clock).toISOString() };
    expect((await status()).unseal).toEqual({ approvals: [sup], openedAt: null });
    clock += 60_000;
    expect((await approve(operator)).json().unsealed).toBe(true);
    const op = { role: 'operator', at: new Date(clock).toISOString() };
    const unsealed = { approvals: [sup, op], openedAt: new Date(clock).toISOString() };
    expect((await status()).unseal).toEqual(unsealed);
    clock += 2 * 3600_000;
    expect((await status()).unseal).toEqual(unsealed);
    expect(await listed()).toEqual(unsealed);
  });

  it('names no expert and no approver’s account anywhere in the draw view', async () => {
    const body = JSON.stringify(await status());
    for (const who of [operator, supervisor]) {
      expect(body).not.toContain(who.userId);
      expect(body).not.toContain(who.username);
    }
    const pool = generatePool({ size: 30, seed: 'unseal-view', fixed: [{ code: SPECIALTY, members: 30 }] });
    pool.experts.forEach((e, i) => {
      expect(body).not.toContain(e.id);
      expect(body).not.toContain(syntheticPersonal(i).name);
    });
  });
});
