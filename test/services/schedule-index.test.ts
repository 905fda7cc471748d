// The scheduler reads only projects whose draw is ahead or running: the schedule index, kept in each project's own
// transaction, never the list of every project ever registered. Data written before the index existed is indexed at
// start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { schedule } from '../../src/records/projects.js';
import { build, type Built } from '../helper.js';
import { listingStore } from '../helpers/listing-store.js';

const PROJECT_SCHEDULE = schedule.collection;

let t: Built;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const listed: string[] = [];
const op: TokenClaims = { sub: 'op', role: 'operator', iat: 0, exp: 0 };
const pool = generatePool({ size: 60, seed: 'schedule-index', fixed: [{ code: 'C990101', members: 40 }] });


const register = (id: string, bidOpeningAt: string) =>
  t.ctx.projects.register(
    {
      project: { id, tenderer: syntheticUscc(9601), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt, region: '330106' },
      request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
      name: null,
      venue: null,
      leadTimeMinutes: undefined,
    },
    op,
  );

beforeAll(async () => {
  t = await build({}, { now: () => clock, wrapStore: (s) => listingStore(s, listed) });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
});
afterAll(async () => {
  await t.close();
});

describe('the schedule index', () => {
  it('holds exactly the projects whose draw is ahead or running, and the tick lists nothing else', async () => {
    await register('P-IDX-DRAWN', '2026-12-01T09:00:00+08:00');
    await register('P-IDX-LATER', '2026-12-01T15:00:00+08:00');
    await register('P-IDX-CANCEL', '2026-12-01T15:00:00+08:00');
    await t.ctx.projects.cancel('P-IDX-CANCEL', '招标人撤回', op);
    clock = Date.parse('2026-12-01T08:00:00+08:00');
    listed.length = 0;
    expect((await t.ctx.scheduler.tick()).drawn).toEqual(['P-IDX-DRAWN']);
    expect(listed).not.toContain('projects');
    expect(listed).toContain(PROJECT_SCHEDULE);
    expect((await t.ctx.projects.active()).map((e) => e.id)).toEqual(['P-IDX-LATER']);
  });

  it('indexes at start a project written before the index existed, and draws it on time', async () => {
    await register('P-IDX-OLD', '2026-12-01T15:30:00+08:00');
    // As an older version left it: the project record without its schedule entry.
    await t.ctx.store.appendLog({ start: await t.ctx.store.logSize(), entries: [], nodes: [], writes: [{ collection: PROJECT_SCHEDULE, key: 'P-IDX-OLD', value: null }], expects: [] });
    expect((await t.ctx.projects.active()).map((e) => e.id)).not.toContain('P-IDX-OLD');
    expect(await t.ctx.projects.indexSchedule()).toBe(1);
    expect(await t.ctx.projects.indexSchedule()).toBe(0);
    clock = Date.parse('2026-12-01T14:30:00+08:00');
    expect((await t.ctx.scheduler.tick()).drawn.sort()).toEqual(['P-IDX-LATER', 'P-IDX-OLD']);
    expect(await t.ctx.projects.active()).toEqual([]);
  });
});
