// Validation issues read by a person: our schema's message where it has one, else our texts in both languages (zod's
// own English, "Too small: expected string to have >=1 characters", is not shown); never the value that was sent.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProjectId, ResidentId } from '../../src/domain/primitives.js';
import { issueText } from '../../src/i18n/zod-issues.js';

function texts(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected an issue');
  return result.error.issues.map((issue) => ({ en: issueText(issue).text('en'), zh: issueText(issue).text('zh-CN'), zod: issue.message }));
}

describe('issueText', () => {
  it('reads our schemas’ own messages in both languages', () => {
    const [id] = texts(ResidentId, '110105199001011230');
    expect(id).toEqual({ zod: 'not a valid resident ID number (18 characters with a check digit)', en: 'not a valid resident ID number (18 characters with a check digit)', zh: '不是有效的居民身份证号码（18 位，含校验码）' });
    expect(texts(ProjectId, 'a b')[0]!.zh).toBe('项目编号：1–64 个字符，限 A–Z、a–z、0–9、_、. 或 -');
  });

  it.each([
    ['a missing field', z.object({ name: z.string() }), {}, '缺少此字段（应为字符串）', 'missing (expected a string)'],
    ['a wrong type', z.object({ n: z.number() }), { n: 'x' }, '类型不对：应为数字', 'wrong type: expected a number'],
    ['an empty string', z.string().min(1), '', '不能为空', 'must not be empty'],
    ['a short string', z.string().min(3), 'ab', '至少 3 个字符', 'at least 3 characters'],
    ['a long string', z.string().max(2), 'abc', '最多 2 个字符', 'at most 2 characters'],
    ['too few items', z.array(z.int()).min(2), [1], '至少 2 项', 'at least 2 items'],
    ['a small number', z.int().min(5), 4, '不能小于 5', 'must be at least 5'],
    ['a big number', z.int().lt(5), 5, '须小于 5', 'must be less than 5'],
    ['an option', z.enum(['accept', 'decline']), 'maybe', '取值须为以下之一："accept"、"decline"', 'must be one of: "accept", "decline"'],
    ['a date', z.iso.date(), '2026-13-01', '格式不对：应为日期（YYYY-MM-DD）', 'wrong format: expected a date (YYYY-MM-DD)'],
    ['an unknown key', z.object({}).strict(), { extra: 1 }, '未知字段：extra', 'unknown fields: extra'],
  ] as const)('%s', (_what, schema, value, zh, en) => {
    const [issue] = texts(schema as z.ZodType, value);
    expect(issue!.zh).toBe(zh);
    expect(issue!.en).toBe(en);
  });

  it('never holds the value sent', () => {
    for (const issue of [...texts(ResidentId, '110105199001011230'), ...texts(z.string().max(3), '13912340001'), ...texts(z.enum(['a']), '13912340001')]) {
      for (const text of [issue.en, issue.zh]) expect(text).not.toContain('13912340001');
    }
  });
});
