// A complete draw on a synthetic pool, printed step by step: what `npm start` shows until the HTTP service exists.
import { randomBytes } from 'node:crypto';
import { DEFAULT_POLICY } from './domain/policy.js';
import { DrawRequest } from './domain/request.js';
import { runDraw } from './draw/protocol.js';
import { indexHistory } from './draw/history.js';
import { GENESIS_PREV } from './log/entry.js';
import { generatePool, syntheticHistory, syntheticProject } from './pool/generator.js';
import { PoolIndex } from './draw/pool-index.js';
import type { KeyObject } from 'node:crypto';
import type { ServiceLog } from './audit/entries.js';
import { jcs } from './crypto/canonical.js';
import { seal } from './crypto/sealing.js';
import { COMMIT_ENTRY_TYPE, RESULT_ENTRY_TYPE } from './draw/entries.js';
import { begin, finish, OPERATOR_ENTROPY, resultEntry, sealable } from './draw/protocol.js';
import { encodeEntry } from './log/entry.js';
import { reportTexts } from './i18n/cli/reports.js';
import type { Lang } from './i18n/language.js';

export interface DemoOptions {
  readonly size: number;
  readonly seed: string;
  /** Specialty codes to draw from, one group each; default: the three largest 4-level codes of the pool. */
  readonly specialties?: readonly string[];
  readonly count: number;
  /** Hex nonce for a reproducible demo; a fresh random one otherwise. Ignored with a log (its nonce is fresh). */
  readonly nonce?: string;
  /** Commit the draw to this audit log (commit durable before the seed exists), its result sealed to this key. */
  readonly log?: { readonly auditLog: ServiceLog; readonly sealingKey: KeyObject };
  /** The language of the printed steps (default English). */
  readonly lang?: Lang;
}

export async function runDemo(options: DemoOptions, print: (line: string) => void): Promise<void> {
  const r = reportTexts.in(options.lang ?? 'en');
  const assurance = (a: 'operator' | 'witnessed' | 'beacon') => reportTexts.said(`assurance.${a}`);
  const started = performance.now();
  const pool = generatePool({ size: options.size, seed: options.seed });
  const index = new PoolIndex(pool.experts, 1);
  print(r('demo.pool', { experts: index.size, organisations: pool.organisations.length, seed: options.seed, ms: (performance.now() - started).toFixed(0) }));
  const specialties =
    options.specialties ?? index.specialtySizes().filter((s) => s.specialty.length === 7).slice(0, 3).map((s) => s.specialty);
  const count = options.count;
  const request = DrawRequest.parse({ groups: specialties.map((specialty) => ({ specialty, count })), tendererRepresentatives: specialties.length * count % 2 === 0 ? 1 : 0 });
  const project = syntheticProject(pool, 'demo');
  const history = indexHistory(syntheticHistory(pool, Math.floor(options.size / 10)));
  // With a given nonce the run is reproducible: the draw id and the commit's time (an hour before bid opening, when the
  // service would draw) come from it and the project, not from the clock, so the commit, seed and ranking repeat.
  const reproducible = options.nonce !== undefined && !options.log;
  const drawId = reproducible ? `D-demo-${options.nonce!.slice(0, 12)}` : `D-demo-${Date.now()}`;
  const commitTime = reproducible ? new Date(Date.parse(project.bidOpeningAt) - 3_600_000).toISOString() : new Date().toISOString();
  const input = { drawId, project, request, policy: DEFAULT_POLICY, pool: index, history };
  if (options.log) {
    const { auditLog, sealingKey } = options.log;
    const t0 = performance.now();
    // The service's own steps (src/draw/protocol.ts): the commit durable before the seed, the result sealed at once.
    const begun = begin(input, OPERATOR_ENTROPY, randomBytes(32));
    const commit = await auditLog.appendWith((prev, time) => encodeEntry({ type: COMMIT_ENTRY_TYPE, time, prev, payload: begun.commit }));
    const finished = finish(begun, commit.leafHash);
    const salt = randomBytes(32);
    const sealed = seal(Buffer.from(jcs(sealable(begun, finished, salt))), input.drawId, [{ recipient: 'service', publicKey: sealingKey }]);
    const result = await auditLog.append(RESULT_ENTRY_TYPE, resultEntry(begun, finished.result, { commitIndex: commit.index, salt, sealed }));
    const drawn = { commit, result, assurance: begun.assurance, ranking: finished.result };
    const ms = performance.now() - t0;
    const cp = await auditLog.checkpoint();
    const proof = await auditLog.inclusionProof(drawn.commit.index);
    print(r('demo.project', { id: project.id, opening: project.bidOpeningAt }));
    print(r('demo.logged.commit', { index: drawn.commit.index, leaf: drawn.commit.leafHash.toString('hex').slice(0, 16) }));
    print(r('demo.logged.seed', { assurance: assurance(drawn.assurance) }));
    print(r('demo.logged.result', { index: drawn.result.index }));
    for (const g of drawn.ranking.groups) print(`   ${r('demo.logged.group', { index: g.index, specialty: g.specialty, selected: g.selected.length, alternates: g.alternates.length })}`);
    print(r('demo.logged.checkpoint', { size: cp.size, hashes: proof.hashes.length }));
    print('');
    print(r('demo.logged.took', { ms: ms.toFixed(1) }));
    return;
  }
  const nonce = options.nonce ? Buffer.from(options.nonce, 'hex') : randomBytes(32);
  const t0 = performance.now();
  const out = runDraw(
    input,
    { plan: { beacon: null, witnessCommitments: [] }, nonce, beaconRandomness: null, witnessReveals: [], time: commitTime, prev: GENESIS_PREV },
  );
  const ms = performance.now() - t0;
  print(r('demo.projectTenderer', { id: project.id, opening: project.bidOpeningAt, tenderer: project.tenderer }));
  print(r(reproducible ? 'demo.drawReproducible' : 'demo.draw', { id: drawId, time: commitTime }));
  print('');
  print(r('demo.commit'));
  for (const [i, g] of out.commit.groups.entries()) {
    const digests = { membersDigest: g.membersDigest.slice(0, 16), exclusionDigest: g.exclusionDigest.slice(0, 16) };
    print(`   ${r('demo.commitGroup', { index: i, specialty: g.specialty, eligible: g.eligibleCount, members: g.membersCount, excluded: g.excludedCount, ...digests })}`);
  }
  print(`   ${r('demo.commitLeaf', { hash: out.commitLeafHash.toString('hex') })}`);
  print(r('demo.seed', { assurance: assurance(out.assurance), seed: out.seed.toString('hex') }));
  print(r('demo.ranking'));
  for (const g of out.result.groups) {
    const skipped = g.skipped.length ? ` | ${r('demo.skipped', { count: g.skipped.length })}` : '';
    print(`   ${r('demo.rankingGroup', { index: g.index, specialty: g.specialty, selected: g.selected.join(' '), alternates: g.alternates.join(' ') })}${skipped}`);
  }
  print('');
  print(r('demo.computed', { ms: ms.toFixed(2) }));
}
