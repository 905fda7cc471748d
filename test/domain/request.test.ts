// DrawRequest, DrawGroup and RegionFilter schemas.
import { describe, expect, it } from 'vitest';
import { DrawGroup, DrawRequest, RegionFilter } from '../../src/domain/request.js';
import { issuePaths } from '../helpers/fixtures.js';

const group = { specialty: 'A0101', count: 5 };

describe('DrawRequest', () => {
  it('parses a minimal request and defaults tendererRepresentatives to 0', () => {
    expect(DrawRequest.parse({ groups: [group] })).toEqual({ groups: [group], tendererRepresentatives: 0 });
  });

  it('parses a full request unchanged', () => {
    const full = {
      groups: [
        { specialty: 'A0101', count: 3, alternates: 4, regions: { include: ['44', '4403'], exclude: ['440305'], outsideProjectRegion: true } },
        { specialty: 'C', count: 1, alternates: 0, regions: {} },
      ],
      tendererRepresentatives: 1,
    };
    expect(DrawRequest.parse(full)).toEqual(full);
  });

  it('accepts the count bounds 1 and 50, and 20 groups', () => {
    expect(DrawRequest.safeParse({ groups: [{ ...group, count: 1 }, { ...group, count: 50 }] }).success).toBe(true);
    expect(DrawRequest.safeParse({ groups: Array.from({ length: 20 }, () => group) }).success).toBe(true);
  });

  it.each([
    ['no groups', { groups: [] }, 'groups'],
    ['21 groups', { groups: Array.from({ length: 21 }, () => group) }, 'groups'],
    ['missing groups', {}, 'groups'],
    ['unknown top-level field', { groups: [group], drawAt: 'now' }, ''],
    ['unknown group field', { groups: [{ ...group, experts: ['E1'] }] }, 'groups.0'],
    ['count 0', { groups: [{ ...group, count: 0 }] }, 'groups.0.count'],
    ['count 51', { groups: [{ ...group, count: 51 }] }, 'groups.0.count'],
    ['fractional count', { groups: [{ ...group, count: 2.5 }] }, 'groups.0.count'],
    ['count as a string', { groups: [{ ...group, count: '5' }] }, 'groups.0.count'],
    ['negative alternates', { groups: [group, { ...group, alternates: -1 }] }, 'groups.1.alternates'],
    ['51 alternates', { groups: [{ ...group, alternates: 51 }] }, 'groups.0.alternates'],
    ['bad specialty', { groups: [{ ...group, specialty: 'X01' }] }, 'groups.0.specialty'],
    ['specialty too deep', { groups: [{ ...group, specialty: 'A01010101' }] }, 'groups.0.specialty'],
    ['3-digit region prefix', { groups: [{ ...group, regions: { include: ['110'] } }] }, 'groups.0.regions.include.0'],
    ['8-digit region prefix', { groups: [{ ...group, regions: { exclude: ['44', '44030500'] } }] }, 'groups.0.regions.exclude.1'],
    ['region prefix starting with 0', { groups: [{ ...group, regions: { include: ['0101'] } }] }, 'groups.0.regions.include.0'],
    ['unknown region filter field', { groups: [{ ...group, regions: { local: true } }] }, 'groups.0.regions'],
    ['non-boolean outsideProjectRegion', { groups: [{ ...group, regions: { outsideProjectRegion: 'yes' } }] }, 'groups.0.regions.outsideProjectRegion'],
    ['51 tenderer representatives', { groups: [group], tendererRepresentatives: 51 }, 'tendererRepresentatives'],
    ['negative tenderer representatives', { groups: [group], tendererRepresentatives: -1 }, 'tendererRepresentatives'],
  ])('rejects %s', (_label, input, path) => {
    const result = DrawRequest.safeParse(input);
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toContain(path);
  });
});

describe('DrawGroup / RegionFilter', () => {
  it('leaves optional fields absent', () => {
    expect(DrawGroup.parse(group)).toEqual(group);
    expect(Object.keys(RegionFilter.parse({}))).toEqual([]);
  });

  it('rejects more than 100 prefixes', () => {
    expect(issuePaths(RegionFilter.safeParse({ include: Array.from({ length: 101 }, () => '44') }))).toEqual(['include']);
  });
});
