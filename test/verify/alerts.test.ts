// Monitoring and early warning over a simulated year: 20,000 draws with a planted collusion pair, a planted decline
// cluster and a planted agency favourite are found, and nobody honest is flagged; the same year without the plants
// flags nobody at all; an acceptance drop is found and an even year raises none. Fixed seeds: every run is the same.
import { describe, expect, it } from 'vitest';
import { AlertsPolicy, DEFAULT_POLICY, Policy, alertsPolicy, withdrawnDrawsPolicy } from '../../src/domain/policy.js';
import { acceptanceDrop, assessAlerts, hypergeometricLower, hypergeometricUpper, sidak, type AlertCall, type AlertDraw } from '../../src/verify/alerts.js';

/** A small seeded generator (mulberry32), as the fairness test uses. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00Z');
const END = START + 365 * DAY;
const SPECIALTIES = 40;
const PER_SPECIALTY = 60;
const expertId = (i: number) => `E${String(i).padStart(4, '0')}`;

interface Plants {
  /** Seated with `a` whenever `a` is selected and `b` eligible, at this rate. */
  readonly pair?: { a: string; b: string; rate: number };
  /** Declines calls from these tenderers at this rate. */
  readonly decliner?: { expert: string; tenderers: readonly string[]; rate: number };
  /** Put onto this agency's panels whenever eligible, at this rate. */
  readonly favourite?: { expert: string; agency: string; rate: number };
  /** From this time on every expert declines more: acceptance falls to this rate. */
  readonly slump?: { from: number; accept: number };
}

/**
 * A year of draws: 40 specialties of 60 experts; 5 large tenderers (600 draws each, two home specialties) and 300
 * small ones; 40 agencies (a tenderer keeps one, or runs its tenders itself); one or two groups of 5 seats from 90 %
 * of a specialty's experts; each seat called down its group's ranking until someone accepts (85 % accept, 12 %
 * decline, 3 % let it time out).
 */
function year(seed: number, draws: number, plants: Plants = {}): AlertDraw[] {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const specialties = Array.from({ length: SPECIALTIES }, (_, s) => Array.from({ length: PER_SPECIALTY }, (_, i) => expertId(s * PER_SPECIALTY + i)));
  const tenderer = (name: string) => ({ name, home: [Math.floor(rand() * SPECIALTIES), Math.floor(rand() * SPECIALTIES)], agency: rand() < 0.8 ? `A${String(Math.floor(rand() * 40)).padStart(2, '0')}` : null });
  const big = Array.from({ length: 5 }, (_, i) => tenderer(`T-BIG-${i}`));
  const small = Array.from({ length: 300 }, (_, i) => tenderer(`T${String(i).padStart(3, '0')}`));
  // The plants live in the first large tenderer's home specialties.
  big[0]!.home = [0, 1];
  big[0]!.agency = 'A-PLANT';
  const out: AlertDraw[] = [];
  for (let d = 0; d < draws; d++) {
    const at = START + Math.floor(((d + rand()) / draws) * 365 * DAY);
    const t = rand() < 0.15 ? pick(big) : pick(small);
    const specs = [rand() < 0.8 ? pick(t.home) : Math.floor(rand() * SPECIALTIES)];
    if (rand() < 0.3) {
      const second = Math.floor(rand() * SPECIALTIES);
      if (second !== specs[0]) specs.push(second);
    }
    const used = new Set<string>();
    const groups: Array<{ eligible: string[]; selected: string[] }> = [];
    const calls: AlertCall[] = [];
    for (const s of specs) {
      const eligible = specialties[s]!.filter((id) => !used.has(id) && rand() < 0.9);
      // A uniform ranking: a Fisher–Yates shuffle of the eligible.
      const ranking = [...eligible];
      for (let i = ranking.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [ranking[i], ranking[j]] = [ranking[j]!, ranking[i]!];
      }
      const seats = Math.min(5, ranking.length);
      const rig = (who: string, rate: number) => {
        const at = ranking.indexOf(who);
        if (at >= seats && rand() < rate) {
          const seat = Math.floor(rand() * seats);
          [ranking[seat], ranking[at]] = [ranking[at]!, ranking[seat]!];
        }
      };
      if (plants.pair && ranking.slice(0, seats).includes(plants.pair.a)) rig(plants.pair.b, plants.pair.rate);
      if (plants.favourite && t.agency === plants.favourite.agency) rig(plants.favourite.expert, plants.favourite.rate);
      const selected = ranking.slice(0, seats);
      for (const id of selected) used.add(id);
      groups.push({ eligible, selected });
      // Calls: each seat goes down the ranking (selected, then alternates) until someone accepts.
      let next = seats;
      for (let seat = 0; seat < seats; seat++) {
        let who: string | undefined = ranking[seat];
        while (who !== undefined) {
          const accept = plants.slump && at >= plants.slump.from ? plants.slump.accept : 0.85;
          let r = rand();
          if (plants.decliner && who === plants.decliner.expert && plants.decliner.tenderers.includes(t.name)) r = rand() < plants.decliner.rate ? 0.9 : 0;
          const outcome = r < accept ? 'accepted' : r < accept + (1 - accept) * 0.8 ? 'declined' : 'timeout';
          calls.push({ expertId: who, outcome });
          if (outcome === 'accepted') break;
          who = next < ranking.length && next < seats + 7 ? ranking[next++] : undefined;
        }
      }
    }
    out.push({ drawId: `D${String(d).padStart(5, '0')}`, at, tenderer: t.name, agency: t.agency, groups, calls });
  }
  return out;
}

const POLICY = alertsPolicy(DEFAULT_POLICY);
const PLANTS: Plants = {
  pair: { a: expertId(3), b: expertId(7), rate: 0.5 },
  decliner: { expert: expertId(70), tenderers: ['T-BIG-0'], rate: 1 },
  favourite: { expert: expertId(20), agency: 'A-PLANT', rate: 0.25 },
};

describe('the tails', () => {
  const choose = (n: number, k: number) => {
    let c = 1;
    for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
    return c;
  };
  const pmf = (N: number, K: number, n: number, x: number) => (choose(K, x) * choose(N - K, n - x)) / choose(N, n);

  it('hypergeometric tails equal the sums of the probabilities, both ways', () => {
    for (const [N, K, n] of [[20, 7, 5], [50, 10, 12], [9, 9, 4], [30, 0, 6], [40, 25, 40]] as const) {
      for (let k = 0; k <= n; k++) {
        let upper = 0;
        let lower = 0;
        for (let x = 0; x <= n; x++) {
          if (x > K || n - x > N - K) continue;
          if (x >= k) upper += pmf(N, K, n, x);
          if (x <= k) lower += pmf(N, K, n, x);
        }
        expect(hypergeometricUpper(N, K, n, k)).toBeCloseTo(upper, 12);
        expect(hypergeometricLower(N, K, n, k)).toBeCloseTo(lower, 12);
      }
    }
  });

  it('the correction for many tests is 1 − (1 − p)^m, precise for tiny p', () => {
    expect(sidak(0.01, 1)).toBeCloseTo(0.01, 15);
    expect(sidak(0.5, 2)).toBeCloseTo(0.75, 15);
    // 1 − (1 − 1e-12)^1000 = 1e-9 − 4.995e-19: a naive 1 − (1 − p)^m would lose it to rounding.
    expect(sidak(1e-12, 1000) / 1e-9).toBeCloseTo(1 - 4.995e-10, 12);
    expect(sidak(1, 10)).toBe(1);
  });
});

describe('the policy section', () => {
  it('is absent from the parsed default policy (its hash is unchanged) and its defaults are the documented ones', () => {
    expect('alerts' in Policy.parse({})).toBe(false);
    expect(POLICY).toEqual({
      windowDays: 365,
      declineCluster: { alpha: 0.001, minDeclines: 3 },
      coSeating: { alpha: 0.001, minTogether: 3 },
      agencyRepeat: { alpha: 0.001, minSeated: 3 },
      acceptanceDrop: { alpha: 0.001, periodDays: 30, baselineDays: 180, minDrop: 0.05, minCalls: 50 },
    });
    expect(alertsPolicy(Policy.parse({ alerts: { coSeating: { alpha: 0.01 } } })).coSeating).toEqual({ alpha: 0.01, minTogether: 3 });
    // The withdrawn-draws rule has no default in the parsed section either (an older section hashes as before).
    expect(withdrawnDrawsPolicy(POLICY)).toEqual({ days: 30, min: 3 });
    expect(withdrawnDrawsPolicy(alertsPolicy(Policy.parse({ alerts: { withdrawnDraws: { min: 2 } } })))).toEqual({ days: 30, min: 2 });
    expect(AlertsPolicy.safeParse({ withdrawnDraws: { min: 0 } }).success).toBe(false);
    expect(AlertsPolicy.safeParse({ coSeating: { alpha: 0.5 } }).success).toBe(false);
    expect(AlertsPolicy.safeParse({ unknown: 1 }).success).toBe(false);
  });
});

describe('a simulated year of 20,000 draws', () => {
  const planted = year(20261204, 20_000, PLANTS);
  const honest = year(20261204, 20_000);
  const plantedReport = assessAlerts(planted, END, POLICY);
  const honestReport = assessAlerts(honest, END, POLICY);

  it('is the size it says', () => {
    expect(plantedReport.window.draws).toBe(20_000);
    expect(honestReport.window.draws).toBe(20_000);
    // Many tests were made, so the correction matters: thousands of expert-tenderer and expert-agency pairs.
    expect(honestReport.tests.declineCluster).toBeGreaterThan(50_000);
    expect(honestReport.tests.agencyRepeat).toBeGreaterThan(20_000);
    expect(honestReport.tests.coSeating).toBe((2400 * 2399) / 2);
  });

  it('finds the planted collusion pair, far above what chance gives', () => {
    const pairs = plantedReport.alerts.filter((a) => a.kind === 'co-seating');
    expect(pairs.map((a) => a.kind === 'co-seating' && a.experts)).toEqual([[expertId(3), expertId(7)]]);
    const [pair] = pairs;
    if (pair?.kind !== 'co-seating') throw new Error('no pair');
    expect(pair.together).toBeGreaterThan(4 * pair.expected);
    expect(pair.draws).toHaveLength(pair.together);
    expect(pair.adjusted).toBeLessThan(POLICY.coSeating.alpha);
  });

  it('finds the planted decline cluster on its tenderer', () => {
    const clusters = plantedReport.alerts.filter((a) => a.kind === 'decline-cluster');
    expect(clusters.map((a) => a.kind === 'decline-cluster' && [a.expertId, a.tenderer])).toEqual([[expertId(70), 'T-BIG-0']]);
    const [c] = clusters;
    if (c?.kind !== 'decline-cluster') throw new Error('no cluster');
    expect(c.declines).toBeGreaterThan(2 * c.expected);
    expect(c.draws).toHaveLength(c.declines);
  });

  it('finds the planted agency favourite', () => {
    const repeats = plantedReport.alerts.filter((a) => a.kind === 'agency-repeat');
    expect(repeats.map((a) => a.kind === 'agency-repeat' && [a.expertId, a.agency])).toEqual([[expertId(20), 'A-PLANT']]);
  });

  it('flags nobody honest: every alert of the planted year is a plant, and no acceptance drop', () => {
    const named = plantedReport.alerts.flatMap((a) => (a.kind === 'co-seating' ? a.experts : a.kind === 'acceptance-drop' ? ['(centre)'] : a.kind === 'withdrawn-draws' ? [a.site] : [a.expertId]));
    expect(new Set(named)).toEqual(new Set([expertId(3), expertId(7), expertId(70), expertId(20)]));
  });

  it('the same year without plants raises no alert at all', () => {
    expect(honestReport.alerts).toEqual([]);
  });
});

describe('acceptance drop', () => {
  it('is raised when the last month accepts less than the half year before, and not in an even year', () => {
    const slumped = year(7, 4000, { slump: { from: END - 30 * DAY, accept: 0.75 } });
    const r = acceptanceDrop(slumped, END, POLICY.acceptanceDrop);
    expect(r.alert?.kind).toBe('acceptance-drop');
    expect(r.baseline.rate - r.period.rate).toBeGreaterThan(0.05);
    expect(r.period.calls).toBeGreaterThan(300);
    const even = acceptanceDrop(year(7, 4000), END, POLICY.acceptanceDrop);
    expect(even.alert).toBeNull();
    expect(even.period.calls).toBeGreaterThan(300);
    expect(Math.abs(even.baseline.rate - even.period.rate)).toBeLessThan(0.05);
  });

  it('needs the least drop of the policy as well as the threshold', () => {
    const slight = year(7, 4000, { slump: { from: END - 30 * DAY, accept: 0.82 } });
    const strict = acceptanceDrop(slight, END, { ...POLICY.acceptanceDrop, minDrop: 0.1 });
    expect(strict.alert).toBeNull();
    expect(strict.pValue).toBeLessThan(0.5);
  });
});
