// How many bundles `proof verify` and `fairness` verify at once (src/cli/bundle-files.ts): never more than the files,
// nor than the cores, and a --jobs above the cores is said, not silently cut.
import { describe, expect, it } from 'vitest';
import { jobsFor } from '../../src/cli/bundle-files.js';

describe('jobsFor', () => {
  const said = (requested: number, files: number, cores: number, lang: 'en' | 'zh-CN' = 'en') => {
    const lines: string[] = [];
    return { jobs: jobsFor(requested, files, lang, (line) => lines.push(line), cores), lines };
  };

  it('takes --jobs as asked up to the cores, and fewer for fewer files', () => {
    expect(said(2, 100, 2)).toEqual({ jobs: 2, lines: [] });
    expect(said(1, 100, 8)).toEqual({ jobs: 1, lines: [] });
    expect(said(4, 3, 8)).toEqual({ jobs: 3, lines: [] });
    expect(said(4, 0, 8)).toEqual({ jobs: 1, lines: [] });
  });

  it('uses the cores available for a larger --jobs, and says so', () => {
    expect(said(8, 100, 2)).toEqual({ jobs: 2, lines: ['--jobs 8 is more than the 2 cores available: at most 2 bundles are verified at once'] });
    // Said even when the files alone would have limited it: the flag asked for more than the machine has.
    expect(said(8, 1, 2)).toEqual({ jobs: 1, lines: ['--jobs 8 is more than the 2 cores available: at most 2 bundles are verified at once'] });
  });

  it('says it in the reader\'s language', () => {
    expect(said(8, 100, 2, 'zh-CN')).toEqual({ jobs: 2, lines: ['--jobs 8 超过可用的 2 个处理器核：最多同时核验 2 个证明包'] });
  });
});
