// Policy schema: every documented default, bounds, strictness and the cross-field refinements.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, FrequencyCaps, loadPolicy, Policy, recordsPolicy, REGION_LEVEL_DIGITS } from '../../src/domain/policy.js';
import { issuePaths } from '../helpers/fixtures.js';

describe('Policy defaults', () => {
  it('Policy.parse({}) yields every documented default', () => {
    expect(Policy.parse({})).toEqual({
      leadTimeMinutes: 60,
      maxLeadTimeMinutes: 2880,
      alternatesPerGroup: 2,
      responseDeadlineMinutes: 15,
      relationWindowYears: 3,
      frequency: { windowDays: 30, maxDraws: 6, tendererWindowDays: 365, maxDrawsSameTenderer: 3 },
      maxPerEmployerPerPanel: 1,
      minCommitteeSize: 5,
      oddCommittee: true,
      minExpertShareNum: 2,
      minExpertShareDen: 3,
      localRegionLevel: 'city',
    });
  });

  it('DEFAULT_POLICY is the parsed empty policy', () => {
    expect(DEFAULT_POLICY).toEqual(Policy.parse({}));
  });

  it('a partial frequency object keeps the other frequency defaults', () => {
    expect(Policy.parse({ frequency: { maxDraws: 10 } }).frequency).toEqual({
      windowDays: 30,
      maxDraws: 10,
      tendererWindowDays: 365,
      maxDrawsSameTenderer: 3,
    });
    expect(FrequencyCaps.parse({})).toEqual(DEFAULT_POLICY.frequency);
  });

  it('overrides keep the other defaults', () => {
    const p = Policy.parse({ leadTimeMinutes: 30, localRegionLevel: 'province', oddCommittee: false });
    expect(p).toEqual({ ...DEFAULT_POLICY, leadTimeMinutes: 30, localRegionLevel: 'province', oddCommittee: false });
  });

  it('region levels map to 2, 4 and 6 digits', () => {
    expect(REGION_LEVEL_DIGITS).toEqual({ province: 2, city: 4, county: 6 });
  });
});

describe('Policy validation', () => {
  it('accepts a lead time equal to the cap, and both at their bounds', () => {
    expect(Policy.safeParse({ leadTimeMinutes: 120, maxLeadTimeMinutes: 120 }).success).toBe(true);
    expect(Policy.safeParse({ leadTimeMinutes: 0, maxLeadTimeMinutes: 0 }).success).toBe(true);
    expect(Policy.safeParse({ leadTimeMinutes: 2880 }).success).toBe(true);
  });

  it('rejects leadTimeMinutes > maxLeadTimeMinutes on the leadTimeMinutes path', () => {
    const result = Policy.safeParse({ leadTimeMinutes: 121, maxLeadTimeMinutes: 120 });
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual(['leadTimeMinutes']);
  });

  it('rejects an expert share above 1 on the minExpertShareNum path', () => {
    expect(Policy.safeParse({ minExpertShareNum: 3, minExpertShareDen: 3 }).success).toBe(true);
    expect(issuePaths(Policy.safeParse({ minExpertShareNum: 4, minExpertShareDen: 3 }))).toEqual(['minExpertShareNum']);
  });

  it.each([
    ['unknown field', { drawMode: 'auto' }, ''],
    ['unknown frequency field', { frequency: { perWeek: 1 } }, 'frequency'],
    ['lead time above the 48 h cap', { leadTimeMinutes: 2881 }, 'leadTimeMinutes'],
    ['cap above 48 h', { maxLeadTimeMinutes: 2881 }, 'maxLeadTimeMinutes'],
    ['negative lead time', { leadTimeMinutes: -1 }, 'leadTimeMinutes'],
    ['fractional lead time', { leadTimeMinutes: 1.5 }, 'leadTimeMinutes'],
    ['51 alternates', { alternatesPerGroup: 51 }, 'alternatesPerGroup'],
    ['response deadline 0', { responseDeadlineMinutes: 0 }, 'responseDeadlineMinutes'],
    ['response deadline above a day', { responseDeadlineMinutes: 1441 }, 'responseDeadlineMinutes'],
    ['negative relation window', { relationWindowYears: -1 }, 'relationWindowYears'],
    ['relation window above 50', { relationWindowYears: 51 }, 'relationWindowYears'],
    ['frequency window 0 days', { frequency: { windowDays: 0 } }, 'frequency.windowDays'],
    ['maxDraws 0', { frequency: { maxDraws: 0 } }, 'frequency.maxDraws'],
    ['tenderer window above 3660 days', { frequency: { tendererWindowDays: 3661 } }, 'frequency.tendererWindowDays'],
    ['same-tenderer cap 0', { frequency: { maxDrawsSameTenderer: 0 } }, 'frequency.maxDrawsSameTenderer'],
    ['employer cap 0', { maxPerEmployerPerPanel: 0 }, 'maxPerEmployerPerPanel'],
    ['committee of 0', { minCommitteeSize: 0 }, 'minCommitteeSize'],
    ['committee above 101', { minCommitteeSize: 102 }, 'minCommitteeSize'],
    ['oddCommittee as a string', { oddCommittee: 'yes' }, 'oddCommittee'],
    ['share denominator 0', { minExpertShareDen: 0 }, 'minExpertShareDen'],
    ['unknown region level', { localRegionLevel: 'country' }, 'localRegionLevel'],
  ])('rejects %s', (_label, input, path) => {
    const result = Policy.safeParse(input);
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toContain(path);
  });
});

describe('loadPolicy (EXPERT_DRAW_POLICY_FILE)', () => {
  const withFile = (text: string, run: (file: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    try {
      writeFileSync(join(dir, 'policy.json'), text);
      run(join(dir, 'policy.json'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('is the defaults without a file', () => {
    expect(loadPolicy(undefined)).toBe(DEFAULT_POLICY);
  });

  it('takes the numbers a file sets and the defaults for the rest', () => {
    withFile('{"responseDeadlineMinutes": 20, "frequency": {"maxDraws": 4}}', (file) => {
      expect(loadPolicy(file)).toEqual({ ...DEFAULT_POLICY, responseDeadlineMinutes: 20, frequency: { ...DEFAULT_POLICY.frequency, maxDraws: 4 } });
    });
  });

  it('names every bad field, and a file that is not JSON', () => {
    withFile('{"leadTimeMinutes": 3000, "unknownRule": 1}', (file) => {
      expect(() => loadPolicy(file)).toThrow(/leadTimeMinutes: Too big/);
      expect(() => loadPolicy(file)).toThrow(/Unrecognized key: "unknownRule"/);
    });
    withFile('lead time: 60', (file) => expect(() => loadPolicy(file)).toThrow(/cannot be read as JSON/));
    expect(() => loadPolicy('/nonexistent/policy.json')).toThrow(/cannot be read/);
  });
});

describe('the records section', () => {
  it('is absent from the parsed defaults (draws hash as before), and recordsPolicy() supplies its defaults', () => {
    expect('records' in DEFAULT_POLICY).toBe(false);
    const r = recordsPolicy(DEFAULT_POLICY);
    expect(r).toMatchObject({ lateAfterOpeningMinutes: 0, noShowAfterMinutes: null });
    expect(r.conduct.map((c) => c.code)).toEqual(['LEFT_EARLY', 'REFUSED_TO_SIGN', 'UNFAIR_SCORING', 'CARELESS_SCORING', 'LATE_CONFLICT_DISCLOSURE', 'TOOK_INSTRUCTIONS', 'DISCLOSED_INFORMATION']);
    for (const c of r.conduct) expect(c.zh.length > 0 && c.en.length > 0, c.code).toBe(true);
  });

  it('takes a centre’s own list and times, with the defaults for the rest', () => {
    const p = Policy.parse({ records: { noShowAfterMinutes: 240, conduct: [{ code: 'ABSENT_MINDED', zh: '评标时注意力不集中', en: 'Inattentive during the evaluation' }] } });
    expect(recordsPolicy(p)).toEqual({ lateAfterOpeningMinutes: 0, noShowAfterMinutes: 240, conduct: [{ code: 'ABSENT_MINDED', zh: '评标时注意力不集中', en: 'Inattentive during the evaluation' }] });
  });

  it.each([
    ['a repeated code', { conduct: [{ code: 'A_1', zh: '甲', en: 'a' }, { code: 'A_1', zh: '乙', en: 'b' }] }, 'records.conduct'],
    ['a lower-case code', { conduct: [{ code: 'left_early', zh: '甲', en: 'a' }] }, 'records.conduct.0.code'],
    ['an empty list', { conduct: [] }, 'records.conduct'],
    ['a label missing', { conduct: [{ code: 'A_1', zh: '甲' }] }, 'records.conduct.0.en'],
    ['a no-show time above two days', { noShowAfterMinutes: 2881 }, 'records.noShowAfterMinutes'],
    ['an unknown field', { lateMinutes: 5 }, 'records'],
  ])('rejects %s', (_name, records, path) => {
    expect(issuePaths(Policy.safeParse({ records }))).toEqual([path]);
  });
});

describe('witnessed assurance and the witness rule (docs/draw-proof.md §6.2)', () => {
  it('orders operator < witnessed < beacon: the policy’s minimum and the project’s request, the higher wins', async () => {
    const { requiredAssurance } = await import('../../src/domain/policy.js');
    const levels = [undefined, 'operator', 'witnessed', 'beacon'] as const;
    const rank = { operator: 0, witnessed: 1, beacon: 2 } as const;
    for (const min of levels) {
      for (const asked of levels) {
        const got = requiredAssurance(Policy.parse(min ? { minimumAssurance: min } : {}), asked);
        expect(rank[got]).toBe(Math.max(rank[min ?? 'operator'], rank[asked ?? 'operator']));
      }
    }
  });

  it('fills the witness rule’s fields when it is given, and leaves the policy without it otherwise (its hash unchanged)', async () => {
    const { witnessRule } = await import('../../src/domain/policy.js');
    expect(Policy.parse({}).witnesses).toBeUndefined();
    expect(witnessRule(Policy.parse({}))).toEqual({ required: 1, onShort: 'fail' });
    expect(Policy.parse({ witnesses: { required: 3 } }).witnesses).toEqual({ required: 3, onShort: 'fail' });
    expect(witnessRule(Policy.parse({ witnesses: { onShort: 'operator' } }))).toEqual({ required: 1, onShort: 'operator' });
    for (const bad of [{ required: 0 }, { required: 17 }, { onShort: 'ignore' }, { required: 2, extra: true }]) expect(Policy.safeParse({ witnesses: bad }).success, JSON.stringify(bad)).toBe(false);
  });
});
