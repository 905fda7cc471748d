// Route by route: an operator, a pool manager and an admin cannot learn who was drawn in a sealed draw. Every route of
// the OpenAPI document is called by each of them with the draw's own ids; no answer carries a drawn expert's name,
// phone or ID number, and no answer outside the pool's own routes names a drawn expert at all. Twice: for a centre
// draw, and for a remote site's draw (whose seal also holds the ranked experts' names and ID numbers, for the site).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { installCa, testCa } from '../helpers/sites.js';

let t: Built;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const pool = generatePool({ size: 120, seed: 'sealed-identities', fixed: [{ code: 'C990101', members: 50 }] });
/** The sealed draws: a centre project's, and site-a's. */
const targets: Array<{ projectId: string; drawId: string; drawn: string[] }> = [];
let token = '';
// Made before the app runs: generating RSA keys blocks the event loop.
const ca = testCa();
const siteA = ca.issue('site-a').certPem;

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  installCa(t, ca.ca);
  await t.ctx.sites.register(siteA, { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  for (const [id, headers] of [
    ['P-SEAL', t.auth('operator')],
    ['P-SEAL-SITE', t.auth('site', { site: 'site-a' })],
  ] as const) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers,
      payload: { id, tenderer: syntheticUscc(9101), agency: null, bidOpeningAt: '2026-12-01T09:00:00+08:00', region: '330106', venue: '2号评标室', groups: [{ specialty: 'C990101', count: 5 }] },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  clock = Date.parse('2026-12-01T08:00:00+08:00');
  await t.ctx.scheduler.tick();
  await t.ctx.calls.tick();
  for (const projectId of ['P-SEAL', 'P-SEAL-SITE']) {
    const drawId = (await t.ctx.projects.get(projectId)).record.drawId!;
    targets.push({ projectId, drawId, drawn: (await t.ctx.roster.read(drawId)).roster.groups[0]!.ranking.slice() });
  }
  expect((await t.ctx.draws.get(targets[1]!.drawId)).site).toBe('site-a');
  const messages = await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'));
  token = messages[0]!.responseUrl!.split('/').pop()!;
  // After bid opening, but nobody has approved the unseal: the list is still sealed.
  clock = Date.parse('2026-12-01T09:30:00+08:00');
});
afterAll(async () => {
  await t.close();
});

describe('a sealed draw, route by route', () => {
  for (const role of ['operator', 'pool-manager', 'admin'] as const) {
    it(`${role}: no route names a drawn expert, of a centre draw or of a site's`, async () => {
      for (const { projectId, drawId, drawn } of targets) {
        const doc = t.app.swagger() as unknown as { paths: Record<string, Record<string, unknown>> };
        const secrets = drawn.flatMap((id) => {
          const p = syntheticPersonal(pool.experts.findIndex((e) => e.id === id));
          return [p.name, p.phone, p.idNumber];
        });
        let calls = 0;
        for (const [path, ops] of Object.entries(doc.paths)) {
          for (const method of Object.keys(ops)) {
            const poolRoute = path.startsWith('/v1/experts');
            const idOf = path.startsWith('/v1/draws') ? drawId : path.startsWith('/v1/sites') ? 'site-a' : projectId;
            const urls = path.includes('{id}') && poolRoute ? drawn.slice(0, 3).map((id) => path.replace('{id}', id)) : [path.replace('{id}', idOf).replace('{code}', syntheticUscc(9101)).replace('{token}', token)];
            for (const url of urls) {
              const res = await t.app.inject({ method: method.toUpperCase() as 'GET', url, headers: t.auth(role) });
              calls++;
              for (const s of secrets) expect(res.body, `${method} ${url} as ${role}`).not.toContain(s);
              // The pool's own routes list every expert alike; every other answer must not name a drawn one.
              if (!poolRoute) for (const id of drawn) expect(res.body, `${method} ${url} as ${role}`).not.toContain(id);
            }
          }
        }
        expect(calls).toBeGreaterThan(20);
      }
    });
  }

  it('even the routes that do reveal refuse while sealed', async () => {
    const { drawId } = targets[0]!;
    const panel = await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/panel`, headers: t.auth('operator') });
    expect(panel.json().error.code).toBe('SEALED');
    const proof = await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/proof`, headers: t.auth('operator') });
    expect(proof.json().error.code).toBe('SEALED');
    for (const role of ['pool-manager', 'admin'] as const) {
      expect((await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/panel`, headers: t.auth(role) })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth(role), payload: { projectId: 'P-SEAL', idNumber: syntheticPersonal(0).idNumber } })).statusCode).toBe(403);
    }
  });
});
