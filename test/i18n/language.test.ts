// Accept-Language → the answer's language: zh-CN unless English is preferred, q-values honoured, malformed ranges
// skipped.
import { describe, expect, it } from 'vitest';
import { cliLanguage, negotiateLanguage } from '../../src/i18n/language.js';

describe('negotiateLanguage', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['en', 'en'],
    ['en-US', 'en'],
    ['EN-gb', 'en'],
    ['zh', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['fr', 'zh-CN'],
    ['fr-FR, de;q=0.9', 'zh-CN'],
    ['fr, en;q=0.5', 'en'],
    ['*', 'zh-CN'],
    ['zh;q=0.5, en;q=0.8', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['en, zh', 'en'],
    ['zh, en', 'zh-CN'],
    ['en;q=0', 'zh-CN'],
    ['zh;q=0, *', 'en'],
    ['en;q=0, *', 'zh-CN'],
    ['zh;q=0, en;q=0', 'zh-CN'],
    ['en;q=0.5, *;q=0.1', 'en'],
    ['fr, *;q=0.1, en;q=0.05', 'zh-CN'],
    // The most specific range decides for its language.
    ['en-US;q=0, en;q=1', 'zh-CN'],
    ['en;q=0, en-GB;q=0.7', 'en'],
    ['en ; q=0.7 , zh ; q=0.6', 'en'],
    ['en;q=0.500', 'en'],
    // Malformed ranges are skipped, the rest still count.
    ['en;q=2', 'zh-CN'],
    ['en;q=abc', 'zh-CN'],
    ['en;q=0.1234', 'zh-CN'],
    ['en_US', 'zh-CN'],
    ['??, en', 'en'],
    [['fr', 'en;q=0.3'], 'en'],
  ] as const)('%j → %s', (header, lang) => {
    expect(negotiateLanguage(header as string | string[] | undefined)).toBe(lang);
  });

  it('reads a bounded number of ranges', () => {
    expect(negotiateLanguage(`${'fr,'.repeat(100)}en`)).toBe('zh-CN');
    expect(negotiateLanguage(`${'fr,'.repeat(10)}en`)).toBe('en');
  });
});

describe('cliLanguage', () => {
  it.each([
    [['log', 'verify'], { LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [['log', 'verify'], { LANG: 'C.UTF-8' }, 'en'],
    [['log', 'verify'], { LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8' }, 'zh-CN'],
    [['--lang', 'en', 'log', 'verify'], { LANG: 'zh_CN.UTF-8' }, 'en'],
    [['log', 'verify', '--lang=zh-CN'], {}, 'zh-CN'],
    // Not a language it speaks: the shell's (the parser then refuses the value in it).
    [['log', '--lang', 'fr'], { LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    // After `--` it is an argument, not the option.
    [['demo', '--', '--lang', 'zh-CN'], {}, 'en'],
  ] as const)('%j in %j: %s', (args, env, lang) => {
    expect(cliLanguage(args, env)).toBe(lang);
  });
});
