// Project schema and the bid-opening local date every recusal rule refers to.
import { describe, expect, it } from 'vitest';
import { Project, bidOpeningLocalDate } from '../../src/domain/project.js';
import { ORG, issuePaths } from '../helpers/fixtures.js';

const base = {
  id: 'P-2026.001',
  tenderer: ORG.tenderer,
  bidOpeningAt: '2026-12-01T09:00:00+08:00',
  region: '440305',
};

describe('Project', () => {
  it('parses a minimal project and fills the defaults', () => {
    expect(Project.parse(base)).toEqual({ ...base, agency: null, bidders: [], avoid: [], preparedBy: [] });
  });

  it('parses a full project unchanged', () => {
    const full = { ...base, agency: ORG.agency, bidders: [ORG.bidder, ORG.bidder2], avoid: [ORG.avoided], preparedBy: ['E1', 'E2'] };
    expect(Project.parse(full)).toEqual(full);
  });

  it.each([
    ['unknown field', { ...base, budget: 100 }, ''],
    ['bad project id', { ...base, id: 'P 1' }, 'id'],
    ['tenderer with a bad check character', { ...base, tenderer: '914403001922038217' }, 'tenderer'],
    ['agency not a USCC', { ...base, agency: 'none' }, 'agency'],
    ['second bidder invalid', { ...base, bidders: [ORG.bidder, '91110108795101314H'] }, 'bidders.1'],
    ['avoided org invalid', { ...base, avoid: ['91350100M000100Y4'] }, 'avoid.0'],
    ['preparedBy with a bad id', { ...base, preparedBy: ['E 1'] }, 'preparedBy.0'],
    ['bid opening without offset', { ...base, bidOpeningAt: '2026-12-01T09:00:00' }, 'bidOpeningAt'],
    ['bid opening as a date only', { ...base, bidOpeningAt: '2026-12-01' }, 'bidOpeningAt'],
    ['region of 4 digits', { ...base, region: '4403' }, 'region'],
    ['501 bidders', { ...base, bidders: Array.from({ length: 501 }, () => ORG.bidder) }, 'bidders'],
    ['missing tenderer', { id: 'P1', bidOpeningAt: base.bidOpeningAt, region: base.region }, 'tenderer'],
  ])('rejects %s', (_label, input, path) => {
    const result = Project.safeParse(input);
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toContain(path);
  });
});

describe('bidOpeningLocalDate', () => {
  it.each([
    ['2026-12-01T09:00:00+08:00', '2026-12-01'],
    // 2026-11-30T16:30Z in UTC, but the local date in its own offset is 1 December.
    ['2026-12-01T00:30:00+08:00', '2026-12-01'],
    // 2026-12-01T01:00Z in UTC, but 30 November locally.
    ['2026-11-30T20:00:00-05:00', '2026-11-30'],
    ['2026-12-01T23:59:59.999Z', '2026-12-01'],
  ])('%s is on local date %s', (at, date) => {
    expect(bidOpeningLocalDate(Project.parse({ ...base, bidOpeningAt: at }))).toBe(date);
  });
});
