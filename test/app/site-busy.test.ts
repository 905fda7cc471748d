// A remote site knows its experts by name (its results are sealed to it). When one of them accepts the site's call
// while seated at another evaluation that day, the seat passes on (`call.busy`), but the site is told only that the
// call was declined: in its project's story and in its draw's progress. The centre's staff, who know nobody's name,
// see it as it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticUscc } from '../../src/pool/generator.js';
import { seats } from '../../src/roster/roster.js';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool, sentMessages, SPECIALTY, tokenOf } from '../helpers/calls.js';
import { installCa, testCa } from '../helpers/sites.js';

const OPENING = '2026-12-01T14:00:00+08:00';
let t: Built;
let siteDraw = '';
let busyExpert = '';

beforeAll(async () => {
  t = await build({}, { now: () => Date.parse('2026-12-01T08:00:00+08:00') });
  const ca = testCa();
  installCa(t, ca.ca);
  await t.ctx.sites.register(ca.issue('site-k').certPem, { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  // Eleven experts for five seats: two panels of the same day mostly share someone.
  await importPool(t, 'site-busy', 11);
  const site = t.auth('site', { site: 'site-k' });
  const registered = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: site, payload: { id: 'P-SITE-BUSY', tenderer: syntheticUscc(9801), bidOpeningAt: OPENING, region: '330106', groups: [{ specialty: SPECIALTY, count: 5 }] } });
  expect(registered.statusCode, registered.body).toBe(201);
  const drawn = await t.app.inject({ method: 'POST', url: '/v1/projects/P-SITE-BUSY/draw', headers: site });
  expect(drawn.statusCode, drawn.body).toBe(201);
  siteDraw = drawn.json().drawId as string;
  const siteSeats = new Set(seats((await t.ctx.roster.read(siteDraw)).roster).map((c) => c.expertId));
  // The centre's morning panels of the same day, accepted, until one shares an expert with the site's.
  for (let n = 0; n < 4 && busyExpert === ''; n++) {
    const morning = await drawnCalls(t, `P-CENTRE-AM-${n}`, { bidOpeningAt: '2026-12-01T09:00:00+08:00' });
    const { roster } = await t.ctx.roster.read(morning.drawId);
    busyExpert = seats(roster).find((c) => siteSeats.has(c.expertId))?.expertId ?? '';
    for (const link of morning.links) await t.ctx.roster.respond(tokenOf(link), true);
  }
  expect(busyExpert).not.toBe('');
  // The shared expert accepts the site's call: passed on, as busy.
  const { roster } = await t.ctx.roster.read(siteDraw);
  const call = roster.calls.find((c) => c.expertId === busyExpert && c.state === 'calling')!;
  const link = (await sentMessages(t)).find((m) => m.messageId === call.messageId)!.responseUrl!;
  expect((await t.ctx.roster.respond(tokenOf(link), true)).state).toBe('busy');
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('an expert of a site seated elsewhere that day', () => {
  it('reads as declined to the site, in the story and the progress, and as busy to the centre', async () => {
    const story = async (headers: { authorization: string }) => ((await t.app.inject({ url: '/v1/projects/P-SITE-BUSY/timeline', headers })).json() as { events: Array<{ type: string; detail?: { outcome?: string; because?: string } }> }).events;
    const siteStory = await story(t.auth('site', { site: 'site-k' }));
    const centreStory = await story(t.auth('operator'));
    expect(centreStory.some((e) => e.type === 'call.busy')).toBe(true);
    expect(centreStory.some((e) => e.type === 'record.call' && e.detail?.outcome === 'busy')).toBe(true);
    expect(siteStory.some((e) => e.type === 'call.busy' || e.detail?.outcome === 'busy')).toBe(false);
    // The seat passed on names its reason: busy to the centre, declined to the site (an outside audit read it there).
    const passedOn = (events: typeof siteStory) => events.filter((e) => e.type === 'seat.promoted' || e.type === 'seat.unfilled').map((e) => e.detail?.because);
    expect(passedOn(centreStory)).toContain('busy');
    expect(passedOn(siteStory)).toHaveLength(passedOn(centreStory).length);
    expect(passedOn(siteStory)).not.toContain('busy');
    expect(JSON.stringify(siteStory)).not.toContain('busy');
    expect(siteStory.filter((e) => e.type === 'call.declined')).toHaveLength(centreStory.filter((e) => e.type === 'call.declined' || e.type === 'call.busy').length);
    const progress = async (headers: { authorization: string }) => (await t.app.inject({ url: `/v1/draws/${siteDraw}`, headers })).json() as { calls: Record<string, number>; callsByGroup: Array<{ busy: number; declined: number }> };
    const seenBySite = await progress(t.auth('site', { site: 'site-k' }));
    const seenByCentre = await progress(t.auth('operator'));
    expect(seenByCentre.callsByGroup[0]!.busy).toBe(1);
    expect(seenBySite.callsByGroup[0]).toMatchObject({ busy: 0, declined: seenByCentre.callsByGroup[0]!.declined + 1 });
    expect(seenBySite.calls.busy).toBe(0);
  });
});
