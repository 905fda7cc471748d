// Every configurable number of domain.md, with its default. The policy is hashed into each draw's commit.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LifecyclePolicy } from './lifecycle.js';

const count = (min: number, max: number) => z.int().min(min).max(max);

/**
 * Assurance a project may require of its draws (docs/draw-proof.md §11): `operator` (the server nonce alone) or
 * `beacon` (a drand round published after the commit; needs EXPERT_DRAW_BEACON_URL).
 */
export const AssuranceMinimum = z.enum(['operator', 'beacon']);
export type AssuranceMinimum = z.infer<typeof AssuranceMinimum>;

export const FrequencyCaps = z
  .object({
    windowDays: count(1, 3660).default(30).describe('Window for the overall cap, in days'),
    maxDraws: count(1, 1000).default(6).describe('At most this many selections in the window; reaching it excludes the expert'),
    tendererWindowDays: count(1, 3660).default(365).describe('Window for the same-tenderer cap, in days'),
    maxDrawsSameTenderer: count(1, 1000).default(3).describe('At most this many selections for one tenderer in its window'),
  })
  .strict();

/** One entry of the closed list of conduct a supervisor or operator may record after an evaluation (docs/records.md). */
export const ConductCode = z
  .object({
    code: z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/).describe('Stable code, upper case (e.g. LEFT_EARLY)'),
    zh: z.string().min(1).max(60).describe('Label in Chinese'),
    en: z.string().min(1).max(80).describe('Label in English'),
  })
  .strict();
export type ConductCode = z.infer<typeof ConductCode>;

/** The conduct list a centre gets when its policy file sets none. */
export const DEFAULT_CONDUCT: readonly ConductCode[] = [
  { code: 'LEFT_EARLY', zh: '评标未结束提前离场', en: 'Left before the evaluation ended' },
  { code: 'REFUSED_TO_SIGN', zh: '拒绝在评标报告上签字', en: 'Refused to sign the evaluation report' },
  { code: 'UNFAIR_SCORING', zh: '复核发现评分不公正', en: 'Unfair scoring found on review' },
  { code: 'CARELESS_SCORING', zh: '复核发现评分错误或不认真', en: 'Careless or wrong scoring found on review' },
  { code: 'LATE_CONFLICT_DISCLOSURE', zh: '未及时申明应当回避的情形', en: 'Disclosed a conflict of interest late' },
  { code: 'TOOK_INSTRUCTIONS', zh: '接受当事人的授意或暗示', en: 'Took instructions or hints from a party' },
  { code: 'DISCLOSED_INFORMATION', zh: '泄露评标过程或结果', en: 'Disclosed the evaluation or its result' },
];

/** Performance records (docs/records.md): when a check-in is late, when an accepted call is a no-show, the conduct list. */
export const RecordsPolicy = z
  .object({
    lateAfterOpeningMinutes: z.int().min(-1440).max(1440).default(0).describe('A check-in later than bid opening plus this many minutes is late (negative: before opening)'),
    noShowAfterMinutes: count(0, 2880).nullable().default(null).describe('An accepted call not checked in this long after bid opening is a no-show; null: by the end of the bid opening\'s day'),
    conduct: z
      .array(ConductCode)
      .min(1)
      .max(100)
      .default(() => DEFAULT_CONDUCT.map((c) => ({ ...c })))
      .refine((list) => new Set(list.map((c) => c.code)).size === list.length, { message: 'conduct codes must be unique' })
      .describe('The closed list of conduct that may be recorded after an evaluation'),
  })
  .strict();
export type RecordsPolicy = z.infer<typeof RecordsPolicy>;

export const Policy = z
  .object({
    leadTimeMinutes: count(0, 2880).default(60).describe('Automatic draw this long before bid opening (开标前1小时)'),
    maxLeadTimeMinutes: count(0, 2880).default(2880).describe('Never draw earlier than this before bid opening (48 h)'),
    alternatesPerGroup: count(0, 50).default(2).describe('Ranked alternates drawn with each group, at the least'),
    responseDeadlineMinutes: count(1, 1440).default(15).describe('Time an expert has to accept a call'),
    relationWindowYears: count(0, 50).default(3).describe('Past positions at a party count for this many years after they end'),
    frequency: FrequencyCaps.prefault({}),
    maxPerEmployerPerPanel: count(1, 50).default(1).describe('At most this many experts from one employer on a panel'),
    minCommitteeSize: count(1, 101).default(5).describe('Smallest committee, tenderer representatives included (law art 37)'),
    oddCommittee: z.boolean().default(true).describe('The committee must have an odd number of members'),
    minExpertShareNum: count(0, 100).default(2).describe('Drawn experts are at least num/den of the committee (2/3)'),
    minExpertShareDen: count(1, 100).default(3).describe('Denominator of the expert share'),
    localRegionLevel: z
      .enum(['province', 'city', 'county'])
      .default('city')
      .describe('For 异地 groups: experts sharing the project region at this level are left out'),
    // No default: a policy that does not set it hashes as it always did (the vectors' policyHash stays).
    minimumAssurance: AssuranceMinimum.optional().describe('Lowest assurance every draw must reach (docs/draw-proof.md §11); absent: operator'),
    // No default either, for the same reason: absent, the records section's defaults apply (recordsPolicy()).
    records: RecordsPolicy.optional().describe('Performance records: late check-in, no-shows, the conduct list (docs/records.md)'),
    // No default, for the same reason: absent, lifecyclePolicy() supplies the defaults.
    lifecycle: LifecyclePolicy.optional().describe('Admission and exit: re-confirmation period, retirement age (docs/admission.md)'),
  })
  .strict()
  .refine((p) => p.leadTimeMinutes <= p.maxLeadTimeMinutes, {
    message: 'leadTimeMinutes must not exceed maxLeadTimeMinutes',
    path: ['leadTimeMinutes'],
  })
  .refine((p) => p.minExpertShareNum <= p.minExpertShareDen, {
    message: 'the expert share cannot exceed 1',
    path: ['minExpertShareNum'],
  });

export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

export const DEFAULT_POLICY: Policy = Policy.parse({});

const DEFAULT_RECORDS: RecordsPolicy = RecordsPolicy.parse({});

/** The records section of a policy, its defaults where the file sets none. */
export function recordsPolicy(policy: Policy): RecordsPolicy {
  return policy.records ?? DEFAULT_RECORDS;
}

const DEFAULT_LIFECYCLE: LifecyclePolicy = LifecyclePolicy.parse({});

/** The lifecycle section of a policy, its defaults where the file sets none. */
export function lifecyclePolicy(policy: Policy): LifecyclePolicy {
  return policy.lifecycle ?? DEFAULT_LIFECYCLE;
}

/** The assurance a project's draw must reach: the higher of the policy's minimum and the project's own request. */
export function requiredAssurance(policy: Policy, asked: AssuranceMinimum | undefined): AssuranceMinimum {
  return policy.minimumAssurance === 'beacon' || asked === 'beacon' ? 'beacon' : 'operator';
}

export const REGION_LEVEL_DIGITS = { province: 2, city: 4, county: 6 } as const;

/** Below these, a policy is for trying the service (docs/first-run-policy.json), not for a trading centre's draws. */
export const PRODUCTION_MIN_LEAD_MINUTES = 15;
export const PRODUCTION_MIN_RESPONSE_MINUTES = 5;

/**
 * What production mode refuses in a policy, each saying what to set: a draw so close to bid opening, or a call so short,
 * that experts cannot answer before the evaluation begins.
 */
export function productionPolicyProblems(p: Policy): string[] {
  const out: string[] = [];
  if (p.leadTimeMinutes < PRODUCTION_MIN_LEAD_MINUTES) {
    out.push(`leadTimeMinutes ${p.leadTimeMinutes} is for a first run: a centre draws at least ${PRODUCTION_MIN_LEAD_MINUTES} minutes before bid opening (the default is 60); remove it from the policy file or set it to ${PRODUCTION_MIN_LEAD_MINUTES} or more`);
  }
  if (p.responseDeadlineMinutes < PRODUCTION_MIN_RESPONSE_MINUTES) {
    out.push(`responseDeadlineMinutes ${p.responseDeadlineMinutes} gives experts no time to read and answer their call: set it to ${PRODUCTION_MIN_RESPONSE_MINUTES} or more (the default is 15)`);
  }
  if (p.leadTimeMinutes < p.responseDeadlineMinutes) {
    out.push(`leadTimeMinutes ${p.leadTimeMinutes} is shorter than responseDeadlineMinutes ${p.responseDeadlineMinutes}: the first calls could not be answered before bid opening; make the lead time at least the response deadline`);
  }
  return out;
}

/** The policy of a deployment: the defaults, with the numbers a JSON file sets. A bad file stops the start, named. */
export function loadPolicy(file: string | undefined): Policy {
  if (file === undefined) return DEFAULT_POLICY;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`policy file ${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  const parsed = Policy.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
  throw new Error(`policy file ${file} is invalid:\n${lines.join('\n')}`);
}
