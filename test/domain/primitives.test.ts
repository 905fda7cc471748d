// Shared zod primitives: ids, national codes, specialty and region codes, dates and offset date-times.
import { describe, expect, it } from 'vitest';
import {
  ExpertId,
  holdsPersonalNumber,
  namesPerson,
  Hex32,
  IsoDate,
  IsoDateTimeWithOffset,
  PersonText,
  ProjectId,
  RegionCode,
  RegionPrefix,
  ResidentId,
  SpecialtyCode,
  Uscc,
} from '../../src/domain/primitives.js';
import { PUBLISHED_VALID_RESIDENT_ID, PUBLISHED_VALID_USCC } from '../helpers/fixtures.js';
import { residentIdCheckChar } from '../../src/domain/codes.js';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;

describe('ExpertId / ProjectId', () => {
  it('accepts 1–64 safe characters', () => {
    for (const id of ['E0000001', 'a', 'x_y-Z9', 'E'.repeat(64)]) expect(ok(ExpertId, id)).toBe(true);
    for (const id of ['P-2026.001', 'a', 'P'.repeat(64)]) expect(ok(ProjectId, id)).toBe(true);
  });

  it('rejects empty, too long, spaces, names and dots in expert ids', () => {
    for (const id of ['', 'E'.repeat(65), 'E 1', '张三', 'E.1', 'E/1', 42]) expect(ok(ExpertId, id)).toBe(false);
    for (const id of ['', 'P'.repeat(65), 'P 1', 'P/1', '项目1']) expect(ok(ProjectId, id)).toBe(false);
  });
});

describe('Uscc / ResidentId schemas', () => {
  it('accept valid codes and reject invalid ones', () => {
    for (const c of PUBLISHED_VALID_USCC) expect(ok(Uscc, c)).toBe(true);
    expect(ok(Uscc, '91350100M000100Y44')).toBe(false);
    expect(ok(Uscc, 91350100)).toBe(false);
    for (const id of PUBLISHED_VALID_RESIDENT_ID) expect(ok(ResidentId, id)).toBe(true);
    expect(ok(ResidentId, '110105194912310021')).toBe(false);
  });

  it('refuse a birth date in the future or of a child, with that reason, and take an adult born to the day', () => {
    const withCheck = (first17: string) => `${first17}${residentIdCheckChar(first17)}`;
    const now = new Date();
    const ymd = (years: number, days = 0) => new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate() + days)).toISOString().slice(0, 10).replaceAll('-', '');
    const reason = (id: string) => ResidentId.safeParse(id).error?.issues.map((i) => i.message);
    expect(reason(withCheck(`330106${ymd(-73)}001`))).toEqual(['the birth date in the resident ID number cannot be an expert’s: in the future, or under 18']);
    expect(reason(withCheck(`330106${ymd(1)}001`))).toEqual(['the birth date in the resident ID number cannot be an expert’s: in the future, or under 18']);
    expect(reason(withCheck(`330106${ymd(18, 1)}001`))).toHaveLength(1);
    expect(ok(ResidentId, withCheck(`330106${ymd(18)}001`))).toBe(true);
    // A bad check character is said as such, not as a birth date.
    expect(reason('110105194912310021')).toEqual(['not a valid resident ID number (18 characters with a check digit)']);
  });
});

describe('SpecialtyCode', () => {
  it.each(['A', 'B', 'C', 'A01', 'B0203', 'C990101'])('accepts %s', (c) => expect(ok(SpecialtyCode, c)).toBe(true));
  it.each(['', 'D', 'D01', 'a01', 'A1', 'A011', 'A01010101', '01', 'A01 ', 'AB01'])('rejects %j', (c) =>
    expect(ok(SpecialtyCode, c)).toBe(false),
  );
});

describe('RegionCode / RegionPrefix', () => {
  it('requires a 6-digit code not starting with 0', () => {
    for (const c of ['110105', '440305', '650100']) expect(ok(RegionCode, c)).toBe(true);
    for (const c of ['010105', '11010', '1101050', '11010a', '', '4403']) expect(ok(RegionCode, c)).toBe(false);
  });

  it('accepts 2, 4 or 6 digits as a prefix and nothing else', () => {
    for (const c of ['11', '4403', '440305']) expect(ok(RegionPrefix, c)).toBe(true);
    for (const c of ['1', '110', '11010', '1101050', '01', '0101', '44030500', '']) expect(ok(RegionPrefix, c)).toBe(false);
  });
});

describe('IsoDate', () => {
  it('accepts real calendar dates only', () => {
    for (const d of ['2026-12-01', '2024-02-29']) expect(ok(IsoDate, d)).toBe(true);
    for (const d of ['2026-02-29', '2026-02-30', '2026-13-01', '20261201', '2026-12-1', '2026-12-01T00:00:00Z']) {
      expect(ok(IsoDate, d)).toBe(false);
    }
  });
});

describe('IsoDateTimeWithOffset', () => {
  it.each(['2026-12-01T09:00:00+08:00', '2026-12-01T09:00:00Z', '2026-12-01T09:00:00.123+08:00', '2026-11-30T20:00:00-05:00'])(
    'accepts %s',
    (s) => expect(ok(IsoDateTimeWithOffset, s)).toBe(true),
  );

  it.each([
    ['no offset', '2026-12-01T09:00:00'],
    ['offset without colon', '2026-12-01T09:00:00+0800'],
    ['space instead of T', '2026-12-01 09:00:00+08:00'],
    ['date only', '2026-12-01'],
    ['impossible date', '2026-02-30T09:00:00+08:00'],
    ['hour 24', '2026-12-01T24:00:00+08:00'],
  ])('rejects %s', (_label, s) => expect(ok(IsoDateTimeWithOffset, s)).toBe(false));
});

describe('Hex32', () => {
  it('accepts 64 lower-case hex digits only', () => {
    expect(ok(Hex32, 'ab'.repeat(32))).toBe(true);
    expect(ok(Hex32, 'AB'.repeat(32))).toBe(false);
    expect(ok(Hex32, 'ab'.repeat(31))).toBe(false);
    expect(ok(Hex32, 'g'.repeat(64))).toBe(false);
  });
});

describe('PersonText', () => {
  const Name = PersonText({ max: 10, description: 'a name' });
  it('trims, and keeps text with something visible in it', () => {
    expect(Name.parse('  张三 ')).toBe('张三');
    for (const v of ['O\u2019Brien', 'a b', '👩\u200d🔬', 'x\u200by']) expect(ok(Name, v), JSON.stringify(v)).toBe(true);
  });
  it('refuses blank and invisible text, bidirectional controls and control characters', () => {
    for (const v of ['', ' ', '\u3000', '\u200b', '\ufeff', '\u2060\u200c', '\u202eab', 'a\u2067b', 'a\u061cb', 'a\u200eb', 'a\u200fb', 'a\tb', 'a\u0000b', 'a\u009fb', 'x'.repeat(11), 42]) {
      expect(ok(Name, v), JSON.stringify(v)).toBe(false);
    }
  });
});

describe('holdsPersonalNumber: a phone or ID number in text kept in the log, however written', () => {
  it.each([
    ['电话13812345678', true],
    ['电话１３８１２３４５６７８', true],
    ['+8613812345678', true],
    ['8613812345678', true],
    ['138.1234.5678', true],
    ['138_1234_5678', true],
    ['138/1234/5678', true],
    ['1 3 8 1 2 3 4 5 6 7 8', true],
    ['138\u200b1234\u200b5678', true],
    ['一三八一二三四五六七八', true],
    ['幺三八 幺二三四 五六七八', true],
    ['110105 19760906 0009', true],
    ['ID110105197609060009', true],
    ['身份证 11010519491231002X', true],
    ['１１０１０５１９７６０９０６０００９', true],
    ['旧证 110105760906001', true],
    // An outside audit's forms that got past the first rule.
    ['身份证 110105 1976-09-06 0009', true],
    ['代理人身份证 110105 1976.09.06 0009', true],
    ['电话 壹伍玖柒叁玖玖肆叁陆柒', true],
    ['電話 壹伍玖柒參玖玖肆參陸柒', true],
    ['电话 ١٥٩٧٣٩٩٤٣٦٧', true],
    ['电话 १५९७३९९४३६७', true],
    ['电话 159x7399x4367', true],
    ['电话 159号7399号4367', true],
    // A re-test's forms past the second rule, and ordinary texts it wrongly refused.
    ['1597-3-99 4367-1-1', true],
    ['159ab7399cd4367', true],
    ['身份证号 11010519-7609-0600-0900-000000000000', true],
    ['手机 15973994-3670-0000-0000-000000000000', true],
    ['2026-12-01 09:30 开标推迟至 2026-12-08 09:30', false],
    ['开标时间由 2026-12-08 09:30 改为 2026-12-15 09:30', false],
    ['于2026年1月5日、3月9日、7月4日、9月6日未到场', false],
    ['1栋2单元301室 见 2026-12-01 通知', false],
    ['12月31日至1月15日 暂停', false],
    ['第3组第5号', false],
    ['依据 C-550e8400-e29b-41d4-a716-446655440000 处理', false],
    ['连续缺席 2 次', false],
    ['年满70周岁', false],
    ['2026-12-01 至 2027-01-31 暂停', false],
    ['2026-12-01 - 2027-01-31 暂停', false],
    ['依据 2026年12月1日 通知第一二条', false],
    ['开标时间 2026-12-01T09:00:00+08:00 改期', false],
    ['文号 〔2026〕12 号', false],
    ['统一社会信用代码见附件', false],
    // A third audit's forms: keycaps, combining marks, two CJK characters between the groups.
    ['1\uFE0F\u20E35\uFE0F\u20E39\uFE0F\u20E37\uFE0F\u20E33\uFE0F\u20E39\uFE0F\u20E39\uFE0F\u20E34\uFE0F\u20E33\uFE0F\u20E36\uFE0F\u20E37\uFE0F\u20E3', true],
    ['1\u03325\u03329\u03327\u03323\u03329\u03329\u03324\u03323\u03326\u03327\u0332', true],
    ['前三位159号码7399号码4367', true],
    ['身份证110105号码19760906号码0009', true],
    ['3号楼2单元501室，12层1203', false],
    ['第12组第3席', false],
  ] as const)('%s → %s', (text, refused) => {
    expect(holdsPersonalNumber(text)).toBe(refused);
  });
});

describe('namesPerson: an expert’s name in text kept in the log, however written', () => {
  it.each([
    ['杨丽未按时到场', true],
    ['杨 丽未按时到场', true],
    ['杨·丽未按时到场', true],
    ['杨\uFE00丽未按时到场', true],
    ['杨\u034F丽未按时到场', true],
    ['杨\u3164丽未按时到场', true],
    ['ＹＡＮＧ', false],
    ['杨某未按时到场', false],
  ] as const)('%s → %s', (text, named) => {
    expect(namesPerson(text, '杨丽')).toBe(named);
  });
});
