// Check characters of unified social credit codes (GB 32100-2015) and resident ID numbers (GB 11643-1999).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { USCC_ALPHABET, isValidResidentId, isValidUscc, residentIdCheckChar, usccCheckChar } from '../../src/domain/codes.js';
import {
  PUBLISHED_NONCONFORMING_USCC,
  PUBLISHED_VALID_RESIDENT_ID,
  PUBLISHED_VALID_USCC,
  replaceAt,
} from '../helpers/fixtures.js';

const DIGITS = '0123456789';
const ID_ALPHABET = '0123456789X';
const DAY_MS = 86_400_000;

const charsOf = (alphabet: string, n: number) =>
  fc.array(fc.constantFrom(...alphabet.split('')), { minLength: n, maxLength: n }).map((a) => a.join(''));

/** First 17 characters of a well-shaped USCC: 2 alphabet characters, 6 digits (region), 9 alphabet characters. */
const usccFirst17 = fc
  .tuple(charsOf(USCC_ALPHABET, 2), charsOf(DIGITS, 6), charsOf(USCC_ALPHABET, 9))
  .map(([a, b, c]) => a + b + c);
const validUscc = usccFirst17.map((f) => f + usccCheckChar(f));

/** A real calendar birth date from 1900-01-01 to 2099-12-31 as YYYYMMDD. */
const birthDate = fc
  .integer({ min: Date.UTC(1900, 0, 1) / DAY_MS, max: Date.UTC(2099, 11, 31) / DAY_MS })
  .map((d) => new Date(d * DAY_MS).toISOString().slice(0, 10).replaceAll('-', ''));
const idFirst17 = fc
  .tuple(fc.integer({ min: 1, max: 9 }), charsOf(DIGITS, 5), birthDate, charsOf(DIGITS, 3))
  .map(([a, b, c, d]) => `${a}${b}${c}${d}`);
const validId = idFirst17.map((f) => f + residentIdCheckChar(f));

const withUsccCheck = (first17: string) => first17 + usccCheckChar(first17);
const withIdCheck = (first17: string) => first17 + residentIdCheckChar(first17);

/** Every single-character substitution of `code` over `alphabet` that `isValid` still accepts (should be none). */
function undetectedSubstitutions(code: string, alphabet: string, isValid: (s: string) => boolean): string[] {
  const missed: string[] = [];
  for (let i = 0; i < code.length; i++) {
    for (const ch of alphabet) {
      if (ch === code.charAt(i)) continue;
      const mutant = replaceAt(code, i, ch);
      if (isValid(mutant)) missed.push(mutant);
    }
  }
  return missed;
}

describe('usccCheckChar / isValidUscc', () => {
  it.each(PUBLISHED_VALID_USCC)('accepts the published code %s', (code) => {
    expect(isValidUscc(code)).toBe(true);
    expect(usccCheckChar(code.slice(0, 17))).toBe(code.charAt(17));
  });

  it('computes the check character of the official example by hand', () => {
    // 91350100M000100Y4: values 9,1,3,5,0,1,0,0,21(M),0,0,0,1,0,0,30(Y),4 with weights 3^i mod 31
    // Σ = 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 mod 31 = 28; 31 − 28 = 3.
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
  });

  it.each(PUBLISHED_NONCONFORMING_USCC)('rejects the early-pilot code %s whose check character does not follow the standard', (code) => {
    expect(isValidUscc(code)).toBe(false);
  });

  it('maps a weighted sum of 0 mod 31 to check character 0, not to the out-of-range 31', () => {
    expect(usccCheckChar('00000000000000000')).toBe('0');
    expect(isValidUscc('000000000000000000')).toBe(true);
  });

  it.each([
    ['17 characters', '91350100M000100Y4'],
    ['19 characters', '91350100M000100Y430'],
    ['empty', ''],
    ['trailing newline', '91350100M000100Y43\n'],
    ['leading space', ' 91350100M000100Y43'],
    ['lower-case letter in the body', '91350100m000100Y43'],
    ['lower-case check character', '9135010557098120Xj'],
    ['full-width digit', '９1350100M000100Y43'],
  ])('rejects a bad shape: %s', (_label, code) => {
    expect(isValidUscc(code)).toBe(false);
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('rejects the forbidden letter %s anywhere and refuses to compute a check for it', (letter) => {
    const code = PUBLISHED_VALID_USCC[0];
    for (const i of [0, 1, 8, 12, 16, 17]) expect(isValidUscc(replaceAt(code, i, letter))).toBe(false);
    expect(() => usccCheckChar(replaceAt(code.slice(0, 17), 8, letter))).toThrow(RangeError);
    expect(() => usccCheckChar(replaceAt(code.slice(0, 17), 8, letter.toLowerCase()))).toThrow(RangeError);
  });

  it('rejects a letter in the 6-digit region part even with a matching check character', () => {
    for (let i = 2; i < 8; i++) {
      const first17 = replaceAt('91350100M000100Y4', i, 'A');
      const code = withUsccCheck(first17);
      expect(usccCheckChar(code.slice(0, 17))).toBe(code.charAt(17));
      expect(isValidUscc(code)).toBe(false);
    }
  });

  it('rejects every wrong check character of a published code', () => {
    const code = PUBLISHED_VALID_USCC[6];
    const wrong = [...USCC_ALPHABET].filter((c) => c !== code.charAt(17));
    expect(wrong).toHaveLength(30);
    for (const c of wrong) expect(isValidUscc(replaceAt(code, 17, c))).toBe(false);
  });

  it('detects every single substitution in every published code (exhaustive)', () => {
    for (const code of PUBLISHED_VALID_USCC) expect(undetectedSubstitutions(code, USCC_ALPHABET, isValidUscc)).toEqual([]);
  });

  it('property: a code built with usccCheckChar is valid', () => {
    fc.assert(fc.property(validUscc, (code) => isValidUscc(code)));
  });

  it('property: changing any single character to a different allowed character makes the code invalid', () => {
    fc.assert(
      fc.property(validUscc, (code) => {
        expect(undetectedSubstitutions(code, USCC_ALPHABET, isValidUscc)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('property: swapping two different adjacent characters among the first 17 is detected', () => {
    fc.assert(
      fc.property(validUscc, fc.integer({ min: 0, max: 15 }), (code, i) => {
        const a = code.charAt(i);
        const b = code.charAt(i + 1);
        fc.pre(a !== b);
        const swapped = code.slice(0, i) + b + a + code.slice(i + 2);
        return !isValidUscc(swapped);
      }),
    );
  });

  it('property: the check character is always in the alphabet', () => {
    fc.assert(fc.property(usccFirst17, (f) => USCC_ALPHABET.includes(usccCheckChar(f)) && usccCheckChar(f).length === 1));
  });
});

describe('residentIdCheckChar / isValidResidentId', () => {
  it.each(PUBLISHED_VALID_RESIDENT_ID)('accepts the published example %s', (id) => {
    expect(isValidResidentId(id)).toBe(true);
    expect(residentIdCheckChar(id.slice(0, 17))).toBe(id.charAt(17));
  });

  it('computes the GB 11643-1999 example check character by hand', () => {
    // 11010519491231002 · (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) = 167; 167 mod 11 = 2 → 'X'.
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
  });

  it('computes the check character of the standard’s second example (born 1880) but rejects the date (1900 floor)', () => {
    // GB 11643-1999 also uses 440524188001010014; its check digit is right, but the validator only accepts
    // birth dates from 1900 on (documented: an expert cannot have been born in 1880).
    expect(residentIdCheckChar('44052418800101001')).toBe('4');
    expect(isValidResidentId('440524188001010014')).toBe(false);
  });

  it('accepts a date on the 1900 floor and rejects the day before it', () => {
    expect(isValidResidentId(withIdCheck('11010519000101001'))).toBe(true);
    expect(isValidResidentId(withIdCheck('11010518991231001'))).toBe(false);
  });

  it.each([
    ['15-digit first-generation number', '110105491231002'],
    ['17 characters', '11010519491231002'],
    ['19 characters', '11010519491231002X0'],
    ['lower-case x', '11010519491231002x'],
    ['leading zero (no such region)', withIdCheck('01010519491231002')],
    ['letter in the body', '1101051949123A002X'],
    ['X in the body', '110105194912310X2X'],
    ['trailing newline', '11010519491231002X\n'],
    ['empty', ''],
  ])('rejects a bad shape: %s', (_label, id) => {
    expect(isValidResidentId(id)).toBe(false);
  });

  it.each([
    ['Feb 30', '19900230'],
    ['Feb 29 in a common year', '19900229'],
    ['Feb 29 1900 (not a leap year)', '19000229'],
    ['Apr 31', '19900431'],
    ['day 32', '19900132'],
    ['day 00', '19900100'],
    ['month 13', '19901301'],
    ['month 00', '19900001'],
  ])('rejects an impossible birth date (%s) even with a matching check character', (_label, date) => {
    const id = withIdCheck(`110105${date}001`);
    expect(residentIdCheckChar(id.slice(0, 17))).toBe(id.charAt(17));
    expect(isValidResidentId(id)).toBe(false);
  });

  it.each(['20000229', '19960229', '19491231', '20241231'])('accepts the real date %s', (date) => {
    expect(isValidResidentId(withIdCheck(`110105${date}001`))).toBe(true);
  });

  it('rejects every wrong check character of the GB example', () => {
    const id = PUBLISHED_VALID_RESIDENT_ID[0];
    const wrong = [...ID_ALPHABET].filter((c) => c !== 'X');
    expect(wrong).toHaveLength(10);
    for (const c of wrong) expect(isValidResidentId(replaceAt(id, 17, c))).toBe(false);
  });

  it('detects every single substitution in the GB example (exhaustive)', () => {
    expect(undetectedSubstitutions(PUBLISHED_VALID_RESIDENT_ID[0], ID_ALPHABET, isValidResidentId)).toEqual([]);
  });

  it('property: an ID built with residentIdCheckChar on a real date is valid', () => {
    fc.assert(fc.property(validId, (id) => isValidResidentId(id)));
  });

  it('property: changing any single character to a different allowed character makes the ID invalid', () => {
    fc.assert(
      fc.property(validId, (id) => {
        expect(undetectedSubstitutions(id, ID_ALPHABET, isValidResidentId)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('property: swapping two different adjacent digits among the first 17 is detected', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 15 }), (id, i) => {
        const a = id.charAt(i);
        const b = id.charAt(i + 1);
        fc.pre(a !== b);
        return !isValidResidentId(id.slice(0, i) + b + a + id.slice(i + 2));
      }),
    );
  });

  it('property: exactly one of the 11 possible check characters is accepted', () => {
    fc.assert(
      fc.property(idFirst17, (f) => [...ID_ALPHABET].filter((c) => isValidResidentId(f + c)).length === 1),
    );
  });
});
