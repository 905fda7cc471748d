// lowerBound against a linear scan, on numbers (typed arrays) and on strings (UTF-16 order).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../src/draw/sorted.js';

const firstNotBelow = <T extends number | string>(list: ArrayLike<T>, value: T): number => {
  for (let i = 0; i < list.length; i++) if (!(list[i]! < value)) return i;
  return list.length;
};

describe('lowerBound', () => {
  it('finds where a number stands, or would be put, in an ascending typed array', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 })), fc.integer({ min: -60, max: 60 }), (values, value) => {
        const list = Int32Array.from(values.sort((a, b) => a - b));
        expect(lowerBound(list, value)).toBe(firstNotBelow(list, value));
      }),
    );
    expect(lowerBound(new Int32Array(0), 5)).toBe(0);
    expect(lowerBound(Int32Array.of(1, 3, 3, 5), 3)).toBe(1);
  });

  it('finds where a string stands in an ascending list, by code units', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 })), fc.string({ maxLength: 4 }), (values, value) => {
        const list = values.sort();
        expect(lowerBound(list, value)).toBe(firstNotBelow(list, value));
      }),
    );
    expect(lowerBound(['E1', 'E10', 'E2'], 'E11')).toBe(2);
  });
});
