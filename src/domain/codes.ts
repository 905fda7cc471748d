// Check-character validation for the two national identifiers the pool carries.
// Unified social credit code (统一社会信用代码): GB 32100-2015. Resident ID number (居民身份证号码): GB 11643-1999.

/** GB 32100-2015 alphabet: digits and upper-case letters without I, O, Z, S, V. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character for the first 17 characters of a unified social credit code. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError(`not a USCC character at position ${i + 1}`);
    sum += value * USCC_WEIGHTS[i]!;
  }
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

export function isValidUscc(code: string): boolean {
  if (code.length !== 18 || !USCC_SHAPE.test(code)) return false;
  return usccCheckChar(code.slice(0, 17)) === code.charAt(17);
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK = '10X98765432';
const ID_SHAPE = /^[1-9]\d{5}(\d{4})(\d{2})(\d{2})\d{3}[\dX]$/;

/** The check character (ISO 7064 MOD 11-2) for the first 17 digits of a resident ID number. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK.charAt(sum % 11);
}

/** Valid shape, a real calendar birth date from 1900 on, and a matching check character. */
export function isValidResidentId(id: string): boolean {
  const m = ID_SHAPE.exec(id);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (birth.getUTCMonth() !== month - 1) return false;
  return residentIdCheckChar(id.slice(0, 17)) === id.charAt(17);
}

/** Age at which a person may be an evaluation expert at the earliest: the age of majority. */
export const ADULT_AGE = 18;

/**
 * Whether the birth date of a valid resident ID number is at least ADULT_AGE years before `now` (UTC days): an ID
 * number born in the future, or of a child, is a typing mistake, never an expert.
 */
export function bornAnAdult(id: string, now: number): boolean {
  const m = ID_SHAPE.exec(id);
  if (!m) return false;
  const today = new Date(now);
  const adultFrom = Date.UTC(today.getUTCFullYear() - ADULT_AGE, today.getUTCMonth(), today.getUTCDate());
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) <= adultFrom;
}
