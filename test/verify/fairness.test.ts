// Fairness over a history of draws: the Poisson-binomial tail against the binomial and a whole-distribution convolution, an honest
// simulated history of 10,000 draws that flags nobody, and rigged histories whose favoured expert is flagged.
import { describe, expect, it } from 'vitest';
import { assessFairness, fairnessSvg, poissonBinomialTail, type FairnessDraw } from '../../src/verify/fairness.js';

/** A small seeded generator (mulberry32), so every history is the same on every run. */
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

function binomialTail(n: number, p: number, k: number): number {
  let sum = 0;
  for (let j = k; j <= n; j++) {
    let c = 1;
    for (let i = 0; i < j; i++) c = (c * (n - i)) / (i + 1);
    sum += c * p ** j * (1 - p) ** (n - j);
  }
  return sum;
}

/** The whole distribution by convolution, written independently of the module. */
function exactByConvolution(chances: readonly number[], k: number): number {
  let dist = [1];
  for (const p of chances) {
    const next = new Array<number>(dist.length + 1).fill(0);
    dist.forEach((q, j) => {
      next[j]! += q * (1 - p);
      next[j + 1]! += q * p;
    });
    dist = next;
  }
  return dist.slice(k).reduce((a, b) => a + b, 0);
}

/** `draws` draws over `experts` experts in three overlapping specialties; each group seats 5 of its eligible ones. */
function history(seed: number, draws: number, favour?: { expert: string; rate: number }): FairnessDraw[] {
  const rand = prng(seed);
  const experts = Array.from({ length: 600 }, (_, i) => `E${String(i).padStart(4, '0')}`);
  const specialties = [experts.slice(0, 250), experts.slice(200, 450), experts.slice(400)];
  const out: FairnessDraw[] = [];
  for (let d = 0; d < draws; d++) {
    const groups = [];
    const used = new Set<string>();
    for (const holders of specialties.filter(() => rand() < 0.5)) {
      // Conflicts and unavailability leave 70–100 % of the holders eligible.
      const keep = 0.7 + 0.3 * rand();
      const eligible = holders.filter((id) => !used.has(id) && rand() < keep);
      const pool = [...eligible];
      const selected: string[] = [];
      for (let s = 0; s < 5 && pool.length > 0; s++) selected.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
      if (favour && eligible.includes(favour.expert) && !selected.includes(favour.expert) && rand() < favour.rate) selected[0] = favour.expert;
      for (const id of selected) used.add(id);
      groups.push({ eligible, selected });
    }
    out.push({ drawId: `D-${d}`, groups });
  }
  return out;
}

describe('the Poisson-binomial tail', () => {
  it('equals the binomial tail when every chance is the same', () => {
    for (const [n, p, k] of [[20, 0.3, 10], [50, 0.02, 4], [200, 0.1, 30], [10, 0.5, 0]] as const) {
      expect(poissonBinomialTail(new Array<number>(n).fill(p), k)).toBeCloseTo(binomialTail(n, p, k), 12);
    }
  });

  it('equals the whole distribution computed by convolution, for few and for many trials', () => {
    const rand = prng(7);
    for (const [n, scale] of [[300, 0.1], [1200, 0.05]] as const) {
      const chances = Array.from({ length: n }, () => rand() * scale);
      const mean = chances.reduce((a, b) => a + b, 0);
      for (const k of [1, Math.round(mean), Math.round(mean * 1.5), Math.round(mean * 2)]) {
        const exact = exactByConvolution(chances, k);
        expect(Math.abs(poissonBinomialTail(chances, k) - exact) / exact, `n ${n}, k ${k}`).toBeLessThan(1e-9);
      }
    }
  });

  it('is 1 at zero and 0 past the number of trials', () => {
    expect(poissonBinomialTail([0.2, 0.4], 0)).toBe(1);
    expect(poissonBinomialTail([0.2, 0.4], 3)).toBe(0);
  });
});

describe('fairness over a history', () => {
  it('flags nobody in honest histories of 10,000 draws', () => {
    for (const seed of [1, 2]) {
      const report = assessFairness(history(seed, 10_000));
      expect(report.experts).toBe(600);
      expect(report.flagged, `seed ${seed}: ${report.flagged.map((f) => f.expertId).join(', ')}`).toEqual([]);
      // Observed follows expected: the least surprising half sits near 1.
      expect(report.results[report.results.length - 1]!.pValue).toBeGreaterThan(0.5);
    }
  });

  it('flags the favoured expert of a rigged history, and only them', () => {
    for (const seed of [4, 5]) {
      const report = assessFairness(history(seed, 10_000, { expert: 'E0123', rate: 0.05 }));
      expect(report.flagged.map((f) => f.expertId)).toEqual(['E0123']);
      const favoured = report.flagged[0]!;
      expect(favoured.selected).toBeGreaterThan(favoured.expected * 1.4);
    }
  });

  it('draws the report as an SVG naming only flagged experts', () => {
    const report = assessFairness(history(8, 2_000, { expert: 'E0300', rate: 0.3 }));
    const svg = fairnessSvg(report, { title: '抽取公平性', expected: '期望次数', observed: '实际次数', flagged: '异常' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('抽取公平性');
    expect(svg.match(/<circle/g)).toHaveLength(report.experts);
    expect(svg).toContain('>E0300</text>');
    expect(svg.match(/<text[^>]*fill="#c62828">E\d{4}<\/text>/g)).toHaveLength(report.flagged.length);
  });
});
