// Shared zod primitives: identifiers, national codes, dates. Every field carries a description for the OpenAPI document.
import { z } from 'zod';
import { schemaMessage } from '../i18n/zod-issues.js';
import { bornAnAdult, isValidResidentId, isValidUscc } from './codes.js';

/**
 * Whether an id holds an adult's resident ID number as one of its digit runs (E110105197609060009, or a project id
 * that is an expert's ID number): ids are logged and published in proofs. Only whole runs, and only a birth date of an
 * adult: a tender code of region, date and serial (JS320000202612010008) has the shape and often the check digit of an
 * ID number, but a date of this year. A phone-shaped run is not refused: tender codes hold 11-digit runs of their own.
 */
export function idHoldsPersonalNumber(id: string, now = Date.now()): boolean {
  return (id.match(/\d+[Xx]?/g) ?? []).some((run) => isValidResidentId(run.toUpperCase()) && bornAnAdult(run.toUpperCase(), now));
}

/** Any expert id the service holds or is asked about (read, path, listing): as stored, whenever it was made. */
export const ExpertId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, schemaMessage('expertId'))
  .describe('Pseudonymous expert id; never a name or an ID number');

/** An expert id given for the first time (a new expert, an application, a relative): no ID number in it. */
export const NewExpertId = ExpertId.refine((id) => !idHoldsPersonalNumber(id), schemaMessage('idPersonal'));

/** Any project id the service holds or is asked about: as stored, whenever it was registered. */
export const ProjectId = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, schemaMessage('projectId'))
  .describe('Project (tender) id as registered by the trading centre');

/** A project id registered now: not dots only (they mean something else in an address), no ID number in it. */
export const NewProjectId = ProjectId.refine((id) => !/^\.+$/.test(id), schemaMessage('projectIdDots'))
  .refine((id) => !idHoldsPersonalNumber(id), schemaMessage('idPersonal'))
  .describe('Project (tender) id as registered by the trading centre; not dots only, no ID number in it');

/** Remote evaluation site ids: token claims, certificate subject CN, recipient labels and file names. */
export const SITE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const SiteId = z
  .string()
  .regex(SITE_ID_PATTERN, schemaMessage('siteId'))
  .describe('Remote evaluation site id (the subject CN of its certificate)');

export const DrawId = z.string().regex(/^D-[0-9a-f-]{36}$/, schemaMessage('drawId')).describe('Draw id');

export const Uscc = z
  .string()
  .refine(isValidUscc, schemaMessage('uscc'))
  .describe('Unified social credit code (统一社会信用代码), 18 characters, GB 32100-2015');

export const ResidentId = z
  .string()
  .refine(isValidResidentId, { message: schemaMessage('residentId'), abort: true })
  .refine((id) => bornAnAdult(id, Date.now()), schemaMessage('residentIdBirth'))
  .describe('Resident identity number (居民身份证号码), 18 characters, GB 11643-1999');

/** Specialty codes of the national classification: a top letter (A 工程, B 货物, C 服务) then 2-digit levels. */
export const SPECIALTY_PATTERN = /^[ABC](?:\d{2}){0,3}$/;
export const SpecialtyCode = z
  .string()
  .regex(SPECIALTY_PATTERN, schemaMessage('specialty'))
  .describe('Specialty code (发改法规〔2018〕316号); a shorter code matches every code under it');

export const RegionCode = z
  .string()
  .regex(/^[1-9]\d{5}$/, schemaMessage('region'))
  .describe('Administrative division code (行政区划代码), 6 digits');

export const RegionPrefix = z
  .string()
  .regex(/^[1-9]\d(?:\d{2}){0,2}$/, schemaMessage('regionPrefix'))
  .describe('Region prefix: 2 digits for a province, 4 for a city, 6 for a county');

export const IsoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');

export const IsoDateTimeWithOffset = z.iso
  .datetime({ offset: true, local: false })
  .refine((s) => /(?:Z|[+-]\d{2}:\d{2})$/.test(s), schemaMessage('offset'))
  .describe('Date-time with a time zone offset, e.g. 2026-12-01T09:00:00+08:00');

export const Hex32 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, schemaMessage('hex32'))
  .describe('32 bytes, lower-case hex');

/** Bidirectional controls (Unicode UAX #9): they reorder what a reader sees, e.g. a name shown reversed in the log. */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** Control characters (C0, DEL, C1): never part of a name or a reason. */
const CONTROL = /\p{Cc}/u;
/** Something a reader can see: any character but white space, format (zero-width) and control characters. */
const VISIBLE = /[^\s\p{Cf}\p{Cc}]/u;
/** Marks the issues of PersonText's rules, so a caller (the bulk import) can report them with a code of its own. */
export const PERSON_TEXT_ISSUE = 'PERSON_TEXT';

/**
 * Text written by a person and read by a person: names of experts and organisations, project name and venue, every
 * reason. Trimmed; refused when nothing in it is visible (blank, zero-width only), or when it holds a bidirectional or
 * other control character (text that reads differently from what is stored).
 */
export function PersonText(options: { min?: number; max: number; description: string }) {
  const params = { code: PERSON_TEXT_ISSUE };
  const min = options.min ?? 1;
  return z
    .string()
    .trim()
    .min(min)
    .max(options.max)
    .refine((s) => s.isWellFormed(), { message: schemaMessage('wellFormed'), params, abort: true })
    .refine((s) => !BIDI_CONTROL.test(s), { message: schemaMessage('bidi'), params, abort: true })
    .refine((s) => !CONTROL.test(s), { message: schemaMessage('control'), params, abort: true })
    .refine((s) => s.length < min || VISIBLE.test(s), { message: schemaMessage('visible'), params })
    .describe(options.description);
}

/**
 * Chinese numerals as digits, the way a number is read out (幺 for one, 两 for two) or written on a cheque (壹贰叁, and
 * their traditional forms).
 */
const CJK_DIGITS: Readonly<Record<string, string>> = {
  〇: '0', 零: '0', 一: '1', 幺: '1', 壹: '1', 二: '2', 两: '2', 兩: '2', 贰: '2', 貳: '2', 三: '3', 叁: '3', 參: '3',
  四: '4', 肆: '4', 五: '5', 伍: '5', 六: '6', 陆: '6', 陸: '6', 七: '7', 柒: '7', 八: '8', 捌: '8', 九: '9', 玖: '9',
};
const CJK_DIGIT = new RegExp(`[${Object.keys(CJK_DIGITS).join('')}]`, 'gu');
/** A decimal digit of any script that NFKC leaves as it is (Arabic-Indic, Devanagari, …): only its place counts here. */
const OTHER_DIGIT = /(?![0-9])\p{Nd}/gu;
/**
 * A date (2026-12-01, 2026/12/01, 2026.12.01, 2026年12月1日) or a time of day (09:30, 09:30:00): numbers a reason may
 * hold, taken out before the check. Only real ones: a year 19xx or 20xx, a month 1–12, a day 1–31 (1597-3-99 is digits).
 */
const DATE = /(?<!\d)(?:19|20)\d{2}\s*[-/.年]\s*(?:0?[1-9]|1[0-2])\s*[-/.月]\s*(?:0?[1-9]|[12]\d|3[01])(?!\d)\s*日?/gu;
const TIME = /(?<!\d)(?:[01]?\d|2[0-3])\s*[:：]\s*[0-5]\d(?:\s*[:：]\s*[0-5]\d)?(?!\d)/gu;
/** An ID number whose birth date is written as a date (110105 1976-09-06 0009): refused before dates are taken out. */
const ID_WITH_DATE = /\d{6}[\s\p{P}\p{S}\p{Cf}]*(?:19|20)\d{2}[\s\p{P}\p{S}年]*\d{1,2}[\s\p{P}\p{S}月]*\d{1,2}[\s\p{P}\p{S}日]*\d{3}[\dXx]/u;
/**
 * What may stand between the digits of a number as people write it: spaces, punctuation, symbols, zero-width marks, and
 * combining marks (a keycap 1️⃣ is 1, a variation selector and U+20E3; 1̲ is 1 and a combining low line).
 */
const BETWEEN_DIGITS = /[\s\p{P}\p{S}\p{Cf}\p{M}]+/gu;
/** One letter, or two Latin ones, between two digits (159x7399x4367, 159ab7399cd4367): read as a separator too. */
const LETTER_BETWEEN = /(?<=\d)(?:\p{L}|[A-Za-z]{2})(?=\d)/gu;
/**
 * Groups of digits joined by one or two letters of any script (159号码7399号码4367): read as one number only where some
 * of its whole groups in a row make a mobile number or a valid ID number, since an address joins so too (3号楼2单元501室).
 */
const LETTER_JOINED = /\d+(?:\p{L}{1,2}\d+)+[Xx]?/gu;
const MOBILE = /^1[3-9]\d{9}$/;

/** Whether some whole groups in a row of a letter-joined chain spell a mobile number or a valid ID number. */
function spellsNumber(chain: string): boolean {
  const groups = chain.match(/\d+[Xx]?/g) ?? [];
  for (let i = 0; i < groups.length; i++) {
    let joined = '';
    for (let j = i; j < groups.length && joined.length < 18; j++) {
      joined += groups[j]!.toUpperCase();
      if (MOBILE.test(joined) || isValidResidentId(joined)) return true;
    }
  }
  return false;
}
/** A UUID (ids like D-…, O-…) with its hex letters: no number. A run shaped so with digits only is one, though. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/giu;
/** Stands for a date, time or id taken out: neither a digit, a letter nor a separator, so it joins nothing. */
const DATE_MARK = '\u0001';

/**
 * Whether text holds a phone or ID number however it is written: full-width, Chinese (壹贰叁 too) or other scripts'
 * digits, a country code, any separators (138.1234.5678, 1 3 8…, a zero-width space, a letter or two between the
 * groups), a letter before it, an ID number with its birth date written as a date. Read as digits — real dates, times
 * and UUIDs taken out, then everything that is not a letter or a digit dropped, then a letter between digits — a run of
 * 11 digits or more is refused: a mobile number has 11, an ID number 15 or 18. Groups joined by one or two letters of
 * any script are refused where whole groups in a row spell a mobile number or a valid ID number. Errs towards refusing:
 * a long document number in a reason is refused too, with a message. Numbers spelt out in words are not caught.
 */
export function holdsPersonalNumber(text: string): boolean {
  const normal = text.normalize('NFKC').replace(CJK_DIGIT, (c) => CJK_DIGITS[c]!).replace(OTHER_DIGIT, '0');
  if (ID_WITH_DATE.test(normal)) return true;
  const digits = normal
    .replace(UUID, (id) => (/[a-f]/i.test(id) ? DATE_MARK : id))
    .replace(DATE, DATE_MARK)
    .replace(TIME, DATE_MARK)
    .replace(BETWEEN_DIGITS, '');
  if (/\d{11}/.test(digits.replace(LETTER_BETWEEN, ''))) return true;
  return (digits.match(LETTER_JOINED) ?? []).some(spellsNumber);
}

/**
 * Whether text names a person (a name of two characters or more), compared as people dodge a check: spaces, middle dots
 * and other punctuation, symbols, zero-width, combining and filler marks left out, full-width folded (刘 杰涛, 刘·杰·涛,
 * 杰 with a variation selector are 刘杰涛). Traditional forms and pinyin are not caught.
 */
export function namesPerson(text: string, name: string): boolean {
  const plain = (s: string) => s.normalize('NFKC').replace(/[\s\p{P}\p{S}]+/gu, '').replace(HIDDEN_MARKS, '');
  const who = plain(name);
  return who.length >= 2 && plain(text).includes(who);
}

/**
 * PersonText that goes into the audit log in the clear (a status change's reason, an exit's note, a decision's
 * reason): the log is append-only and read by supervisors and inspectors, so a phone or ID number typed into it could
 * never be taken out. Refused, with a message saying why; names are checked where the service knows whose they are.
 */
export function LoggedText(options: { min?: number; max: number; description: string }) {
  return PersonText(options).refine((s) => !holdsPersonalNumber(s), { message: schemaMessage('loggedPersonal'), params: { code: PERSON_TEXT_ISSUE } });
}

/**
 * A web address as text, as a phone's messaging app would turn it into a link: a scheme (`https:`, `javascript:`,
 * `sms:`, `weixin:` …, with or without `//`), `www.`, a host name with a top-level domain (`evil.shop`, `t.co/x`), or
 * a bare IPv4 address. The venue goes into the text messages to experts, whose only link must be the service's own
 * answer link: a venue with a link of its own would let anyone who registers a project send experts elsewhere through
 * the centre's gateway. Read after `asAddressText`.
 */
const WEB_ADDRESS = new RegExp(
  [
    // Any scheme written with //, and the schemes a phone opens without it (tel: stays: a phone number is no address).
    String.raw`[a-z][a-z0-9+.-]*:\/\/|[a-z][a-z0-9+.-]*:\\`,
    String.raw`(?:https?|ftp|wss?|javascript|vbscript|data|file|blob|intent|mailto|sms|smsto|mms|weixin|wechat|alipays?|taobao|itms[a-z-]*|ms-[a-z-]+):`,
    String.raw`www\.`,
    // A host name: labels and a top-level domain of two or more letters (a room "B.2" has a digit after its dot).
    String.raw`[a-z0-9-]+\.[a-z]{2,63}(?![a-z0-9])`,
    String.raw`(?<![0-9.])[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?![0-9])`,
  ].join('|'),
  'i',
);

/**
 * The venue as a reader's software sees it: full-width forms as ASCII, ideographic full stops as dots, invisible
 * format characters (zero-width spaces) dropped, spaces before a colon closed up, and an escaped colon or dot (`&colon;`,
 * `%3A`) read as one. Control characters, which browsers drop from an address, are refused by PersonText before this.
 */
function asAddressText(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .replace(/[。｡]/g, '.')
    .replace(/&colon;|%3a/gi, ':')
    .replace(/&period;|%2e/gi, '.')
    .replace(/\s+:/g, ':');
}

/** The evaluation venue, told to every expert called (src/calls/text.ts); full-width letters are read as ASCII. */
/**
 * A way to be reached other than the centre's own: a messaging account (微信, QQ, 钉钉). With a phone number, what a
 * venue must not ask experts to use: an expert who calls or adds a number from the text tells whoever is behind it
 * that they were drawn, before the list is unsealed.
 */
const CONTACT_HANDLE = /[微薇威vV]\s*信|wei\s*-?\s*xin|we\s*chat|钉钉|ding\s*talk|飞书|telegram|扣扣|企鹅号|(?<![a-z])qq(?![a-z])/iu;
/** Marks that hide inside a word (zero-width, combining, filler): taken out before the handles are looked for. */
const HIDDEN_MARKS = /[\p{Cf}\p{M}\u115f\u1160\u3164\uffa0]+/gu;

export const Venue = PersonText({ max: 200, description: 'Evaluation venue (told to the experts called; no web address, phone number or messaging account)' })
  .refine((s) => !WEB_ADDRESS.test(asAddressText(s)), { message: schemaMessage('venueLink'), abort: true })
  .refine((s) => !holdsPersonalNumber(s) && !CONTACT_HANDLE.test(s.normalize('NFKC').replace(HIDDEN_MARKS, '')), schemaMessage('venueContact'));
