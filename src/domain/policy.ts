// Every configurable number of domain.md, with its default. The policy is hashed into each draw's commit.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LifecyclePolicy } from './lifecycle.js';

const count = (min: number, max: number) => z.int().min(min).max(max);

/**
 * Assurance a project may require of its draws (docs/draw-proof.md §11): `operator` (the server nonce alone),
 * `witnessed` (a planned draw: nonce committed at scheduling, witnesses' secrets deposited before the draw, §6.2) or
 * `beacon` (a drand round published after the commit; needs EXPERT_DRAW_BEACON_URL). In that order, lowest first.
 */
export const AssuranceMinimum = z.enum(['operator', 'witnessed', 'beacon']);
export type AssuranceMinimum = z.infer<typeof AssuranceMinimum>;
const ASSURANCE_RANK: Readonly<Record<AssuranceMinimum, number>> = { operator: 0, witnessed: 1, beacon: 2 };

/** What a witnessed draw needs (§6.2): how many deposits, and what happens with fewer at the draw. */
export const WitnessRule = z
  .object({
    required: count(1, 16).default(1).describe('Witness deposits a witnessed draw needs (one honest witness suffices: §11)'),
    onShort: z
      .enum(['fail', 'operator'])
      .default('fail')
      .describe('Fewer deposits at the draw: fail (WITNESS_MISSING, the draw opened at once) or draw with the deposits there are, stating the assurance they give'),
  })
  .strict();
export type WitnessRule = z.infer<typeof WitnessRule>;
const DEFAULT_WITNESS_RULE: WitnessRule = WitnessRule.parse({});

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

const alpha = (dflt: number) =>
  z.number().gt(0).max(0.1).default(dflt).describe('Family-wise threshold: the chance that an honest history raises this alert for anybody at all');

/** Monitoring and early warning (docs/alerts.md): each pattern's threshold and the least evidence it needs. */
export const AlertsPolicy = z
  .object({
    windowDays: count(30, 3660).default(365).describe('Declines, co-seating and agency repeats read the disclosed draws whose bid opening is in this many days before now'),
    declineCluster: z
      .object({
        alpha: alpha(0.001),
        minDeclines: count(1, 1000).default(3).describe('Declines to one tenderer below this never raise an alert'),
      })
      .strict()
      .prefault({}),
    coSeating: z
      .object({
        alpha: alpha(0.001),
        minTogether: count(2, 1000).default(3).describe('Panels shared fewer times than this never raise an alert'),
      })
      .strict()
      .prefault({}),
    agencyRepeat: z
      .object({
        alpha: alpha(0.001),
        minSeated: count(1, 1000).default(3).describe('Seats on one agency\'s projects fewer than this never raise an alert'),
      })
      .strict()
      .prefault({}),
    acceptanceDrop: z
      .object({
        alpha: alpha(0.001),
        periodDays: count(1, 365).default(30).describe('The latest period, in days before now'),
        baselineDays: count(1, 3660).default(180).describe('The trailing baseline: this many days before the period'),
        minDrop: z.number().min(0).max(1).default(0.05).describe('The least fall of the acceptance rate (0.05: five percentage points) that raises an alert'),
        minCalls: count(1, 1_000_000).default(50).describe('The period and the baseline each need this many calls'),
      })
      .strict()
      .prefault({}),
    withdrawnDraws: z
      .object({
        days: count(1, 365).default(30).describe('Cancellations of drawn projects are counted over this many days before now'),
        min: count(1, 1000).default(3).describe('A remote site with this many drawn projects cancelled in those days raises an alert'),
      })
      .strict()
      // No default in the parsed policy: an alerts section written before this rule parses (and hashes) as it did.
      .optional()
      .describe('A remote site opens its result at once: drawn projects it cancels may be re-rolls for an expert it wants (docs/security.md T3)'),
  })
  .strict();
export type AlertsPolicy = z.infer<typeof AlertsPolicy>;
/** The automatic records a sanction rule can count (docs/records.md "Rules and consequences"), besides conduct codes. */
export const AUTOMATIC_CODES = ['no-show', 'timeout', 'decline', 'late', 'refused'] as const;
const RuleCode = z.string().regex(/^([a-z]+(-[a-z]+)*|[A-Z][A-Z0-9_]{1,39})$/).describe('A record code: no-show, timeout, decline, late, refused, or a conduct code of the records section');

/** What a rule measures over an expert's records in its window: how many, or a score with deductions. */
export const RuleMeasure = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('count').describe('Fires when at least `atLeast` records of these codes fall within the window'),
      codes: z.array(RuleCode).min(1).max(50).describe('The record codes counted'),
      atLeast: count(1, 100).describe('How many records trigger the rule'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('score').describe('A score that starts at `start` and loses each record\'s deduction; fires when it falls below `below` within the window'),
      start: count(1, 1000).describe('The score without records (e.g. 100)'),
      below: count(0, 1000).describe('The rule fires when the score falls below this line (e.g. 60)'),
      deductions: z.record(RuleCode, count(1, 1000)).describe('Points each record code deducts'),
    })
    .strict()
    .refine((m) => m.below <= m.start, { message: 'below cannot exceed start' }),
]);
export type RuleMeasure = z.infer<typeof RuleMeasure>;

export const RuleConsequence = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('suspend').describe('Suspend the expert from draws'), months: count(1, 120).describe('For this many months from the day the rule fires') }).strict(),
  z.object({ kind: z.literal('blacklist').describe('Blacklist the expert (黑名单): no end') }).strict(),
  z.object({ kind: z.literal('review').describe('Flag the expert for a pool manager\'s review: the status is not changed') }).strict(),
]);
export type RuleConsequence = z.infer<typeof RuleConsequence>;

/** One rule that turns records into a consequence (docs/records.md "Rules and consequences"). */
export const SanctionRule = z
  .object({
    id: z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/).describe('Stable rule id, upper case (cited in the log)'),
    zh: z.string().min(1).max(120).describe('What the rule says, in Chinese'),
    en: z.string().min(1).max(160).describe('What the rule says, in English'),
    withinDays: count(1, 3660).describe('The records that trigger it lie at most this many days apart'),
    measure: RuleMeasure,
    consequence: RuleConsequence,
  })
  .strict();
export type SanctionRule = z.infer<typeof SanctionRule>;

/** The rules a centre gets when its policy file sets none. */
export const DEFAULT_RULES: readonly SanctionRule[] = [
  {
    id: 'NO_SHOW_TWICE',
    zh: '12个月内两次接受通知后未到场，暂停抽取6个月',
    en: 'Two no-shows within 12 months: suspended for 6 months',
    withinDays: 365,
    measure: { kind: 'count', codes: ['no-show'], atLeast: 2 },
    consequence: { kind: 'suspend', months: 6 },
  },
  {
    id: 'SERIOUS_MISCONDUCT',
    zh: '接受当事人授意或泄露评标情况，列入黑名单',
    en: 'Took instructions from a party or disclosed the evaluation: blacklisted',
    withinDays: 3660,
    measure: { kind: 'count', codes: ['TOOK_INSTRUCTIONS', 'DISCLOSED_INFORMATION'], atLeast: 1 },
    consequence: { kind: 'blacklist' },
  },
  {
    id: 'LOW_ANNUAL_SCORE',
    zh: '12个月内考核分低于60分（满分100），提交复核',
    en: 'Score below 60 of 100 within 12 months: review',
    withinDays: 365,
    measure: {
      kind: 'score',
      start: 100,
      below: 60,
      deductions: { 'no-show': 20, timeout: 5, decline: 2, late: 5, LEFT_EARLY: 20, REFUSED_TO_SIGN: 20, UNFAIR_SCORING: 30, CARELESS_SCORING: 15, LATE_CONFLICT_DISCLOSURE: 30 },
    },
    consequence: { kind: 'review' },
  },
];

/** Sanctions (docs/records.md "Rules and consequences"): the rules that turn an expert's records into consequences. */
export const SanctionsPolicy = z
  .object({
    rules: z
      .array(SanctionRule)
      .max(50)
      .default(() => DEFAULT_RULES.map((r) => structuredClone(r) as SanctionRule))
      .refine((list) => new Set(list.map((r) => r.id)).size === list.length, { message: 'rule ids must be unique' })
      .describe('The rules, each applied on its own'),
  })
  .strict();
export type SanctionsPolicy = z.infer<typeof SanctionsPolicy>;

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
    // No default either: absent, a witnessed draw needs one deposit and fails without it (witnessRule()).
    witnesses: WitnessRule.optional().describe('What a witnessed draw needs of its witnesses (docs/draw-proof.md §6.2)'),
    // No default either, for the same reason: absent, the records section's defaults apply (recordsPolicy()).
    records: RecordsPolicy.optional().describe('Performance records: late check-in, no-shows, the conduct list (docs/records.md)'),
    // No default either: absent, the alerts section's defaults apply (alertsPolicy()).
    alerts: AlertsPolicy.optional().describe('Monitoring and early warning: thresholds of the alerts (docs/alerts.md)'),
    // No default either: absent, the default rules apply (sanctionsPolicy()) and the policy hashes as before.
    sanctions: SanctionsPolicy.optional().describe('Rules that turn records into consequences (docs/records.md)'),
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
  })
  .superRefine((p, ctx) => {
    // A rule may count only codes that exist: the automatic ones and the conduct list of the records section.
    const known = new Set<string>([...AUTOMATIC_CODES, ...(p.records ?? DEFAULT_RECORDS).conduct.map((c) => c.code)]);
    (p.sanctions?.rules ?? []).forEach((r, i) => {
      const codes = r.measure.kind === 'count' ? r.measure.codes : Object.keys(r.measure.deductions);
      for (const code of codes) if (!known.has(code)) ctx.addIssue({ code: 'custom', message: `unknown record code ${code}`, path: ['sanctions', 'rules', i, 'measure'] });
    });
  });

export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

const DEFAULT_RECORDS: RecordsPolicy = RecordsPolicy.parse({});

export const DEFAULT_POLICY: Policy = Policy.parse({});
const DEFAULT_SANCTIONS: SanctionsPolicy = SanctionsPolicy.parse({});

/** The sanction rules of a policy, the default rules where the file sets none. */
export function sanctionsPolicy(policy: Policy): SanctionsPolicy {
  return policy.sanctions ?? DEFAULT_SANCTIONS;
}

/** The records section of a policy, its defaults where the file sets none. */
export function recordsPolicy(policy: Policy): RecordsPolicy {
  return policy.records ?? DEFAULT_RECORDS;
}

const DEFAULT_ALERTS: AlertsPolicy = AlertsPolicy.parse({});

/** The alerts section of a policy, its defaults where the file sets none. */
export function alertsPolicy(policy: Policy): AlertsPolicy {
  return policy.alerts ?? DEFAULT_ALERTS;
}

const DEFAULT_WITHDRAWN_DRAWS = { days: 30, min: 3 } as const;

/** The withdrawn-draws rule of an alerts section, its defaults where the section sets none. */
export function withdrawnDrawsPolicy(alerts: AlertsPolicy): NonNullable<AlertsPolicy['withdrawnDraws']> {
  return alerts.withdrawnDraws ?? DEFAULT_WITHDRAWN_DRAWS;
}

const DEFAULT_LIFECYCLE: LifecyclePolicy = LifecyclePolicy.parse({});

/** The lifecycle section of a policy, its defaults where the file sets none. */
export function lifecyclePolicy(policy: Policy): LifecyclePolicy {
  return policy.lifecycle ?? DEFAULT_LIFECYCLE;
}

/** The assurance a project's draw must reach: the higher of the policy's minimum and the project's own request. */
export function requiredAssurance(policy: Policy, asked: AssuranceMinimum | undefined): AssuranceMinimum {
  const a = policy.minimumAssurance ?? 'operator';
  const b = asked ?? 'operator';
  return ASSURANCE_RANK[a] >= ASSURANCE_RANK[b] ? a : b;
}

/** The witness section of a policy, its defaults where the file sets none. */
export function witnessRule(policy: Policy): WitnessRule {
  return policy.witnesses ?? DEFAULT_WITNESS_RULE;
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
  // Calls end a minute before bid opening (src/services/roster.service.ts lastCallAt): the first calls of a scheduled
  // draw need the whole response deadline before that minute.
  if (p.leadTimeMinutes < p.responseDeadlineMinutes + 1) {
    out.push(`leadTimeMinutes ${p.leadTimeMinutes} is shorter than responseDeadlineMinutes ${p.responseDeadlineMinutes} and the minute before bid opening when calls end: the first calls could not be answered before bid opening; make the lead time at least the response deadline plus one minute`);
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
