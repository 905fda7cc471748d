// Hierarchical specialty codes: prefixes and prefix matching.
import { describe, expect, it } from 'vitest';
import { SPECIALTY_PATTERN } from '../../src/domain/primitives.js';
import { specialtyMatches, specialtyPrefixes } from '../../src/domain/specialty.js';

describe('specialtyPrefixes', () => {
  it.each([
    ['A', ['A']],
    ['A01', ['A', 'A01']],
    ['A0101', ['A', 'A01', 'A0101']],
    ['C990101', ['C', 'C99', 'C9901', 'C990101']],
  ])('%s → %j', (code, prefixes) => {
    expect(specialtyPrefixes(code)).toEqual(prefixes);
    for (const p of prefixes) expect(p).toMatch(SPECIALTY_PATTERN);
  });
});

describe('specialtyMatches', () => {
  it('a requested code matches itself and every code under it, nothing else', () => {
    expect(specialtyMatches('A01', 'A01')).toBe(true);
    expect(specialtyMatches('A01', 'A0101')).toBe(true);
    expect(specialtyMatches('A', 'A990101')).toBe(true);
    expect(specialtyMatches('A0101', 'A01')).toBe(false);
    expect(specialtyMatches('A01', 'A02')).toBe(false);
    expect(specialtyMatches('A01', 'B01')).toBe(false);
  });
});
