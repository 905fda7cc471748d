// docs/glossary.md is the single source of the Chinese wording: no Chinese text of the catalogue (or of the Chinese
// validation texts) uses a word its "not to use" column lists.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allEntries } from '../../src/i18n/catalogue.js';
import { CLI_HELP } from '../../src/i18n/cli/help.js';
import { CLI_REPORTS } from '../../src/i18n/cli/reports.js';
import { ZOD_ISSUE_ZH } from '../../src/i18n/zod-issues.js';
import { forbiddenWords, violations } from '../helpers/glossary.js';

const words = forbiddenWords(readFileSync(new URL('../../docs/glossary.md', import.meta.url), 'utf8'));
const chinese = [...allEntries().map(([, e]) => e.zh), ...Object.values(ZOD_ISSUE_ZH), ...[CLI_HELP, CLI_REPORTS].flatMap((area) => Object.values(area).map((e) => e.zh))];

describe('glossary', () => {
  it('lists the variants not to use', () => {
    expect(words).toEqual(expect.arrayContaining(['抽签', '摇号', '候补', '替补', '解封', '拆封', '报到', '站点', '评审', '投标方']));
    // Explanations are not words: nothing in parentheses is taken.
    expect(words.some((w) => /[()（）]/.test(w))).toBe(false);
  });

  it('finds a forbidden word in a text', () => {
    expect(violations(['专家抽签完成', '正在抽取'], ['抽签'])).toEqual(['抽签: 专家抽签完成']);
  });

  it('no Chinese text of the catalogue (the command line\'s included) uses a variant the glossary rules out', () => {
    expect(chinese.length).toBeGreaterThan(150);
    expect(violations(chinese, words)).toEqual([]);
  });
});
