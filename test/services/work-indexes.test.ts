// The call worker's passes read small indices, never every record ever written: pending messages (outbox-due), rosters
// with an open call (roster-deadlines), draws whose roster is not written yet (draws-unrostered) and draws with an
// accepted call not checked in yet (no-show-watch). A draw whose calls could not be placed with its result is caught
// up through that index.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { awaitingRoster } from '../../src/records/draws.js';
import { outboxDue } from '../../src/records/outbox.js';
import { rosterDeadlines } from '../../src/records/rosters.js';
import { noShowWatch } from '../../src/records/performance.js';
import { build, type Built } from '../helper.js';
import { listingStore } from '../helpers/listing-store.js';

const ROSTER_DEADLINES = rosterDeadlines.collection;
const UNROSTERED = awaitingRoster.collection;
const OUTBOX_DUE = outboxDue.collection;
const NO_SHOW_WATCH = noShowWatch.collection;

let t: Built;
let clock = Date.parse('2026-12-01T08:00:00+08:00');
const listed: string[] = [];
const op: TokenClaims = { sub: 'op', role: 'operator', iat: 0, exp: 0 };
const pool = generatePool({ size: 60, seed: 'work-indexes', fixed: [{ code: 'C990101', members: 40 }] });


const register = (id: string) =>
  t.ctx.projects.register(
    {
      project: { id, tenderer: syntheticUscc(9701), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106' },
      request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
      name: null,
      venue: '3号评标室',
      leadTimeMinutes: undefined,
    },
    op,
  );
const keys = async (collection: string) => (await t.ctx.store.listRecords(collection)).map((r) => r.key);

beforeAll(async () => {
  t = await build({}, { now: () => clock, wrapStore: (s) => listingStore(s, listed) });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  // The first pass of a process looks at every draw once (data from before the indices); the passes below do not.
  await t.ctx.calls.tick();
});
afterAll(async () => {
  await t.close();
});

describe("the call worker's indices", () => {
  it('hold the pending messages and open rosters only, and the passes list nothing else', async () => {
    await register('P-WORK-1');
    const { drawId } = await t.ctx.draws.run('P-WORK-1', 'immediate', op);
    expect(await keys(UNROSTERED)).toEqual([]);
    expect(await keys(ROSTER_DEADLINES)).toEqual([drawId]);
    // One batch for the draw's five calls.
    expect(await keys(OUTBOX_DUE)).toHaveLength(1);

    listed.length = 0;
    expect(await t.ctx.calls.tick()).toMatchObject({ started: 0, expired: 0, sent: 5 });
    expect(listed.sort()).toEqual([OUTBOX_DUE, ROSTER_DEADLINES, UNROSTERED, NO_SHOW_WATCH].sort());
    expect(await keys(OUTBOX_DUE)).toEqual([]);

    // Every call answered: the roster has no open call and leaves the deadline index.
    for (const m of await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'))) await t.ctx.roster.respond(m.responseUrl!.split('/').pop()!, true);
    expect(await keys(ROSTER_DEADLINES)).toEqual([]);
    // Accepted and not yet checked in: watched for no-shows until bid opening's day ends.
    expect(await keys(NO_SHOW_WATCH)).toEqual([drawId]);
  });

  it("catches up a draw whose calls were not placed with its result, through the index, and times out calls through the other", async () => {
    await register('P-WORK-2');
    // The calls cannot be prepared with the result: the draw stands, marked for the catch-up.
    const opening = t.ctx.roster.opening.bind(t.ctx.roster);
    t.ctx.roster.opening = () => {
      throw new Error('the calls could not be prepared');
    };
    let drawId: string;
    try {
      ({ drawId } = await t.ctx.draws.run('P-WORK-2', 'immediate', op));
    } finally {
      t.ctx.roster.opening = opening;
    }
    expect(await keys(UNROSTERED)).toEqual([drawId]);
    expect(await t.ctx.store.getRecord('rosters', drawId)).toBeNull();

    listed.length = 0;
    expect(await t.ctx.calls.tick()).toMatchObject({ started: 1, sent: 5 });
    expect(listed).not.toContain('draws');
    expect(await keys(UNROSTERED)).toEqual([]);
    expect((await t.ctx.roster.summary(drawId))).toMatchObject({ calling: 5 });

    // Nobody answers: past the deadline the five calls time out, and the alternates are called.
    clock += 16 * 60_000;
    expect(await t.ctx.calls.tick()).toMatchObject({ expired: 5 });
    expect(await keys(ROSTER_DEADLINES)).toEqual([drawId]);
  });
});
