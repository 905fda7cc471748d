// Shared test fixtures: published valid national codes, and schema-checked builders for experts, projects and policies.
import { usccCheckChar } from '../../src/domain/codes.js';
import { Expert, type ExpertInput } from '../../src/domain/expert.js';
import { Policy, type PolicyInput } from '../../src/domain/policy.js';
import { Project, type ProjectInput } from '../../src/domain/project.js';

/**
 * Unified social credit codes of real organisations, as published (e.g. the list in bluesky335/IDCheck
 * USCI/USCI_test.go and hutool's CreditCodeUtilTest). Each one was re-checked with an independent implementation of
 * GB 32100-2015 (weights 3^i mod 31, check = (31 − Σ mod 31) mod 31) before being relied on here.
 */
export const PUBLISHED_VALID_USCC = [
  '91350100M000100Y43', // the "official example" (官方示例) quoted with GB 32100-2015
  '9135010557098120XJ',
  '91120222MA06DG3067',
  '91120222MA0699U071',
  '91310000MA1K35Y38P',
  '91110108795101314G',
  '914403001922038216', // 华为技术有限公司
  '91330000704202479R',
  '91500105MA5UM6TF71',
  '913504001555807674',
  '9135020026015919XW',
  '913502006120495420',
  '91310115591693856A',
  '91310110666007217T',
] as const;

/** Legally issued codes from early pilot regions whose check character does not follow GB 32100-2015. */
export const PUBLISHED_NONCONFORMING_USCC = ['91350211M0000XUF46', '91350100M0001TGQXM', '91350203M0001FUE2P', '91350211M00013FA1N'] as const;

/** Resident ID numbers with a correct GB 11643-1999 check character (the first is the standard's own example). */
export const PUBLISHED_VALID_RESIDENT_ID = ['11010519491231002X'] as const;

/** Organisation codes playing fixed parts in the conflict tests. */
export const ORG = {
  tenderer: '914403001922038216',
  agency: '91330000704202479R',
  bidder: '91110108795101314G',
  bidder2: '91310115591693856A',
  avoided: '913504001555807674',
  neutral: '9135020026015919XW',
  neutral2: '913502006120495420',
} as const;

/** A valid USCC for any n ≥ 0 (independent of the pool generator): 91 + region 440300 + n in base 31 + check. */
export function testUscc(n: number): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let body = '';
  let x = n;
  for (let i = 0; i < 9; i++) {
    body = alphabet.charAt(x % 31) + body;
    x = Math.floor(x / 31);
  }
  const first17 = `91440300${body}`;
  return first17 + usccCheckChar(first17);
}

/** An active expert with no declarations, employed by a neutral organisation; parsed, so defaults are applied. */
export function makeExpert(overrides: Partial<ExpertInput> = {}): Expert {
  return Expert.parse({
    id: 'E1',
    specialties: ['A0101'],
    region: '440305',
    employer: ORG.neutral,
    status: 'active',
    ...overrides,
  });
}

/** A project with a tenderer, an agency, one bidder and one avoided organisation, opening 2026-12-01 09:00 (+08:00). */
export function makeProject(overrides: Partial<ProjectInput> = {}): Project {
  return Project.parse({
    id: 'P-1',
    tenderer: ORG.tenderer,
    agency: ORG.agency,
    bidders: [ORG.bidder],
    avoid: [ORG.avoided],
    preparedBy: [],
    bidOpeningAt: '2026-12-01T09:00:00+08:00',
    region: '440305',
    ...overrides,
  });
}

export function makePolicy(overrides: PolicyInput = {}): Policy {
  return Policy.parse(overrides);
}

/** Replace the character at `index`. */
export function replaceAt(s: string, index: number, ch: string): string {
  return s.slice(0, index) + ch + s.slice(index + 1);
}

/** The paths of every issue of a failed safeParse, joined with '.', e.g. ['groups.0.count']. */
export function issuePaths(result: { success: boolean; error?: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey> }> } }): string[] {
  if (result.success) return [];
  return (result.error?.issues ?? []).map((i) => i.path.map(String).join('.'));
}
