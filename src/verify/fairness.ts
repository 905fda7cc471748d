// Fairness over many draws: is any expert selected more often than chance allows? For each expert, every group of
// every draw they were eligible for is a trial whose chance of selecting them is the group's seats over its eligible
// count (the protocol draws uniformly without replacement, §8; panel rules that skip a candidate shift this a little).
// The number of times they were selected is then a sum of independent Bernoulli trials with unequal chances (a
// Poisson binomial), whose upper tail says how surprising the count is. Testing every expert at once would flag
// somebody by chance alone, so each tail is corrected for the number of experts tested (Šidák) before it is compared
// with the threshold. Pure: the inputs are public once draws are disclosed (the reveal's eligible lists and results).

/** One draw as fairness reads it: per group, who was eligible and who was selected (selected ⊆ eligible). */
export interface FairnessDraw {
  readonly drawId: string;
  readonly groups: ReadonlyArray<{ readonly eligible: readonly string[]; readonly selected: readonly string[] }>;
}

export interface ExpertFairness {
  readonly expertId: string;
  /** Groups the expert was eligible for. */
  readonly trials: number;
  readonly selected: number;
  /** Expected selections: the sum of the trials' chances. */
  readonly expected: number;
  /** P(selected this often or more) under a fair draw. */
  readonly pValue: number;
  /** The tail corrected for the number of experts tested: 1 − (1 − p)^experts. */
  readonly adjusted: number;
  readonly flagged: boolean;
}

export interface FairnessReport {
  readonly draws: number;
  /** Experts with at least one trial. */
  readonly experts: number;
  /** Family-wise threshold on `adjusted`. */
  readonly alpha: number;
  /** Every expert tested, most surprising first. */
  readonly results: readonly ExpertFairness[];
  readonly flagged: readonly ExpertFairness[];
}

/** The default family-wise threshold: an honest history flags anybody at all about once in a hundred. */
export const DEFAULT_FAIRNESS_ALPHA = 0.01;

/** Upper tail P(X ≥ k) of a Poisson binomial with these success chances. */
export function poissonBinomialTail(chances: readonly number[], k: number): number {
  if (k <= 0) return 1;
  if (k > chances.length) return 0;
  // Exact, by a dynamic programme over the trials: dist[j] = P(j successes so far), every count ≥ k kept in one cell.
  // O(trials × k): a normal approximation would be faster but is off by tens of percent in the far tail that the
  // correction for many experts reads.
  const dist = new Float64Array(k + 1);
  dist[0] = 1;
  for (const p of chances) {
    // The top cell absorbs: once k successes are reached, more do not matter.
    dist[k] = dist[k]! + dist[k - 1]! * p;
    for (let j = k - 1; j >= 1; j--) dist[j] = dist[j]! * (1 - p) + dist[j - 1]! * p;
    dist[0] = dist[0]! * (1 - p);
  }
  return Math.min(1, Math.max(0, dist[k]!));
}

/** Every expert's selections against chance over these draws. */
export function assessFairness(draws: readonly FairnessDraw[], alpha = DEFAULT_FAIRNESS_ALPHA): FairnessReport {
  const chances = new Map<string, number[]>();
  const selected = new Map<string, number>();
  for (const d of draws) {
    for (const g of d.groups) {
      if (g.eligible.length === 0) continue;
      const p = g.selected.length / g.eligible.length;
      for (const id of g.eligible) {
        let list = chances.get(id);
        if (!list) chances.set(id, (list = []));
        list.push(p);
      }
      for (const id of g.selected) selected.set(id, (selected.get(id) ?? 0) + 1);
    }
  }
  const tested = chances.size;
  const results: ExpertFairness[] = [];
  for (const [expertId, list] of chances) {
    const count = selected.get(expertId) ?? 0;
    const pValue = poissonBinomialTail(list, count);
    // Šidák: the chance that at least one of `tested` fair experts looks this surprising. -expm1(n·log1p(-p)) keeps
    // precision for tiny p.
    const adjusted = pValue >= 1 ? 1 : -Math.expm1(tested * Math.log1p(-pValue));
    results.push({ expertId, trials: list.length, selected: count, expected: list.reduce((a, b) => a + b, 0), pValue, adjusted, flagged: adjusted < alpha });
  }
  results.sort((a, b) => a.pValue - b.pValue || (a.expertId < b.expertId ? -1 : 1));
  return { draws: draws.length, experts: tested, alpha, results, flagged: results.filter((r) => r.flagged) };
}

/** The words of the chart, in the reader's language. */
export interface FairnessChartLabels {
  readonly title: string;
  readonly expected: string;
  readonly observed: string;
  readonly flagged: string;
}

/**
 * A scatter chart as SVG: each expert at (expected, selected), the fair line selected = expected, flagged experts in
 * red and named by id. Ids are pseudonymous pool ids and every figure is public once the draws are disclosed.
 */
export function fairnessSvg(report: FairnessReport, labels: FairnessChartLabels): string {
  const W = 640;
  const H = 480;
  const M = { left: 56, right: 16, top: 36, bottom: 48 };
  const max = Math.max(1, ...report.results.map((r) => Math.max(r.expected, r.selected)));
  const x = (v: number) => M.left + (v / max) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - (v / max) * (H - M.top - M.bottom);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const dots = report.results
    .map((r) => {
      const title = `${r.expertId}: ${r.selected} / ${r.expected.toFixed(1)} (p ${r.pValue.toExponential(2)})`;
      return `<circle cx="${x(r.expected).toFixed(1)}" cy="${y(r.selected).toFixed(1)}" r="${r.flagged ? 4 : 2.5}" fill="${r.flagged ? '#c62828' : '#1565c0'}" fill-opacity="${r.flagged ? 1 : 0.5}"><title>${esc(title)}</title></circle>`;
    })
    .join('');
  const names = report.flagged.map((r) => `<text x="${(x(r.expected) + 6).toFixed(1)}" y="${(y(r.selected) - 6).toFixed(1)}" font-size="11" fill="#c62828">${esc(r.expertId)}</text>`).join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = Math.round(f * max * 10) / 10;
    return `<text x="${x(v).toFixed(1)}" y="${H - M.bottom + 16}" font-size="11" text-anchor="middle">${v}</text><text x="${M.left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end">${v}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" role="img" aria-label="${esc(labels.title)}">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="20" font-size="14" text-anchor="middle">${esc(labels.title)}</text>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(max)}" y2="${y(max)}" stroke="#888" stroke-dasharray="4 3"/>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="#333"/>`,
    ...ticks,
    `<text x="${W / 2}" y="${H - 12}" font-size="12" text-anchor="middle">${esc(labels.expected)}</text>`,
    `<text x="14" y="${H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${esc(labels.observed)}</text>`,
    dots,
    names,
    `<text x="${W - M.right}" y="${M.top}" font-size="11" text-anchor="end" fill="#c62828">${esc(labels.flagged)}: ${report.flagged.length}</text>`,
    '</svg>',
  ].join('\n');
}
