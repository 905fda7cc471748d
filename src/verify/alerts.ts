// Monitoring and early warning (监测预警) over disclosed draws (docs/alerts.md): four patterns a supervisor should look
// at, each tested against what a fair draw and honest experts would give, with the numbers that raised it.
//   1. decline-cluster: an expert's declines concentrate on one tenderer (hypergeometric tail: of the expert's calls,
//      those for the tenderer hold more of their declines than a random choice of that many calls would);
//   2. co-seating: two experts sit on the same panel more often than the draws' eligible counts and seats allow
//      (Poisson-binomial tail over the draws in which both were eligible);
//   3. agency-repeat: an expert is seated on one agency's projects more often than chance (Poisson-binomial, as
//      fairness does, over that agency's draws only);
//   4. acceptance-drop: the centre's acceptance rate in the latest period is below the trailing baseline's (one-sided
//      Fisher exact test, hypergeometric lower tail), by at least a minimum drop.
// Patterns 1–3 test many experts (or pairs) at once, so each tail is corrected for the number of tests (Šidák), as
// fairness does, and compared with the policy's family-wise threshold. Pure: every input is public once the draws
// are disclosed (the reveal's eligible lists, panels and the project; the records joined to experts by rank).
import { withdrawnDrawsPolicy, type AlertsPolicy } from '../domain/policy.js';
import { poissonBinomialTail } from './fairness.js';

/** One call's outcome, attributed to its expert (only possible once the draw is disclosed). */
export interface AlertCall {
  readonly expertId: string;
  readonly outcome: 'accepted' | 'declined' | 'timeout';
}

/** A disclosed draw as the alerts read it. */
export interface AlertDraw {
  readonly drawId: string;
  /** Bid opening (ms since the epoch): the time the windows and periods go by. */
  readonly at: number;
  readonly tenderer: string;
  /** Tendering agency (招标代理), null when the tenderer ran the tender itself. */
  readonly agency: string | null;
  /** Per group: who was eligible and who was selected (selected ⊆ eligible). */
  readonly groups: ReadonlyArray<{ readonly eligible: readonly string[]; readonly selected: readonly string[] }>;
  /** Every call of the draw (selected and promoted alternates), with its outcome. */
  readonly calls: readonly AlertCall[];
}

/** The surprise of one finding: the raw tail, the tail corrected for the tests made, and the threshold. */
export interface Surprise {
  /** P(this or more extreme) if nothing were wrong. */
  readonly pValue: number;
  /** Corrected for `tests` tests (Šidák): 1 − (1 − p)^tests. */
  readonly adjusted: number;
  readonly tests: number;
  /** The family-wise threshold `adjusted` fell below. */
  readonly alpha: number;
}

export type Alert =
  | (Surprise & {
      readonly kind: 'decline-cluster';
      readonly expertId: string;
      readonly tenderer: string;
      /** The expert's calls for this tenderer, and how many they declined. */
      readonly calls: number;
      readonly declines: number;
      /** All the expert's calls in the window, and their declines. */
      readonly expertCalls: number;
      readonly expertDeclines: number;
      /** Declines expected for the tenderer at the expert's overall rate: calls × expertDeclines ÷ expertCalls. */
      readonly expected: number;
      /** The draws whose call to the expert the expert declined. */
      readonly draws: readonly string[];
    })
  | (Surprise & {
      readonly kind: 'co-seating';
      readonly experts: readonly [string, string];
      /** Draws that seated both. */
      readonly together: number;
      /** Expected of a fair draw: over the draws in which both were eligible, the chance both were selected. */
      readonly expected: number;
      /** Draws in which both were eligible. */
      readonly trials: number;
      readonly draws: readonly string[];
    })
  | (Surprise & {
      readonly kind: 'agency-repeat';
      readonly expertId: string;
      readonly agency: string;
      /** Times selected on this agency's projects. */
      readonly seated: number;
      /** Expected of a fair draw: the sum over the agency's groups the expert was eligible for of seats ÷ eligible. */
      readonly expected: number;
      /** Groups of the agency's draws in which the expert was eligible. */
      readonly trials: number;
      readonly draws: readonly string[];
    })
  | (Surprise & {
      readonly kind: 'acceptance-drop';
      readonly period: Period;
      readonly baseline: Period;
      /** baseline.rate − period.rate. */
      readonly drop: number;
    })
  | WithdrawnDrawsAlert;

/** The alerts that test chance (every kind but the rule below). */
export type ChanceAlert = Exclude<Alert, WithdrawnDrawsAlert>;

/**
 * A rule, not a test of chance: a remote site that cancelled `withdrawn` of its drawn projects in the last `days` days
 * (at least the policy's `min`). A site opens its result at once, so cancelling drawn projects and registering the
 * tender again is how it would re-roll for an expert it wants (docs/security.md T3).
 */
export interface WithdrawnDrawsAlert {
  readonly kind: 'withdrawn-draws';
  readonly site: string;
  readonly withdrawn: number;
  readonly days: number;
  readonly min: number;
  /** The draws the cancellations withdrew, oldest first, and their projects. */
  readonly draws: readonly string[];
  readonly projects: readonly string[];
}

/** A drawn project's cancellation, as the log tells it: when, which draw, and the remote site that owns the project. */
export interface Withdrawal {
  readonly at: number;
  readonly site: string;
  readonly projectId: string;
  readonly drawId: string;
}

export interface Period {
  /** [from, to) as ISO 8601 UTC. */
  readonly from: string;
  readonly to: string;
  readonly calls: number;
  readonly accepted: number;
  /** accepted ÷ calls (0 when there were no calls). */
  readonly rate: number;
}

export interface AlertsReport {
  /** The time the windows end at (ISO 8601 UTC). */
  readonly at: string;
  /** Draws whose bid opening is in the window [at − windowDays, at): what patterns 1–3 read. */
  readonly window: { readonly from: string; readonly to: string; readonly draws: number };
  /** The tests each pattern made (what its tails were corrected for). */
  readonly tests: { readonly declineCluster: number; readonly coSeating: number; readonly agencyRepeat: number };
  /** The acceptance of the latest period and its baseline, whether or not it raised an alert. */
  readonly acceptance: { readonly period: Period; readonly baseline: Period; readonly pValue: number };
  /** Most surprising first within each kind; kinds in the order above. */
  readonly alerts: readonly Alert[];
}

const DAY = 86_400_000;

/** Šidák: the chance that at least one of `tests` honest tests looks this surprising. Precise for tiny p. */
export function sidak(p: number, tests: number): number {
  return p >= 1 ? 1 : -Math.expm1(Math.max(1, tests) * Math.log1p(-p));
}

/** The raw tail below which a test's Šidák-corrected tail is under `alpha`. */
function rawThreshold(alpha: number, tests: number): number {
  return -Math.expm1(Math.log1p(-alpha) / Math.max(1, tests));
}

/**
 * A lower bound on P(X ≥ k) for a sum of independent trials of which `trials` each succeed with chance at least `q`:
 * X is at least Binomial(trials, q) in distribution, so P(X ≥ k) ≥ P(Binomial = k). Cheap (no pass over the trials);
 * a test whose bound is already above the raw threshold cannot be flagged, and its exact tail is never computed.
 */
function tailLowerBound(trials: number, q: number, k: number): number {
  if (k > trials || q <= 0) return 0;
  if (q >= 1) return k <= trials ? 1 : 0;
  return Math.exp(logChoose(trials, k) + k * Math.log(q) + (trials - k) * Math.log1p(-q));
}

/** A lower bound on the tail from the chances themselves: those of at least half the mean chance, at their least. */
function chancesLowerBound(chances: ArrayLike<number>, length: number, mu: number, k: number): number {
  const floor = mu / length / 2;
  let count = 0;
  let q = 1;
  for (let i = 0; i < length; i++) {
    const p = chances[i]!;
    if (p >= floor) {
      count++;
      if (p < q) q = p;
    }
  }
  return tailLowerBound(count, q, k);
}

/** ln(n!) for n ≥ 0, from a table grown as needed (exact sums of logs: lgamma is not in the JS library). */
const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1]! + Math.log(i));
  return logFactorials[n]!;
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** P(X = x) for X hypergeometric: `draws` taken without replacement from `total` of which `marked` are marked. */
function hypergeometricLog(total: number, marked: number, draws: number, x: number): number {
  return logChoose(marked, x) + logChoose(total - marked, draws - x) - logChoose(total, draws);
}

function sumExp(logs: readonly number[]): number {
  let max = -Infinity;
  for (const l of logs) if (l > max) max = l;
  if (max === -Infinity) return 0;
  let s = 0;
  for (const l of logs) s += Math.exp(l - max);
  return Math.exp(max) * s;
}

/** Upper tail P(X ≥ k) of the hypergeometric distribution (`draws` from `total`, `marked` of them marked). */
export function hypergeometricUpper(total: number, marked: number, draws: number, k: number): number {
  const lo = Math.max(0, draws - (total - marked));
  const hi = Math.min(draws, marked);
  if (k <= lo) return 1;
  if (k > hi) return 0;
  const logs: number[] = [];
  for (let x = k; x <= hi; x++) logs.push(hypergeometricLog(total, marked, draws, x));
  return Math.min(1, sumExp(logs));
}

/** Lower tail P(X ≤ k) of the same distribution. */
export function hypergeometricLower(total: number, marked: number, draws: number, k: number): number {
  const lo = Math.max(0, draws - (total - marked));
  const hi = Math.min(draws, marked);
  if (k >= hi) return 1;
  if (k < lo) return 0;
  const logs: number[] = [];
  for (let x = lo; x <= k; x++) logs.push(hypergeometricLog(total, marked, draws, x));
  return Math.min(1, sumExp(logs));
}

const byPValue = <T extends { pValue: number }>(key: (a: T) => string) => (a: T, b: T) => a.pValue - b.pValue || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** Pattern 1: per expert and tenderer, declines against the expert's overall decline rate. */
export function declineClusters(draws: readonly AlertDraw[], policy: AlertsPolicy['declineCluster']): { tests: number; alerts: ChanceAlert[] } {
  const calls = new Map<string, { n: number; d: number }>();
  const byTenderer = new Map<string, { expertId: string; tenderer: string; n: number; d: number; draws: string[] }>();
  for (const draw of draws) {
    for (const c of draw.calls) {
      const e = calls.get(c.expertId) ?? calls.set(c.expertId, { n: 0, d: 0 }).get(c.expertId)!;
      const key = `${c.expertId}\t${draw.tenderer}`;
      const t = byTenderer.get(key) ?? byTenderer.set(key, { expertId: c.expertId, tenderer: draw.tenderer, n: 0, d: 0, draws: [] }).get(key)!;
      e.n++;
      t.n++;
      if (c.outcome === 'declined') {
        e.d++;
        t.d++;
        t.draws.push(draw.drawId);
      }
    }
  }
  // A test for every (expert, tenderer) whose expert declined at all: the others cannot show a cluster.
  let tests = 0;
  for (const t of byTenderer.values()) if (calls.get(t.expertId)!.d > 0) tests++;
  const alerts: ChanceAlert[] = [];
  for (const t of byTenderer.values()) {
    if (t.d < policy.minDeclines) continue;
    const e = calls.get(t.expertId)!;
    const pValue = hypergeometricUpper(e.n, e.d, t.n, t.d);
    const adjusted = sidak(pValue, tests);
    if (adjusted >= policy.alpha) continue;
    alerts.push({
      kind: 'decline-cluster',
      expertId: t.expertId,
      tenderer: t.tenderer,
      calls: t.n,
      declines: t.d,
      expertCalls: e.n,
      expertDeclines: e.d,
      expected: (t.n * e.d) / e.n,
      draws: t.draws,
      pValue,
      adjusted,
      tests,
      alpha: policy.alpha,
    });
  }
  return { tests, alerts: alerts.sort(byPValue((a) => (a.kind === 'decline-cluster' ? `${a.expertId}\t${a.tenderer}` : ''))) };
}

/** Pattern 2: pairs of experts selected onto the same panel more often than the draws allow. */
export function coSeating(draws: readonly AlertDraw[], policy: AlertsPolicy['coSeating']): { tests: number; alerts: ChanceAlert[] } {
  // Experts as small integers; per expert, the draws (ascending) and groups they were eligible in, and the panels
  // they sat on.
  const index = new Map<string, number>();
  const ids: string[] = [];
  const idOf = (id: string) => index.get(id) ?? (ids.push(id), index.set(id, ids.length - 1).get(id)!);
  const eligibleDraw: number[][] = [];
  const eligibleGroup: number[][] = [];
  const seatedIn: number[][] = [];
  // Per draw and group: the chance of one eligible expert being selected, and of two given ones both being.
  const one: number[][] = [];
  const two: number[][] = [];
  const panels: number[][] = [];
  draws.forEach((draw, d) => {
    one.push([]);
    two.push([]);
    const panel = new Set<number>();
    draw.groups.forEach((g, gi) => {
      const n = g.eligible.length;
      const s = g.selected.length;
      one[d]!.push(n === 0 ? 0 : s / n);
      two[d]!.push(n < 2 ? 0 : (s * (s - 1)) / (n * (n - 1)));
      for (const id of g.eligible) {
        const i = idOf(id);
        (eligibleDraw[i] ??= []).push(d);
        (eligibleGroup[i] ??= []).push(gi);
      }
      for (const id of g.selected) panel.add(idOf(id));
    });
    panels.push([...panel]);
    for (const i of panel) (seatedIn[i] ??= []).push(d);
  });
  // Every pair of experts eligible in the window is a test: more than the pairs that could meet, so conservative.
  const experts = ids.length;
  const tests = (experts * (experts - 1)) / 2;
  const threshold = rawThreshold(policy.alpha, tests);
  const alerts: ChanceAlert[] = [];
  const count = new Int32Array(experts);
  const chances = new Float64Array(draws.length);
  // Where each draw's run starts and ends in a's eligibility lists (-1: a was not eligible): a pair's shared draws are
  // then found by one pass over b's lists, not a merge of both.
  const aFrom = new Int32Array(draws.length).fill(-1);
  const aTo = new Int32Array(draws.length);
  for (let a = 0; a < experts; a++) {
    const aDraw = eligibleDraw[a] ?? [];
    for (let i = 0; i < aDraw.length; ) {
      const d = aDraw[i]!;
      let end = i + 1;
      while (end < aDraw.length && aDraw[end] === d) end++;
      aFrom[d] = i;
      aTo[d] = end;
      i = end;
    }
    // Panels shared with every later expert, counted in one pass over a's panels.
    const touched: number[] = [];
    for (const d of seatedIn[a] ?? []) {
      for (const b of panels[d]!) {
        if (b <= a) continue;
        if (count[b] === 0) touched.push(b);
        count[b]!++;
      }
    }
    for (const b of touched) {
      const k = count[b]!;
      count[b] = 0;
      if (k < policy.minTogether) continue;
      const trials = pairChances(aFrom, aTo, eligibleGroup[a] ?? [], eligibleDraw[b] ?? [], eligibleGroup[b] ?? [], one, two, chances);
      let mu = 0;
      for (let t = 0; t < trials; t++) mu += chances[t]!;
      if (k <= mu || chancesLowerBound(chances, trials, mu, k) >= threshold) continue;
      const pValue = poissonBinomialTail(Array.from(chances.subarray(0, trials)), k);
      const adjusted = sidak(pValue, tests);
      if (adjusted >= policy.alpha) continue;
      const shared = (seatedIn[a] ?? []).filter((d) => panels[d]!.includes(b));
      const pair = [ids[a]!, ids[b]!].sort() as [string, string];
      alerts.push({ kind: 'co-seating', experts: pair, together: k, expected: mu, trials, draws: shared.map((d) => draws[d]!.drawId), pValue, adjusted, tests, alpha: policy.alpha });
    }
    for (const d of aDraw) aFrom[d] = -1;
  }
  return { tests, alerts: alerts.sort(byPValue((x) => (x.kind === 'co-seating' ? x.experts.join('\t') : ''))) };
}

/**
 * Per draw in which both were eligible, the chance a fair draw seats both: s(s−1)/(n(n−1)) in a shared group, the
 * product of the single chances across two groups; summed over the pairs of groups (an upper bound when an expert is
 * eligible in several groups of one draw: conservative) and capped at the smaller single chance. a's eligibility is
 * given by draw (`aFrom[d]`…`aTo[d]` in `aGroup`, -1 when not eligible), b's as lists; the chances come out in draw order.
 */
function pairChances(aFrom: Int32Array, aTo: Int32Array, aGroup: readonly number[], bDraw: readonly number[], bGroup: readonly number[], one: number[][], two: number[][], out: Float64Array): number {
  let n = 0;
  for (let j = 0; j < bDraw.length; ) {
    const d = bDraw[j]!;
    let jb = j + 1;
    while (jb < bDraw.length && bDraw[jb] === d) jb++;
    const i = aFrom[d]!;
    if (i >= 0) {
      const ia = aTo[d]!;
      let p = 0;
      let pa = 0;
      let pb = 0;
      for (let x = i; x < ia; x++) pa += one[d]![aGroup[x]!]!;
      for (let y = j; y < jb; y++) pb += one[d]![bGroup[y]!]!;
      for (let x = i; x < ia; x++) {
        for (let y = j; y < jb; y++) {
          const ga = aGroup[x]!;
          const gb = bGroup[y]!;
          p += ga === gb ? two[d]![ga]! : one[d]![ga]! * one[d]![gb]!;
        }
      }
      out[n++] = Math.min(p, pa, pb, 1);
    }
    j = jb;
  }
  return n;
}

/** Pattern 3: per expert and agency, selections on the agency's projects against chance. */
export function agencyRepeats(draws: readonly AlertDraw[], policy: AlertsPolicy['agencyRepeat']): { tests: number; alerts: ChanceAlert[] } {
  // First pass: per (expert, agency) the expected and observed selections and the least chance; the chances are kept
  // only for the few pairs whose lower bound does not rule them out (second pass).
  type Stat = { expertId: string; agency: string; mu: number; least: number; trials: number; seated: number; draws: string[]; chances: number[] | null };
  // Per agency, per expert: no string keys in the loop over every eligible expert of every draw.
  const byAgency = new Map<string, Map<string, Stat>>();
  for (const draw of draws) {
    if (draw.agency === null) continue;
    const stats = byAgency.get(draw.agency) ?? byAgency.set(draw.agency, new Map()).get(draw.agency)!;
    for (const g of draw.groups) {
      if (g.eligible.length === 0) continue;
      const p = g.selected.length / g.eligible.length;
      for (const id of g.eligible) {
        let s = stats.get(id);
        if (!s) stats.set(id, (s = { expertId: id, agency: draw.agency, mu: 0, least: 1, trials: 0, seated: 0, draws: [], chances: null }));
        s.mu += p;
        s.trials++;
        if (p < s.least) s.least = p;
      }
      for (const id of g.selected) {
        const s = stats.get(id)!;
        s.seated++;
        s.draws.push(draw.drawId);
      }
    }
  }
  let tests = 0;
  for (const stats of byAgency.values()) tests += stats.size;
  const threshold = rawThreshold(policy.alpha, tests);
  const candidates: Stat[] = [];
  for (const stats of byAgency.values()) {
    for (const s of stats.values()) {
      if (s.seated >= policy.minSeated && s.seated > s.mu && tailLowerBound(s.trials, s.least, s.seated) < threshold) {
        s.chances = [];
        candidates.push(s);
      }
    }
  }
  if (candidates.length > 0) {
    for (const draw of draws) {
      if (draw.agency === null) continue;
      const stats = byAgency.get(draw.agency)!;
      for (const g of draw.groups) {
        if (g.eligible.length === 0) continue;
        const p = g.selected.length / g.eligible.length;
        for (const id of g.eligible) stats.get(id)!.chances?.push(p);
      }
    }
  }
  const alerts: ChanceAlert[] = [];
  for (const s of candidates) {
    const pValue = poissonBinomialTail(s.chances!, s.seated);
    const adjusted = sidak(pValue, tests);
    if (adjusted >= policy.alpha) continue;
    alerts.push({ kind: 'agency-repeat', expertId: s.expertId, agency: s.agency, seated: s.seated, expected: s.mu, trials: s.trials, draws: s.draws, pValue, adjusted, tests, alpha: policy.alpha });
  }
  return { tests, alerts: alerts.sort(byPValue((x) => (x.kind === 'agency-repeat' ? `${x.expertId}\t${x.agency}` : ''))) };
}

/** Pattern 4: the acceptance of the last `periodDays` before `at` against the `baselineDays` before that. */
export function acceptanceDrop(draws: readonly AlertDraw[], at: number, policy: AlertsPolicy['acceptanceDrop']): { period: Period; baseline: Period; pValue: number; alert: ChanceAlert | null } {
  const periodFrom = at - policy.periodDays * DAY;
  const baselineFrom = periodFrom - policy.baselineDays * DAY;
  const count = (from: number, to: number): Period => {
    let calls = 0;
    let accepted = 0;
    for (const d of draws) {
      if (d.at < from || d.at >= to) continue;
      calls += d.calls.length;
      for (const c of d.calls) if (c.outcome === 'accepted') accepted++;
    }
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), calls, accepted, rate: calls === 0 ? 0 : accepted / calls };
  };
  const period = count(periodFrom, at);
  const baseline = count(baselineFrom, periodFrom);
  // Fisher's exact test, one-sided: given all the calls and acceptances of both, how likely is it that the period's
  // calls hold this few acceptances?
  const pValue = period.calls === 0 || baseline.calls === 0 ? 1 : hypergeometricLower(period.calls + baseline.calls, period.accepted + baseline.accepted, period.calls, period.accepted);
  const drop = baseline.rate - period.rate;
  const raised = period.calls >= policy.minCalls && baseline.calls >= policy.minCalls && drop >= policy.minDrop && pValue < policy.alpha;
  return { period, baseline, pValue, alert: raised ? { kind: 'acceptance-drop', period, baseline, drop, pValue, adjusted: pValue, tests: 1, alpha: policy.alpha } : null };
}

/** Every alert over these disclosed draws, as of `at`. */
/** Sites with at least `min` drawn projects cancelled in (at − days, at]: most cancellations first, then by site id. */
export function withdrawnDraws(withdrawals: readonly Withdrawal[], at: number, policy: NonNullable<AlertsPolicy['withdrawnDraws']>): WithdrawnDrawsAlert[] {
  const from = at - policy.days * DAY;
  const bySite = new Map<string, Withdrawal[]>();
  for (const w of withdrawals) {
    if (w.at <= from || w.at > at) continue;
    const list = bySite.get(w.site) ?? bySite.set(w.site, []).get(w.site)!;
    list.push(w);
  }
  return [...bySite]
    .filter(([, list]) => list.length >= policy.min)
    .map(([site, list]): WithdrawnDrawsAlert => {
      const ordered = [...list].sort((a, b) => a.at - b.at);
      return { kind: 'withdrawn-draws', site, withdrawn: list.length, days: policy.days, min: policy.min, draws: ordered.map((w) => w.drawId), projects: ordered.map((w) => w.projectId) };
    })
    .sort((a, b) => b.withdrawn - a.withdrawn || (a.site < b.site ? -1 : a.site > b.site ? 1 : 0));
}

export function assessAlerts(draws: readonly AlertDraw[], at: number, policy: AlertsPolicy, withdrawals: readonly Withdrawal[] = []): AlertsReport {
  const from = at - policy.windowDays * DAY;
  const inWindow = draws.filter((d) => d.at >= from && d.at < at);
  const declines = declineClusters(inWindow, policy.declineCluster);
  const pairs = coSeating(inWindow, policy.coSeating);
  const agencies = agencyRepeats(inWindow, policy.agencyRepeat);
  const acceptance = acceptanceDrop(draws, at, policy.acceptanceDrop);
  return {
    at: new Date(at).toISOString(),
    window: { from: new Date(from).toISOString(), to: new Date(at).toISOString(), draws: inWindow.length },
    tests: { declineCluster: declines.tests, coSeating: pairs.tests, agencyRepeat: agencies.tests },
    acceptance: { period: acceptance.period, baseline: acceptance.baseline, pValue: acceptance.pValue },
    alerts: [...declines.alerts, ...pairs.alerts, ...agencies.alerts, ...(acceptance.alert ? [acceptance.alert] : []), ...withdrawnDraws(withdrawals, at, withdrawnDrawsPolicy(policy))],
  };
}
