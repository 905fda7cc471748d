// Terminal columns (src/cli/columns.ts): a Chinese character takes two; a line wraps between words or characters, never
// before a closing mark nor after an opening bracket.
import { describe, expect, it } from 'vitest';
import { columns, padColumns, wrapColumns } from '../../src/cli/columns.js';

describe('columns', () => {
  it('counts a Chinese character and a full-width mark as two columns', () => {
    expect(columns('abc')).toBe(3);
    expect(columns('专家 E01')).toBe(8);
    expect(columns('（默认：3）')).toBe(11);
    expect(padColumns('张三', 6)).toBe('张三  ');
    expect(padColumns('overlong', 4)).toBe('overlong ');
  });

  it('wraps English at spaces, as commander does', () => {
    expect(wrapColumns('one two three four', 9)).toBe('one two\nthree\nfour');
  });

  it('wraps Chinese between characters, keeping marks with their words', () => {
    expect(wrapColumns('交易中心为远程评标场地设立的证书颁发机构（CA）', 40)).toBe('交易中心为远程评标场地设立的证书颁发机构\n（CA）');
    expect(wrapColumns('文字的语言：zh-CN 或 en（默认：终端的 LANG，zh… 为中文）', 22)).toBe('文字的语言：zh-CN 或\nen（默认：终端的\nLANG，zh… 为中文）');
    for (const line of wrapColumns('核验备份（用日志密钥核验整个日志，并核对您保存的检查点），再复制到一个空的数据文件夹', 20).split('\n')) {
      expect(columns(line)).toBeLessThanOrEqual(20);
      expect(line).not.toMatch(/^[，。、；：）]|（$/);
    }
  });
});
