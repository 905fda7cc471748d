// Where runDraw's time goes: the engine's steps timed one by one (mirrors runDraw in src/draw/engine.ts).
// Usage: node --max-old-space-size=8192 --expose-gc --import tsx bench/profile-engine.ts [--pool 100k] [--draws 500]
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { jcsHashHex } from '../src/crypto/canonical.js';
import { DEFAULT_POLICY } from '../src/domain/policy.js';
import { checkCommittee, prepareGroup } from '../src/draw/candidates.js';
import { COMMIT_ENTRY_TYPE } from '../src/draw/commit.js';
import { conflictContext, expertExclusions } from '../src/draw/conflicts.js';
import { candidateDigest, exclusionDigest, exclusionLine } from '../src/draw/digest.js';
import { buildCommit, prepareDraw, rankDraw, runDraw, type DrawInput } from '../src/draw/engine.js';
import { indexHistory } from '../src/draw/history.js';
import { deriveSeed, nonceHash, type EntropyPlan } from '../src/draw/seed.js';
import { GENESIS_PREV, encodeEntry, leafHash } from '../src/log/entry.js';
import { generatePool, syntheticHistory, syntheticProject } from '../src/pool/generator.js';
import { PoolIndex } from '../src/pool/pool-index.js';
import { formatPoolSize, formatTable, ms, parsePoolSize } from './lib/format.js';
import { elapsedMs, summarize } from './lib/stats.js';
import { ENGINE_DEFAULTS, EXPERTS_PER_GROUP, fixedFor } from './suites/engine.js';

const cli = new Command('profile-engine')
  .option('--pool <size>', 'pool size', '100k')
  .option('--draws <n>', 'timed draws', '500')
  .option('--warmup <n>', 'untimed draws first', '100')
  .parse();
const opts = cli.opts<{ pool: string; draws: string; warmup: string }>();
const size = parsePoolSize(opts.pool);
const draws = Number(opts.draws);
const warmup = Number(opts.warmup);

const fixed = fixedFor(size);
const pool = generatePool({ size, seed: ENGINE_DEFAULTS.seed, fixed });
const index = new PoolIndex(pool.experts, 1);
const history = indexHistory(syntheticHistory(pool, Math.round(size * ENGINE_DEFAULTS.historyPerExpert), `${ENGINE_DEFAULTS.seed}/history`));
const projects = Array.from({ length: ENGINE_DEFAULTS.projects }, (_, k) => syntheticProject(pool, `${ENGINE_DEFAULTS.seed}-${size}-${k}`));
const request = { groups: fixed.map((f) => ({ specialty: f.code, count: EXPERTS_PER_GROUP })), tendererRepresentatives: 0 };
const plan: EntropyPlan = { beacon: null, witnessCommitments: [] };
// The same candidates in a pool of their own: small, freshly allocated, so cache-friendly. Isolates memory locality.
const compactExperts = structuredClone(pool.experts.filter((e) => e.specialties.some((c) => fixed.some((f) => c === f.code))));
const compact = new PoolIndex(compactExperts, 1);

const samples = new Map<string, number[]>();
const time = <T>(phase: string, measured: boolean, fn: () => T): T => {
  const start = process.hrtime.bigint();
  const out = fn();
  const end = process.hrtime.bigint();
  if (measured) {
    let list = samples.get(phase);
    if (!list) samples.set(phase, (list = []));
    list.push(elapsedMs(start, end));
  }
  return out;
};

for (let i = 0; i < warmup + draws; i++) {
  const on = i >= warmup;
  const project = projects[i % projects.length]!;
  const input: DrawInput = { drawId: `P-${i}`, project, request, policy: DEFAULT_POLICY, pool: index, history };
  const nonce = randomBytes(32);
  const entropy = { plan, nonce, beaconRandomness: null, witnessReveals: [], time: '2026-12-01T00:00:00.000Z', prev: GENESIS_PREV };
  time('runDraw (whole)', on, () => runDraw(input, entropy));
  time('runDraw, compact pool of the same candidates', on, () => runDraw({ ...input, pool: compact }, entropy));
  const ctx = time('checkCommittee + conflictContext', on, () => {
    checkCommittee(request, DEFAULT_POLICY);
    return conflictContext(project, DEFAULT_POLICY, history);
  });
  request.groups.forEach((g, k) => {
    const list = index.candidatesFor(g.specialty);
    time(`g${k} scan: expertExclusions only`, on, () => {
      let n = 0;
      for (const m of list) n += expertExclusions(m.expert, ctx).length;
      return n;
    });
    const prepared = time(`g${k} prepareGroup (scan + lines + digests)`, on, () => prepareGroup(g, k, index, project, DEFAULT_POLICY, ctx));
    time(`g${k}   of which candidateDigest (join + sha256)`, on, () => candidateDigest(prepared.eligible.map((m) => m.digestLine)));
    time(`g${k}   of which exclusion lines + digest`, on, () => exclusionDigest(prepared.excluded.map((x) => exclusionLine(x.id, x.reasons))));
  });
  time('requestHash (JCS + sha256)', on, () => jcsHashHex({ project, request }));
  time('policyHash (JCS + sha256)', on, () => jcsHashHex(DEFAULT_POLICY));
  const prepared = time('prepareDraw (whole)', on, () => prepareDraw(input));
  const { commit, leaf } = time('commit: buildCommit + nonceHash + encodeEntry + leafHash', on, () => {
    const commit = buildCommit(prepared, plan, nonceHash(nonce));
    const leaf = leafHash(encodeEntry({ type: COMMIT_ENTRY_TYPE, time: entropy.time, prev: entropy.prev, payload: commit }));
    return { commit, leaf };
  });
  const seed = time('deriveSeed', on, () => deriveSeed(plan, commit.nonceHash, { nonce, commitLeafHash: leaf, beaconRandomness: null, witnessReveals: [] }));
  time('rankDraw', on, () => rankDraw(prepared, seed));
}

const whole = summarize(samples.get('runDraw (whole)')!).mean;
const rows = [...samples].map(([phase, list]) => {
  const s = summarize(list);
  return [phase, ms(s.p50), ms(s.p99), ms(s.mean), `${((100 * s.mean) / whole).toFixed(1)}%`];
});
process.stdout.write(
  `pool ${formatPoolSize(size)}, candidates ${fixed.map((f) => index.candidatesFor(f.code).length).join('/')}, ${draws} draws after ${warmup} warm-up, ` +
    `heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB\n\n${formatTable(['phase', 'p50 ms', 'p99 ms', 'mean ms', 'of runDraw'], rows)}\n`,
);
