// The recusal engine: one case per exclusion code (domain.md rules 1–7), boundaries, ordering, panel rules, history index.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORG_ROLES, type Expert, type ExpertInput } from '../../src/domain/expert.js';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/policy.js';
import type { Project } from '../../src/domain/project.js';
import {
  EXCLUSION_CODES,
  PanelState,
  conflictContext,
  expertExclusions,
  recusalReasons,
  type ExclusionCode,
  type PanelMember,
} from '../../src/draw/conflicts.js';
import { EMPTY_HISTORY, HistoryEntry, HistoryPrunedError, indexHistory, type HistoryIndex } from '../../src/draw/history.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { ORG, makeExpert, makePolicy, makeProject } from '../helpers/fixtures.js';

const DAY_MS = 86_400_000;
const BID_OPENING = '2026-12-01T09:00:00+08:00';
const REF_MS = Date.parse(BID_OPENING);

/** An instant `days` days (and `extraMs` ms) before the default bid opening, as an ISO date-time in UTC. */
const before = (days: number, extraMs = 0) => new Date(REF_MS - days * DAY_MS - extraMs).toISOString();

/** History for one expert from [at, tenderer] pairs, each entry checked against the HistoryEntry schema. */
function historyOf(expertId: string, entries: ReadonlyArray<readonly [string, string]>): HistoryIndex {
  return indexHistory(entries.map(([at, tenderer]) => HistoryEntry.parse({ expertId, at, tenderer })));
}

function exclusions(
  expert: Expert,
  opts: { project?: Project; policy?: Policy; history?: HistoryIndex } = {},
): readonly ExclusionCode[] {
  return expertExclusions(expert, conflictContext(opts.project ?? makeProject(), opts.policy ?? DEFAULT_POLICY, opts.history ?? EMPTY_HISTORY));
}

const PARTIES = [
  ['tenderer', ORG.tenderer, 'EMPLOYER_IS_TENDERER'],
  ['agency', ORG.agency, 'EMPLOYER_IS_AGENCY'],
  ['bidder', ORG.bidder, 'EMPLOYER_IS_BIDDER'],
  ['avoided organisation', ORG.avoided, 'EMPLOYER_IS_AVOIDED'],
] as const;

const position = (org: string, until: string | null, holder: 'self' | 'relative' = 'self', role: (typeof ORG_ROLES)[number] = 'employee') =>
  ({ kind: 'org', holder, role, org, until }) as const;

describe('EXCLUSION_CODES', () => {
  it('is the closed, ordered set of 15 codes, rule 7 last', () => {
    expect(EXCLUSION_CODES).toHaveLength(15);
    expect(new Set(EXCLUSION_CODES).size).toBe(15);
    expect(EXCLUSION_CODES.slice(-2)).toEqual(['RELATIVE_ON_PANEL', 'EMPLOYER_CAP_ON_PANEL']);
  });
});

describe('conflictContext', () => {
  it('derives the reference date, window start and frequency windows from the bid opening', () => {
    const ctx = conflictContext(makeProject(), DEFAULT_POLICY, EMPTY_HISTORY);
    expect(ctx.refDate).toBe('2026-12-01');
    expect(ctx.refMs).toBe(REF_MS);
    expect(ctx.windowStart).toBe('2023-12-01');
    expect(ctx.frequencySinceMs).toBe(REF_MS - 30 * DAY_MS);
    expect(ctx.tendererSinceMs).toBe(REF_MS - 365 * DAY_MS);
    expect(ctx.maxDraws).toBe(6);
    expect(ctx.maxDrawsSameTenderer).toBe(3);
    expect(ctx.tenderer).toBe(ORG.tenderer);
  });

  it('refuses a pruned history whose selections start after either frequency window, and reads one that covers both', () => {
    const history = historyOf('E00000001', [[before(400), ORG.tenderer], [before(10), ORG.tenderer]]);
    history.prune(REF_MS - 365 * DAY_MS + 1);
    expect(() => conflictContext(makeProject(), DEFAULT_POLICY, history)).toThrow(HistoryPrunedError);
    const covering = historyOf('E00000001', [[before(400), ORG.tenderer], [before(10), ORG.tenderer]]);
    expect(covering.prune(REF_MS - 365 * DAY_MS)).toBe(1);
    expect(conflictContext(makeProject(), DEFAULT_POLICY, covering).tendererSinceMs).toBe(covering.keptFrom);
  });

  it('takes the reference date from the offset date-time’s own local date', () => {
    const ctx = conflictContext(makeProject({ bidOpeningAt: '2026-12-01T00:30:00+08:00' }), DEFAULT_POLICY, EMPTY_HISTORY);
    expect(ctx.refDate).toBe('2026-12-01');
    expect(ctx.windowStart).toBe('2023-12-01');
  });

  it('maps every party to its roles, once each', () => {
    const project = makeProject({ agency: ORG.tenderer, bidders: [ORG.bidder, ORG.bidder, ORG.tenderer], avoid: [ORG.avoided] });
    const ctx = conflictContext(project, DEFAULT_POLICY, EMPTY_HISTORY);
    expect(ctx.parties.get(ORG.tenderer)).toEqual(['tenderer', 'agency', 'bidder']);
    expect(ctx.parties.get(ORG.bidder)).toEqual(['bidder']);
    expect(ctx.parties.get(ORG.avoided)).toEqual(['avoid']);
    expect(ctx.parties.has(ORG.neutral)).toBe(false);
  });

  it('has no agency party when the tenderer runs the tender itself', () => {
    const ctx = conflictContext(makeProject({ agency: null }), DEFAULT_POLICY, EMPTY_HISTORY);
    expect(ctx.parties.has(ORG.agency)).toBe(false);
  });
});

describe('expertExclusions — no issue', () => {
  it('returns [] for an active expert with no ties', () => {
    expect(exclusions(makeExpert())).toEqual([]);
  });

  it('returns [] despite declarations and history that do not apply', () => {
    const expert = makeExpert({
      relations: [position(ORG.neutral2, null), position(ORG.tenderer, '2020-01-01'), { kind: 'relative', expertId: 'E2' }],
      unavailable: ['2026-11-30', '2026-12-02'],
    });
    const history = historyOf('E2', Array.from({ length: 10 }, (_, i) => [before(i + 1), ORG.tenderer] as const));
    expect(exclusions(expert, { history, project: makeProject({ preparedBy: ['E2'] }) })).toEqual([]);
  });

  it('returns [] for a suspension that ended before the bid-opening date', () => {
    expect(exclusions(makeExpert({ status: 'suspended', suspendedUntil: '2026-11-30' }))).toEqual([]);
  });
});

describe('rule 1: the employer is a party', () => {
  it.each(PARTIES)('employer is the %s', (_party, org, code) => {
    expect(exclusions(makeExpert({ employer: org }))).toEqual([code]);
  });

  it('flags an employer that is any of several bidders', () => {
    const project = makeProject({ bidders: [ORG.bidder, ORG.bidder2] });
    expect(exclusions(makeExpert({ employer: ORG.bidder2 }), { project })).toEqual(['EMPLOYER_IS_BIDDER']);
  });

  it('reports every part one organisation plays, in code order', () => {
    const project = makeProject({ agency: ORG.tenderer, bidders: [ORG.tenderer], avoid: [ORG.tenderer] });
    expect(exclusions(makeExpert({ employer: ORG.tenderer }), { project })).toEqual([
      'EMPLOYER_IS_TENDERER',
      'EMPLOYER_IS_AGENCY',
      'EMPLOYER_IS_BIDDER',
      'EMPLOYER_IS_AVOIDED',
    ]);
  });

  it('does not flag the former agency when the project has none', () => {
    expect(exclusions(makeExpert({ employer: ORG.agency }), { project: makeProject({ agency: null }) })).toEqual([]);
  });
});

describe('rule 2: the expert’s own position at a party within the window', () => {
  describe.each(ORG_ROLES)('role %s', (role) => {
    it.each(PARTIES)('ongoing at the %s', (_party, org) => {
      expect(exclusions(makeExpert({ relations: [position(org, null, 'self', role)] }))).toEqual(['POSITION_AT_PARTY']);
    });

    it('ended within the window, and exactly on the window start', () => {
      for (const until of ['2025-06-30', '2023-12-01']) {
        expect(exclusions(makeExpert({ relations: [position(ORG.bidder, until, 'self', role)] }))).toEqual(['POSITION_AT_PARTY']);
      }
    });

    it('ended the day before the window start', () => {
      expect(exclusions(makeExpert({ relations: [position(ORG.bidder, '2023-11-30', 'self', role)] }))).toEqual([]);
    });
  });

  it('counts a position that ends after the bid opening', () => {
    expect(exclusions(makeExpert({ relations: [position(ORG.tenderer, '2027-06-30')] }))).toEqual(['POSITION_AT_PARTY']);
  });

  it('ignores positions at organisations that are not parties', () => {
    expect(exclusions(makeExpert({ relations: [position(ORG.neutral2, null, 'self', 'director')] }))).toEqual([]);
  });

  it('follows the configured window length', () => {
    const policy = makePolicy({ relationWindowYears: 1 });
    expect(exclusions(makeExpert({ relations: [position(ORG.agency, '2025-12-01')] }), { policy })).toEqual(['POSITION_AT_PARTY']);
    expect(exclusions(makeExpert({ relations: [position(ORG.agency, '2025-11-30')] }), { policy })).toEqual([]);
  });

  it('with a 0-year window counts only positions lasting until the bid-opening date', () => {
    const policy = makePolicy({ relationWindowYears: 0 });
    expect(exclusions(makeExpert({ relations: [position(ORG.agency, '2026-12-01')] }), { policy })).toEqual(['POSITION_AT_PARTY']);
    expect(exclusions(makeExpert({ relations: [position(ORG.agency, '2026-11-30')] }), { policy })).toEqual([]);
  });

  it('measures the window from the local bid-opening date, not the UTC one', () => {
    // 2026-12-01T00:30+08:00 is 30 November in UTC; the window still starts on 2023-12-01.
    const project = makeProject({ bidOpeningAt: '2026-12-01T00:30:00+08:00' });
    expect(exclusions(makeExpert({ relations: [position(ORG.bidder, '2023-11-30')] }), { project })).toEqual([]);
    expect(exclusions(makeExpert({ relations: [position(ORG.bidder, '2023-12-01')] }), { project })).toEqual(['POSITION_AT_PARTY']);
  });

  it('handles a bid opening on 29 February (window start has no such day) for the unambiguous dates', () => {
    const project = makeProject({ bidOpeningAt: '2028-02-29T09:00:00+08:00' });
    expect(exclusions(makeExpert({ relations: [position(ORG.bidder, '2025-03-01')] }), { project })).toEqual(['POSITION_AT_PARTY']);
    expect(exclusions(makeExpert({ relations: [position(ORG.bidder, '2025-02-27')] }), { project })).toEqual([]);
  });

  it('reports the code once for several matching positions', () => {
    const relations = [position(ORG.tenderer, null), position(ORG.agency, null, 'self', 'adviser')];
    expect(exclusions(makeExpert({ relations }))).toEqual(['POSITION_AT_PARTY']);
  });
});

describe('rule 3: a close relative’s position at a party', () => {
  it.each(ORG_ROLES)('relative holds %s at the tenderer (ongoing)', (role) => {
    expect(exclusions(makeExpert({ relations: [position(ORG.tenderer, null, 'relative', role)] }))).toEqual(['RELATIVE_POSITION_AT_PARTY']);
  });

  it.each(PARTIES)('relative employed by the %s', (_party, org) => {
    expect(exclusions(makeExpert({ relations: [position(org, null, 'relative')] }))).toEqual(['RELATIVE_POSITION_AT_PARTY']);
  });

  it('uses the same window: on the start date counts, the day before does not', () => {
    expect(exclusions(makeExpert({ relations: [position(ORG.avoided, '2023-12-01', 'relative')] }))).toEqual(['RELATIVE_POSITION_AT_PARTY']);
    expect(exclusions(makeExpert({ relations: [position(ORG.avoided, '2023-11-30', 'relative')] }))).toEqual([]);
  });

  it('reports own and relative’s positions separately', () => {
    const relations = [position(ORG.bidder, null, 'relative'), position(ORG.tenderer, null, 'self')];
    expect(exclusions(makeExpert({ relations }))).toEqual(['POSITION_AT_PARTY', 'RELATIVE_POSITION_AT_PARTY']);
  });

  it('does not treat a relative in the pool as a rule 1–6 exclusion', () => {
    expect(exclusions(makeExpert({ relations: [{ kind: 'relative', expertId: 'E2' }] }))).toEqual([]);
  });
});

describe('rule 4: prepared the project', () => {
  it('flags an expert listed in preparedBy, and only that expert', () => {
    const project = makeProject({ preparedBy: ['E7', 'E1'] });
    expect(exclusions(makeExpert({ id: 'E1' }), { project })).toEqual(['PREPARED_PROJECT']);
    expect(exclusions(makeExpert({ id: 'E10' }), { project })).toEqual([]);
  });
});

describe('rule 5: status and availability', () => {
  it('an open-ended suspension excludes', () => {
    expect(exclusions(makeExpert({ status: 'suspended', suspendedUntil: null }))).toEqual(['SUSPENDED']);
    expect(exclusions(makeExpert({ status: 'suspended' }))).toEqual(['SUSPENDED']);
  });

  it('a suspension lasting until the bid-opening date or later excludes', () => {
    for (const until of ['2026-12-01', '2026-12-02', '2030-01-01']) {
      expect(exclusions(makeExpert({ status: 'suspended', suspendedUntil: until }))).toEqual(['SUSPENDED']);
    }
  });

  it('a suspension that ended the day before does not', () => {
    expect(exclusions(makeExpert({ status: 'suspended', suspendedUntil: '2026-11-30' }))).toEqual([]);
  });

  it('compares the suspension with the local bid-opening date', () => {
    // UTC date 2026-11-30, local date 2026-12-01: a suspension until 30 November has ended.
    const early = makeProject({ bidOpeningAt: '2026-12-01T00:30:00+08:00' });
    expect(exclusions(makeExpert({ status: 'suspended', suspendedUntil: '2026-11-30' }), { project: early })).toEqual([]);
    // UTC date 2026-12-01, local date 2026-11-30: a suspension until 30 November still applies.
    const west = makeProject({ bidOpeningAt: '2026-11-30T20:00:00-05:00' });
    expect(exclusions(makeExpert({ status: 'suspended', suspendedUntil: '2026-11-30' }), { project: west })).toEqual(['SUSPENDED']);
  });

  it('a stale suspendedUntil on an active expert is ignored', () => {
    expect(exclusions(makeExpert({ status: 'active', suspendedUntil: '2027-01-01' }))).toEqual([]);
  });

  it('blacklisted excludes, whatever suspendedUntil says', () => {
    expect(exclusions(makeExpert({ status: 'blacklisted' }))).toEqual(['BLACKLISTED']);
    expect(exclusions(makeExpert({ status: 'blacklisted', suspendedUntil: '2020-01-01' }))).toEqual(['BLACKLISTED']);
  });

  it('retired excludes', () => {
    expect(exclusions(makeExpert({ status: 'retired' }))).toEqual(['RETIRED']);
  });

  it('unavailable on the bid-opening date excludes; other dates do not', () => {
    expect(exclusions(makeExpert({ unavailable: ['2026-11-15', '2026-12-01'] }))).toEqual(['UNAVAILABLE']);
    expect(exclusions(makeExpert({ unavailable: ['2026-11-30', '2026-12-02'] }))).toEqual([]);
  });

  it('unavailability is read on the bid opening’s own local date', () => {
    // '2026-12-01T00:30:00+08:00' is 2026-12-01 locally although UTC is 30 November.
    const project = makeProject({ bidOpeningAt: '2026-12-01T00:30:00+08:00' });
    expect(exclusions(makeExpert({ unavailable: ['2026-12-01'] }), { project })).toEqual(['UNAVAILABLE']);
    expect(exclusions(makeExpert({ unavailable: ['2026-11-30'] }), { project })).toEqual([]);
    const west = makeProject({ bidOpeningAt: '2026-11-30T20:00:00-05:00' });
    expect(exclusions(makeExpert({ unavailable: ['2026-11-30'] }), { project: west })).toEqual(['UNAVAILABLE']);
    expect(exclusions(makeExpert({ unavailable: ['2026-12-01'] }), { project: west })).toEqual([]);
  });
});

describe('rule 6: frequency caps', () => {
  const other = ORG.neutral2;
  const days = (list: number[], tenderer: string = other) => list.map((d) => [before(d), tenderer] as const);

  it('excludes at exactly maxDraws (6) selections in 30 days', () => {
    expect(exclusions(makeExpert(), { history: historyOf('E1', days([1, 5, 10, 15, 20, 29])) })).toEqual(['FREQUENCY_CAP']);
  });

  it('does not exclude one below the cap', () => {
    expect(exclusions(makeExpert(), { history: historyOf('E1', days([1, 5, 10, 15, 20])) })).toEqual([]);
  });

  it('does not count selections outside the window', () => {
    expect(exclusions(makeExpert(), { history: historyOf('E1', days([1, 5, 10, 15, 20, 31, 60, 200])) })).toEqual([]);
  });

  it('counts a selection exactly at the window start, not one a millisecond earlier', () => {
    const five = days([1, 2, 3, 4, 5]);
    expect(exclusions(makeExpert(), { history: historyOf('E1', [...five, [before(30), other]]) })).toEqual(['FREQUENCY_CAP']);
    expect(exclusions(makeExpert(), { history: historyOf('E1', [...five, [before(30, 1), other]]) })).toEqual([]);
  });

  it('counts only the expert’s own selections', () => {
    expect(exclusions(makeExpert({ id: 'E1' }), { history: historyOf('E2', days([1, 2, 3, 4, 5, 6, 7])) })).toEqual([]);
  });

  it('follows the configured cap and window', () => {
    const policy = makePolicy({ frequency: { windowDays: 7, maxDraws: 2 } });
    expect(exclusions(makeExpert(), { policy, history: historyOf('E1', days([1, 6])) })).toEqual(['FREQUENCY_CAP']);
    expect(exclusions(makeExpert(), { policy, history: historyOf('E1', days([1, 8])) })).toEqual([]);
  });

  it('excludes at exactly maxDrawsSameTenderer (3) selections for the tenderer in 365 days', () => {
    const history = historyOf('E1', days([40, 100, 300], ORG.tenderer));
    expect(exclusions(makeExpert(), { history })).toEqual(['TENDERER_FREQUENCY_CAP']);
  });

  it('does not exclude one below the same-tenderer cap, nor count other tenderers', () => {
    const history = historyOf('E1', [...days([40, 100], ORG.tenderer), ...days([50, 60, 70, 80], ORG.agency)]);
    expect(exclusions(makeExpert(), { history })).toEqual([]);
  });

  it('does not count same-tenderer selections outside 365 days; counts one exactly at the start', () => {
    const two = days([40, 100], ORG.tenderer);
    expect(exclusions(makeExpert(), { history: historyOf('E1', [...two, [before(365, 1), ORG.tenderer]]) })).toEqual([]);
    expect(exclusions(makeExpert(), { history: historyOf('E1', [...two, [before(365), ORG.tenderer]]) })).toEqual(['TENDERER_FREQUENCY_CAP']);
  });

  it('reports both caps when both are reached', () => {
    const history = historyOf('E1', days([1, 2, 3, 4, 5, 6], ORG.tenderer));
    expect(exclusions(makeExpert(), { history })).toEqual(['FREQUENCY_CAP', 'TENDERER_FREQUENCY_CAP']);
  });

  it('reads history entry times with their offsets', () => {
    // 2026-11-01T08:59:59+08:00 is one second before the 30-day window start (2026-11-01T01:00:00Z).
    const five = days([1, 2, 3, 4, 5]);
    expect(exclusions(makeExpert(), { history: historyOf('E1', [...five, ['2026-11-01T08:59:59+08:00', other]]) })).toEqual([]);
    expect(exclusions(makeExpert(), { history: historyOf('E1', [...five, ['2026-10-31T20:00:00-05:00', other]]) })).toEqual(['FREQUENCY_CAP']);
  });
});

describe('several reasons together', () => {
  it('reports every applicable code once, in EXCLUSION_CODES order', () => {
    const project = makeProject({ agency: ORG.tenderer, bidders: [ORG.tenderer, ORG.bidder], avoid: [ORG.tenderer], preparedBy: ['E1'] });
    const expert = makeExpert({
      id: 'E1',
      employer: ORG.tenderer,
      status: 'blacklisted',
      unavailable: ['2026-12-01'],
      // Declared out of order on purpose.
      relations: [position(ORG.bidder, null, 'relative'), position(ORG.bidder, null, 'self', 'director')],
    });
    const history = historyOf('E1', days6(ORG.tenderer));
    expect(exclusions(expert, { project, history })).toEqual([
      'EMPLOYER_IS_TENDERER',
      'EMPLOYER_IS_AGENCY',
      'EMPLOYER_IS_BIDDER',
      'EMPLOYER_IS_AVOIDED',
      'POSITION_AT_PARTY',
      'RELATIVE_POSITION_AT_PARTY',
      'PREPARED_PROJECT',
      'BLACKLISTED',
      'UNAVAILABLE',
      'FREQUENCY_CAP',
      'TENDERER_FREQUENCY_CAP',
    ]);
  });

  it('property: the result is exactly the applicable codes, in EXCLUSION_CODES order, never a rule 7 code', () => {
    const conditions = fc.record({
      employerRoles: fc.subarray(['tenderer', 'agency', 'bidder', 'avoid'] as const),
      selfPosition: fc.boolean(),
      relativePosition: fc.boolean(),
      prepared: fc.boolean(),
      status: fc.constantFrom('active', 'suspended', 'blacklisted', 'retired'),
      unavailable: fc.boolean(),
      frequent: fc.boolean(),
      sameTenderer: fc.boolean(),
    });
    fc.assert(
      fc.property(conditions, (c) => {
        const employer = c.employerRoles.length > 0 ? ORG.neutral : ORG.neutral2;
        const project = makeProject({
          tenderer: c.employerRoles.includes('tenderer') ? employer : ORG.tenderer,
          agency: c.employerRoles.includes('agency') ? employer : ORG.agency,
          bidders: c.employerRoles.includes('bidder') ? [ORG.bidder, employer] : [ORG.bidder],
          avoid: c.employerRoles.includes('avoid') ? [employer] : [],
          preparedBy: c.prepared ? ['E1'] : ['E9'],
        });
        const expert = makeExpert({
          id: 'E1',
          employer,
          status: c.status,
          relations: [
            ...(c.relativePosition ? [position(ORG.bidder, '2024-01-01', 'relative')] : []),
            ...(c.selfPosition ? [position(ORG.bidder, null)] : []),
          ],
          unavailable: c.unavailable ? ['2026-12-01'] : ['2026-12-02'],
        });
        const tenderer = project.tenderer;
        const history = historyOf('E1', [
          ...(c.frequent ? [1, 2, 3, 4, 5, 6].map((d) => [before(d), ORG.avoided] as const) : []),
          ...(c.sameTenderer ? [100, 200, 300].map((d) => [before(d), tenderer] as const) : []),
        ]);
        const expected = new Set<ExclusionCode>();
        const roleCode = { tenderer: 'EMPLOYER_IS_TENDERER', agency: 'EMPLOYER_IS_AGENCY', bidder: 'EMPLOYER_IS_BIDDER', avoid: 'EMPLOYER_IS_AVOIDED' } as const;
        for (const r of c.employerRoles) expected.add(roleCode[r]);
        if (c.selfPosition) expected.add('POSITION_AT_PARTY');
        if (c.relativePosition) expected.add('RELATIVE_POSITION_AT_PARTY');
        if (c.prepared) expected.add('PREPARED_PROJECT');
        if (c.status === 'suspended') expected.add('SUSPENDED');
        if (c.status === 'blacklisted') expected.add('BLACKLISTED');
        if (c.status === 'retired') expected.add('RETIRED');
        if (c.unavailable) expected.add('UNAVAILABLE');
        if (c.frequent) expected.add('FREQUENCY_CAP');
        if (c.sameTenderer) expected.add('TENDERER_FREQUENCY_CAP');
        const actual = exclusions(expert, { project, history });
        expect(actual).toEqual(EXCLUSION_CODES.filter((code) => expected.has(code)));
      }),
      { numRuns: 300 },
    );
  });
});

function days6(tenderer: string) {
  return [1, 2, 3, 4, 5, 6].map((d) => [before(d), tenderer] as const);
}

/** Panel members with relatives made symmetric the way the pool index does it. */
function membersOf(experts: ReadonlyArray<Partial<ExpertInput> & { id: string }>): (id: string) => PanelMember {
  const index = new PoolIndex(
    experts.map((e) => makeExpert(e)),
    1,
  );
  return (id) => {
    const m = index.get(id);
    if (!m) throw new Error(`no member ${id}`);
    return { id: m.id, employer: m.employer, relatives: m.relatives };
  };
}

describe('rule 7: PanelState', () => {
  const member = membersOf([
    { id: 'A', employer: ORG.neutral, relations: [{ kind: 'relative', expertId: 'B' }] },
    { id: 'B', employer: ORG.neutral2 },
    { id: 'C', employer: ORG.bidder2 },
    { id: 'D', employer: ORG.neutral },
    { id: 'F', employer: ORG.neutral },
  ]);

  it('an empty panel has no conflict with anyone', () => {
    const panel = new PanelState(1);
    for (const id of ['A', 'B', 'C', 'D']) expect(panel.conflict(member(id))).toBeNull();
  });

  it('a relative on the panel conflicts: the declaring expert first', () => {
    const panel = new PanelState(5);
    panel.add(member('A'));
    expect(panel.conflict(member('B'))).toBe('RELATIVE_ON_PANEL');
    expect(panel.conflict(member('C'))).toBeNull();
  });

  it('a relative on the panel conflicts: the declared relative first', () => {
    const panel = new PanelState(5);
    panel.add(member('B'));
    expect(panel.conflict(member('A'))).toBe('RELATIVE_ON_PANEL');
    expect(panel.conflict(member('D'))).toBeNull();
  });

  it('with maxPerEmployer 1 a second expert of the same employer conflicts', () => {
    const panel = new PanelState(1);
    panel.add(member('D'));
    expect(panel.conflict(member('F'))).toBe('EMPLOYER_CAP_ON_PANEL');
    expect(panel.conflict(member('C'))).toBeNull();
  });

  it('with maxPerEmployer 2 the second is allowed and the third conflicts', () => {
    const panel = new PanelState(2);
    panel.add(member('D'));
    expect(panel.conflict(member('F'))).toBeNull();
    panel.add(member('F'));
    expect(panel.conflict(member('A'))).toBe('EMPLOYER_CAP_ON_PANEL');
    expect(panel.conflict(member('C'))).toBeNull();
  });

  it('reports the relative before the employer cap when both apply', () => {
    const panel = new PanelState(1);
    panel.add(member('A'));
    const sameEmployerRelative: PanelMember = { id: 'G', employer: ORG.neutral, relatives: ['A'] };
    expect(panel.conflict(sameEmployerRelative)).toBe('RELATIVE_ON_PANEL');
  });

  it('tracks members with has()', () => {
    const panel = new PanelState(1);
    expect(panel.has('A')).toBe(false);
    panel.add(member('A'));
    expect(panel.has('A')).toBe(true);
    expect(panel.has('B')).toBe(false);
  });
});

describe('recusalReasons', () => {
  const project = makeProject();
  const ctx = conflictContext(project, DEFAULT_POLICY, EMPTY_HISTORY);
  const m = (id: string, employer: string, relatives: string[] = []): PanelMember => ({ id, employer, relatives });

  it('without a panel equals expertExclusions', () => {
    for (const expert of [
      makeExpert(),
      makeExpert({ employer: ORG.bidder, status: 'retired' }),
      makeExpert({ relations: [position(ORG.tenderer, null, 'relative')], unavailable: ['2026-12-01'] }),
    ]) {
      expect(recusalReasons(expert, m(expert.id, expert.employer), ctx)).toEqual(expertExclusions(expert, ctx));
    }
  });

  it('an empty panel adds nothing', () => {
    expect(recusalReasons(makeExpert(), m('E1', ORG.neutral, ['B']), ctx, [])).toEqual([]);
  });

  it('flags a relative the member declared', () => {
    expect(recusalReasons(makeExpert(), m('E1', ORG.neutral, ['B']), ctx, [m('B', ORG.neutral2)])).toEqual(['RELATIVE_ON_PANEL']);
  });

  it('flags a panel member who declared the member as a relative (other direction)', () => {
    expect(recusalReasons(makeExpert(), m('E1', ORG.neutral), ctx, [m('B', ORG.neutral2, ['E1'])])).toEqual(['RELATIVE_ON_PANEL']);
  });

  it('does not count the member itself when the panel already includes it (check-in re-check)', () => {
    const self = m('E1', ORG.neutral, ['B']);
    expect(recusalReasons(makeExpert(), self, ctx, [self, m('C', ORG.neutral2)])).toEqual([]);
  });

  it('applies the employer cap with the policy default of 1', () => {
    expect(recusalReasons(makeExpert(), m('E1', ORG.neutral), ctx, [m('D', ORG.neutral)])).toEqual(['EMPLOYER_CAP_ON_PANEL']);
    expect(recusalReasons(makeExpert(), m('E1', ORG.neutral), ctx, [m('C', ORG.neutral2)])).toEqual([]);
  });

  it('applies the employer cap with maxPerEmployerPerPanel 2', () => {
    const self = m('E1', ORG.neutral);
    const ctx2 = conflictContext(project, { ...DEFAULT_POLICY, maxPerEmployerPerPanel: 2 }, EMPTY_HISTORY);
    expect(recusalReasons(makeExpert(), self, ctx2, [m('D', ORG.neutral)])).toEqual([]);
    expect(recusalReasons(makeExpert(), self, ctx2, [self, m('D', ORG.neutral)])).toEqual([]);
    expect(recusalReasons(makeExpert(), self, ctx2, [m('D', ORG.neutral), m('F', ORG.neutral)])).toEqual(['EMPLOYER_CAP_ON_PANEL']);
  });

  it('merges rule 1–6 and rule 7 codes in EXCLUSION_CODES order', () => {
    const expert = makeExpert({ status: 'blacklisted', employer: ORG.bidder });
    const panel = [m('D', ORG.bidder), m('B', ORG.neutral2, ['E1'])];
    expect(recusalReasons(expert, m('E1', ORG.bidder), ctx, panel)).toEqual([
      'EMPLOYER_IS_BIDDER',
      'BLACKLISTED',
      'RELATIVE_ON_PANEL',
      'EMPLOYER_CAP_ON_PANEL',
    ]);
  });
});

describe('history', () => {
  it('indexHistory groups selections per expert in input order, with instants from the offsets', () => {
    const entries = [
      { expertId: 'E1', at: '2026-11-01T09:00:00+08:00', tenderer: ORG.tenderer },
      { expertId: 'E2', at: '2026-11-02T00:00:00Z', tenderer: ORG.agency },
      { expertId: 'E1', at: '2026-10-31T20:00:00-05:00', tenderer: ORG.agency },
    ].map((e) => HistoryEntry.parse(e));
    const index = indexHistory(entries);
    expect(index.get('E1')).toEqual([
      { atMs: Date.parse('2026-11-01T01:00:00Z'), tenderer: ORG.tenderer },
      { atMs: Date.parse('2026-11-01T01:00:00Z'), tenderer: ORG.agency },
    ]);
    expect(index.get('E2')).toEqual([{ atMs: Date.parse('2026-11-02T00:00:00Z'), tenderer: ORG.agency }]);
    expect(index.get('E3')).toBeUndefined();
    expect(EMPTY_HISTORY.get('E1')).toBeUndefined();
  });

  it('HistoryEntry rejects a time without offset, a bad tenderer and unknown fields', () => {
    const ok = { expertId: 'E1', at: '2026-11-01T09:00:00+08:00', tenderer: ORG.tenderer };
    expect(HistoryEntry.safeParse(ok).success).toBe(true);
    expect(HistoryEntry.safeParse({ ...ok, at: '2026-11-01T09:00:00' }).error?.issues[0]?.path).toEqual(['at']);
    expect(HistoryEntry.safeParse({ ...ok, tenderer: '914403001922038210' }).error?.issues[0]?.path).toEqual(['tenderer']);
    expect(HistoryEntry.safeParse({ ...ok, projectId: 'P1' }).success).toBe(false);
  });
});
