// The table tests of the catalogue: every error code has a title in both languages, every message both texts, the
// same placeholders in each, Chinese in the Chinese column and none in the English one.
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, errorTitle, type ErrorCode } from '../../src/errors.js';
import { allEntries, entryOf } from '../../src/i18n/catalogue.js';
import { CLI_HELP } from '../../src/i18n/cli/help.js';
import { CLI_REPORTS } from '../../src/i18n/cli/reports.js';
import { LANGS } from '../../src/i18n/language.js';
import { clauses, localize, Message, msg } from '../../src/i18n/message.js';

const HAN = /\p{Script=Han}/u;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const entries = allEntries();
/** The command line's texts (src/i18n/cli/), written as the catalogue's areas are and held to the same table. */
const cliEntries = [...Object.entries(CLI_HELP).map(([k, e]) => [`cliHelp.${k}`, e] as const), ...Object.entries(CLI_REPORTS).map(([k, e]) => [`cliReports.${k}`, e] as const)];

describe('error codes', () => {
  it.each(Object.keys(ERROR_STATUS) as ErrorCode[])('%s has a Chinese and an English title', (code) => {
    const zh = errorTitle(code).text('zh-CN');
    const en = errorTitle(code).text('en');
    expect(zh.trim()).not.toBe('');
    expect(en.trim()).not.toBe('');
    expect(zh).toMatch(HAN);
    expect(en).not.toMatch(HAN);
    expect(zh).not.toBe(en);
  });

  it('titles no code that does not exist', () => {
    const titled = entries.filter(([key]) => key.startsWith('code.')).map(([key]) => key.slice('code.'.length));
    expect(titled.sort()).toEqual(Object.keys(ERROR_STATUS).sort());
  });
});

describe('messages', () => {
  it('are many, in areas, and found by key only', () => {
    expect(entries.length).toBeGreaterThan(150);
    for (const [key, entry] of entries) {
      expect(key).toMatch(/^[a-zA-Z]+\.[\w-]+$/);
      expect(entryOf(key)).toBe(entry);
    }
    for (const key of ['project', 'nope.notFound', 'project.nope', 'code.toString', 'constructor.name', '__proto__.x']) expect(entryOf(key), key).toBeUndefined();
  });

  it.each([...entries, ...cliEntries])('%s: both texts, Chinese where Chinese, the same placeholders', (_key, entry) => {
    for (const text of [entry.zh, entry.en]) {
      expect(text).toBe(text.trim());
      expect(text).not.toBe('');
    }
    expect(entry.zh).toMatch(HAN);
    expect(entry.en).not.toMatch(HAN);
    expect(entry.zh).not.toBe(entry.en);
    expect(placeholders(entry.zh)).toEqual(placeholders(entry.en));
    // No half-written placeholder: every brace belongs to a `{name}`.
    for (const text of [entry.zh, entry.en]) expect(text.replace(/\{\w+\}/g, '')).not.toMatch(/[{}]/);
  });
});

describe('rendering', () => {
  it('fills each placeholder in the language asked, nested messages and lists included', () => {
    const m = msg('project.notReschedulable', { id: 'P-1', state: msg('projectState.drawn') });
    expect(m.text('zh-CN')).toBe('项目 P-1 当前为“已抽取”；只有已排期、错过抽取时间或抽取失败的项目可以改期');
    expect(m.text('en')).toBe('project P-1 is drawn; only a scheduled, missed or failed project can be rescheduled');
    const roles = msg('auth.rolesNeeded', { roles: [msg('role.operator'), msg('role.supervisor')] });
    expect(roles.text('zh-CN')).toBe('此操作需要以下角色之一：操作员、监督人员');
    expect(roles.text('en')).toBe('this needs one of the roles: operator, supervisor');
    const rules = msg('project.scheduleRules', { rules: clauses([msg('project.leadTooLong', { lead: 3000, max: 2880 }), msg('project.openingPast')]) });
    expect(rules.text('zh-CN')).toBe('不符合抽取时间规则：提前 3000 分钟抽取，超过政策上限 2880 分钟；开标时间不在将来');
    expect(rules.text('en')).toBe('the schedule rules are not met: lead time of 3000 minutes exceeds the policy cap of 2880; bid opening is not in the future');
  });

  it('renders every message without a placeholder left, given a value for each', () => {
    for (const [key, entry] of entries) {
      const params = Object.fromEntries(placeholders(entry.en).map((p) => [p, 'X']));
      for (const lang of LANGS) expect(new Message(key, params).text(lang), key).not.toMatch(/\{\w+\}/);
    }
  });

  it('localizes every message inside plain answers and details, and leaves the rest alone', () => {
    const details = { errors: [{ line: 3, code: 'BAD_JSON', message: msg('importRow.badJsonAt', { column: 7 }) }], rows: 2, at: new Date(0) };
    expect(localize(details, 'zh-CN')).toEqual({ errors: [{ line: 3, code: 'BAD_JSON', message: '不是有效的 JSON（约第 7 列）' }], rows: 2, at: new Date(0) });
    expect(localize(details, 'en').errors[0]!.message).toBe('not valid JSON (near column 7)');
  });

  it('reads English where a message is serialised or interpolated by accident (service logs)', () => {
    const m = msg('draw.notFound', { id: 'D-1' });
    expect(JSON.stringify({ m })).toBe('{"m":"no draw D-1"}');
    expect(`${m}`).toBe('no draw D-1');
  });
});
