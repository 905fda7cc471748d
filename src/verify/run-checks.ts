// Checks across the bundles of one run (`proof verify DIR`, `fairness DIR`; docs/draw-proof.md §13). Each file is
// verified alone, in any thread; two bundles can each hold together and still contradict each other, which only a
// holder of the log key can sign. So each verdict carries a few facts the log key vouches for, and these checks compare
// them in the main thread once every file is in: a bundle that contradicts another of the run fails, and so does the
// other, since nothing offline says which one is the log's.
import type { Check } from './draw-proof.js';
import type { FileVerdict } from './proof-files.js';

/** What one bundle shows that the log key vouches for: only parts proved into a tree the pinned key signed count. */
export interface RunFacts {
  /** Every checkpoint of the bundle that opened under the pinned key: tree size and root hash (hex). */
  readonly checkpoints: ReadonlyArray<{ readonly size: number; readonly root: string }>;
  /** Draws whose commit is in such a tree: the commit's leaf hash, and the result's for the disclosed draw. */
  readonly draws: ReadonlyArray<{ readonly drawId: string; readonly commit: string; readonly result?: string }>;
  /** Nonces revealed in such a tree, each hashing to the nonceHash its draw's commit holds. */
  readonly nonces: ReadonlyArray<{ readonly nonce: string; readonly drawId: string }>;
}

export const NO_RUN_FACTS: RunFacts = { checkpoints: [], draws: [], nonces: [] };

/** The ids of the run checks, in the order a report lists them (after the bundle's own checks). */
export const RUN_CHECKS = { checkpoints: 'checkpoints.agree', draws: 'draws.agree', nonces: 'nonces.unique' } as const;

const TITLES: Record<(typeof RUN_CHECKS)[keyof typeof RUN_CHECKS], string> = {
  'checkpoints.agree': 'no other bundle of the run holds a checkpoint of the same tree size with another root (a fork)',
  'draws.agree': 'no other bundle of the run tells this draw (or an earlier one it carries) with another commit or result',
  'nonces.unique': 'no nonce this bundle reveals is revealed for another draw by a bundle of the run',
};

/**
 * The verdicts with the run checks added to every report, when the run holds two bundles or more with a report (one
 * alone has nothing to compare: its report stays as it is). A check fails where the bundle's facts meet contradicting
 * ones, and names the files on each side.
 */
export function checkRun(verdicts: readonly FileVerdict[]): FileVerdict[] {
  const reported = verdicts.filter((v) => 'report' in v);
  if (reported.length < 2) return [...verdicts];
  const roots = sides(reported.flatMap(({ file, facts }) => facts.checkpoints.map((c) => ({ key: String(c.size), value: c.root, file }))));
  const commits = sides(reported.flatMap(({ file, facts }) => facts.draws.map((d) => ({ key: d.drawId, value: d.commit, file }))));
  const results = sides(reported.flatMap(({ file, facts }) => facts.draws.flatMap((d) => (d.result ? [{ key: d.drawId, value: d.result, file }] : []))));
  const openers = sides(reported.flatMap(({ file, facts }) => facts.nonces.map((n) => ({ key: n.nonce, value: n.drawId, file }))));
  return verdicts.map((v) => {
    if (!('report' in v)) return v;
    const f = v.facts;
    const checks: Check[] = [
      runCheck(RUN_CHECKS.checkpoints, f.checkpoints.length === 0 ? null : forkOutcome(f, roots)),
      runCheck(RUN_CHECKS.draws, f.draws.length === 0 ? null : drawsOutcome(f, commits, results)),
      runCheck(RUN_CHECKS.nonces, f.nonces.length === 0 ? null : noncesOutcome(f, openers)),
    ];
    const all = [...v.report.checks, ...checks];
    return { ...v, report: { ...v.report, ok: all.every((c) => c.status === 'pass'), checks: all } };
  });
}

/** Per key, the files showing each value: a key with two values or more is a contradiction. */
type Sides = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

function sides(seen: ReadonlyArray<{ key: string; value: string; file: string }>): Sides {
  const out = new Map<string, Map<string, string[]>>();
  for (const { key, value, file } of seen) {
    const values = out.get(key) ?? new Map<string, string[]>();
    out.set(key, values);
    const files = values.get(value) ?? [];
    values.set(value, files);
    if (!files.includes(file)) files.push(file);
  }
  return out;
}

/** "X in a.json, b.json; Y in c.json": each value of a contradicted key with the files that show it. */
function told(values: ReadonlyMap<string, readonly string[]>, what: (value: string) => string): string {
  return [...values].map(([value, files]) => `${what(value)} in ${files.join(', ')}`).join('; ');
}

const contradicted = (s: Sides, key: string) => (s.get(key)?.size ?? 0) > 1;

function forkOutcome(f: RunFacts, roots: Sides): Omit<Check, 'id' | 'title'> {
  const sizes = [...new Set(f.checkpoints.map((c) => String(c.size)))];
  const forks = sizes.filter((size) => contradicted(roots, size));
  if (forks.length === 0) return { status: 'pass', detail: `tree size ${sizes.join(', ')}: the same root in every bundle of the run that holds it` };
  // Two roots for one tree size, both signed by the pinned key: the key signed two histories.
  const detail = forks.map((size) => `FORK at tree size ${size}: root ${told(roots.get(size)!, (root) => root)}`).join('; ');
  return { status: 'fail', detail: `${detail}; both signed by the log key: keep the files and report the fork` };
}

function drawsOutcome(f: RunFacts, commits: Sides, results: Sides): Omit<Check, 'id' | 'title'> {
  const ids = [...new Set(f.draws.map((d) => d.drawId))];
  const problems = ids.flatMap((id) => [
    ...(contradicted(commits, id) ? [`draw ${id} has commit leaf hash ${told(commits.get(id)!, (h) => h)}`] : []),
    ...(contradicted(results, id) ? [`draw ${id} has result leaf hash ${told(results.get(id)!, (h) => h)}`] : []),
  ]);
  if (problems.length === 0) return { status: 'pass', detail: `draw ${ids.join(', ')}: the same entries in every bundle of the run that holds it` };
  // One draw id is one commit and one result in the log: two versions of them are two logs.
  return { status: 'fail', detail: `${problems.join('; ')}: one draw, two different log entries` };
}

function noncesOutcome(f: RunFacts, openers: Sides): Omit<Check, 'id' | 'title'> {
  const reused = [...new Set(f.nonces.map((n) => n.nonce))].filter((nonce) => contradicted(openers, nonce));
  if (reused.length === 0) return { status: 'pass', detail: `${f.nonces.length} nonce(s), each revealed for one draw only` };
  // A nonce is 32 random bytes drawn for one draw: the same one opening two draws was chosen, not drawn.
  const detail = reused.map((nonce) => `nonce ${nonce} opens draw ${told(openers.get(nonce)!, (id) => id)}`).join('; ');
  return { status: 'fail', detail: `${detail}: a nonce is 32 random bytes drawn for one draw; reused, it was chosen` };
}

/** A run check; without facts of its kind (no part proved under the key) it has nothing to compare. */
function runCheck(id: keyof typeof TITLES, outcome: Omit<Check, 'id' | 'title'> | null): Check {
  return { id, title: TITLES[id], ...(outcome ?? { status: 'skipped', detail: 'needs parts of the bundle proved under the log key' }) };
}
