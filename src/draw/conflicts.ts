// Recusal (回避): every reason an expert may not sit on a project's panel, from a closed set of codes.
// Rules 1–6 of domain.md depend on the expert and the project; rule 7 on the panel being formed.
import type { Expert } from '../domain/expert.js';
import type { Policy } from '../domain/policy.js';
import { bidOpeningLocalDate, type Project } from '../domain/project.js';
import { HistoryPrunedError, type HistoryIndex } from './history.js';

/** The closed set of exclusion codes, in the order they are reported and hashed. */
export const EXCLUSION_CODES = [
  'EMPLOYER_IS_TENDERER', // rule 1
  'EMPLOYER_IS_AGENCY', // rule 1
  'EMPLOYER_IS_BIDDER', // rule 1
  'EMPLOYER_IS_AVOIDED', // rule 1
  'POSITION_AT_PARTY', // rule 2: employed, director, supervisor, controlling shareholder or adviser within the window
  'RELATIVE_POSITION_AT_PARTY', // rule 3
  'PREPARED_PROJECT', // rule 4
  'SUSPENDED', // rule 5
  'BLACKLISTED', // rule 5
  'RETIRED', // rule 5
  'UNAVAILABLE', // rule 5
  'FREQUENCY_CAP', // rule 6
  'TENDERER_FREQUENCY_CAP', // rule 6
  'RELATIVE_ON_PANEL', // rule 7
  'EMPLOYER_CAP_ON_PANEL', // rule 7
] as const;
export type ExclusionCode = (typeof EXCLUSION_CODES)[number];

/** Why a ranked position was passed over during sampling: a panel conflict, or already ranked in another group. */
export type SkipReason = 'RELATIVE_ON_PANEL' | 'EMPLOYER_CAP_ON_PANEL' | 'ALREADY_RANKED';

const DAY_MS = 86_400_000;
type Party = 'tenderer' | 'agency' | 'bidder' | 'avoid';
const PARTY_CODE: Record<Party, ExclusionCode> = {
  tenderer: 'EMPLOYER_IS_TENDERER',
  agency: 'EMPLOYER_IS_AGENCY',
  bidder: 'EMPLOYER_IS_BIDDER',
  avoid: 'EMPLOYER_IS_AVOIDED',
};

/** Everything about one project that the per-expert rules read, computed once per draw. */
export interface ConflictContext {
  /** Organisation code → the party roles it plays in the project. */
  readonly parties: ReadonlyMap<string, readonly Party[]>;
  readonly preparedBy: ReadonlySet<string>;
  readonly tenderer: string;
  /** Local date of bid opening (YYYY-MM-DD): the reference date of every rule. */
  readonly refDate: string;
  readonly refMs: number;
  /** Positions that ended on or after this date still count (rule 2 and 3 window). */
  readonly windowStart: string;
  readonly frequencySinceMs: number;
  readonly tendererSinceMs: number;
  readonly maxDraws: number;
  readonly maxDrawsSameTenderer: number;
  /** Rule 7: experts of one employer a panel may hold. */
  readonly maxPerEmployer: number;
  /** Past selections; must not contain the draw being checked (a re-check at check-in passes the history without it). */
  readonly history: HistoryIndex;
}

export function conflictContext(project: Project, policy: Policy, history: HistoryIndex): ConflictContext {
  const parties = new Map<string, Party[]>();
  const add = (code: string, party: Party) => {
    const roles = parties.get(code);
    if (!roles) parties.set(code, [party]);
    else if (!roles.includes(party)) roles.push(party);
  };
  add(project.tenderer, 'tenderer');
  if (project.agency) add(project.agency, 'agency');
  for (const b of project.bidders) add(b, 'bidder');
  for (const a of project.avoid) add(a, 'avoid');
  const refDate = bidOpeningLocalDate(project);
  const refMs = Date.parse(project.bidOpeningAt);
  const year = Number(refDate.slice(0, 4)) - policy.relationWindowYears;
  const frequencySinceMs = refMs - policy.frequency.windowDays * DAY_MS;
  const tendererSinceMs = refMs - policy.frequency.tendererWindowDays * DAY_MS;
  // A pruned history answers only windows inside what it holds (the per-expert rule reads its lists directly).
  const since = Math.min(frequencySinceMs, tendererSinceMs);
  if (since < history.keptFrom) throw new HistoryPrunedError(since, history.keptFrom);
  return {
    parties,
    preparedBy: new Set(project.preparedBy),
    tenderer: project.tenderer,
    refDate,
    refMs,
    windowStart: `${String(year).padStart(4, '0')}${refDate.slice(4)}`,
    frequencySinceMs,
    tendererSinceMs,
    maxDraws: policy.frequency.maxDraws,
    maxDrawsSameTenderer: policy.frequency.maxDrawsSameTenderer,
    maxPerEmployer: policy.maxPerEmployerPerPanel,
    history,
  };
}

/** Does a past selection count for rule 6: inside the overall window, or the same tenderer's? */
export function inFrequencyWindow(ctx: Pick<ConflictContext, 'frequencySinceMs' | 'tendererSinceMs' | 'tenderer'>, atMs: number, tenderer: string): boolean {
  return atMs >= ctx.frequencySinceMs || (tenderer === ctx.tenderer && atMs >= ctx.tendererSinceMs);
}

/**
 * Rules 1–6 for one expert: every exclusion code that applies, in EXCLUSION_CODES order; empty when the expert may
 * be drawn. Hot path: called for every candidate of every group, so it allocates only when something applies.
 */
export function expertExclusions(expert: Expert, ctx: ConflictContext): readonly ExclusionCode[] {
  let found: Set<ExclusionCode> | undefined;
  const flag = (code: ExclusionCode) => (found ??= new Set()).add(code);

  const employerRoles = ctx.parties.get(expert.employer);
  if (employerRoles) for (const role of employerRoles) flag(PARTY_CODE[role]);

  for (const code of relationExclusions(expert, ctx)) flag(code);

  if (ctx.preparedBy.has(expert.id)) flag('PREPARED_PROJECT');

  switch (expert.status) {
    case 'suspended':
      if (expert.suspendedUntil === null || expert.suspendedUntil >= ctx.refDate) flag('SUSPENDED');
      break;
    case 'blacklisted':
      flag('BLACKLISTED');
      break;
    case 'retired':
      flag('RETIRED');
      break;
    case 'active':
      break;
  }
  if (expert.unavailable.length > 0 && expert.unavailable.includes(ctx.refDate)) flag('UNAVAILABLE');

  const past = ctx.history.get(expert.id);
  if (past) {
    let recent = 0;
    let sameTenderer = 0;
    for (const p of past) {
      if (p.atMs >= ctx.frequencySinceMs) recent++;
      if (p.atMs >= ctx.tendererSinceMs && p.tenderer === ctx.tenderer) sameTenderer++;
    }
    if (recent >= ctx.maxDraws) flag('FREQUENCY_CAP');
    if (sameTenderer >= ctx.maxDrawsSameTenderer) flag('TENDERER_FREQUENCY_CAP');
  }

  if (!found) return NONE;
  const codes = found;
  return EXCLUSION_CODES.filter((c) => codes.has(c));
}
const NONE: readonly ExclusionCode[] = Object.freeze([]);

/** Rules 2 and 3: positions at a party held by the expert or a close relative, ongoing or ended within the window. */
export function relationExclusions(expert: Expert, ctx: ConflictContext): Array<'POSITION_AT_PARTY' | 'RELATIVE_POSITION_AT_PARTY'> {
  const out: Array<'POSITION_AT_PARTY' | 'RELATIVE_POSITION_AT_PARTY'> = [];
  for (const rel of expert.relations) {
    if (rel.kind !== 'org' || !ctx.parties.has(rel.org)) continue;
    if (rel.until !== null && rel.until < ctx.windowStart) continue;
    out.push(rel.holder === 'self' ? 'POSITION_AT_PARTY' : 'RELATIVE_POSITION_AT_PARTY');
  }
  return out;
}

/** What rule 7 needs to know about a panel member or candidate. */
export interface PanelMember {
  readonly id: string;
  readonly employer: string;
  /** Close relatives in the pool, in both directions of the declaration (PanelState relies on the symmetry). */
  readonly relatives: readonly string[];
}

/** The panel as it forms during a draw: members so far, and how many come from each employer. */
export class PanelState {
  private readonly members = new Set<string>();
  private readonly perEmployer = new Map<string, number>();
  constructor(private readonly maxPerEmployer: number) {}

  has(id: string): boolean {
    return this.members.has(id);
  }

  /** Rule 7 for a candidate against the panel so far; null when the candidate may join. */
  conflict(candidate: PanelMember): 'RELATIVE_ON_PANEL' | 'EMPLOYER_CAP_ON_PANEL' | null {
    for (const r of candidate.relatives) if (this.members.has(r)) return 'RELATIVE_ON_PANEL';
    if ((this.perEmployer.get(candidate.employer) ?? 0) >= this.maxPerEmployer) return 'EMPLOYER_CAP_ON_PANEL';
    return null;
  }

  add(member: PanelMember): void {
    this.members.add(member.id);
    this.perEmployer.set(member.employer, (this.perEmployer.get(member.employer) ?? 0) + 1);
  }
}

/**
 * Every recusal reason for one expert on one project, rule 7 included when a panel is given. The draw engine calls
 * the two halves separately; this is the whole answer for one expert, e.g. for the check-in re-check.
 */
export function recusalReasons(expert: Expert, member: PanelMember, ctx: ConflictContext, panel?: readonly PanelMember[]): ExclusionCode[] {
  const reasons = new Set<ExclusionCode>(expertExclusions(expert, ctx));
  if (panel) {
    const others = new Set(panel.map((m) => m.id));
    others.delete(member.id);
    const relatedBack = panel.some((m) => m.relatives.includes(member.id));
    if (relatedBack || member.relatives.some((r) => others.has(r))) reasons.add('RELATIVE_ON_PANEL');
    const sameEmployer = panel.filter((m) => m.id !== member.id && m.employer === member.employer).length;
    if (sameEmployer >= ctx.maxPerEmployer) reasons.add('EMPLOYER_CAP_ON_PANEL');
  }
  return EXCLUSION_CODES.filter((c) => reasons.has(c));
}
