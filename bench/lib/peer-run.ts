// One side-by-side peer measurement on a pool: PostgreSQL answering or not, load the pool, time the peer's draws.
// Shared by the peer suite (several pool sizes) and the http suite (its own pool, in the same run).
import type { SyntheticPool } from '../../src/pool/generator.js';
import { syntheticProject } from '../../src/pool/generator.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { PEER_AUDIT_SQL, PEER_GROUP_SQL, PEER_SKIPPED, PostgresPeer, peerProject, probePostgres, timePeerDraws, type PeerGroup } from './pg-peer.js';
import { round, roundSummary, summarize, type Summary } from './stats.js';

export interface PeerOptions {
  readonly url: string;
  readonly draws: number;
  readonly warmup: number;
  readonly minDraws: number;
  readonly budgetMs: number;
  /** Distinct projects (parties) used in turn. */
  readonly projects: number;
  readonly seed: string;
  /** Group codes and panel size (+ the policy's alternates, as the engine ranks them). */
  readonly groups: ReadonlyArray<{ readonly code: string }>;
  readonly perGroup: number;
}

export type PeerMeasurement =
  | {
      readonly skipped: false;
      readonly pool: number;
      readonly draw: Summary;
      readonly budgetReached: boolean;
      readonly loadMs: number;
      readonly server: Record<string, string>;
      readonly plan: string[];
    }
  | { readonly skipped: true; readonly reason: string };

/** Whether PostgreSQL answers at `url`: null if it does, else the skip message the result files carry. */
export async function peerSkipReason(url: string): Promise<string | null> {
  const error = await probePostgres(url);
  return error === null ? null : `${PEER_SKIPPED} at ${url.replace(/\/\/[^@/]*@/, '//')} (${error})`;
}

/** Loads `pool` into a fresh schema, times the peer's draws, drops the schema. */
export async function measurePeer(pool: SyntheticPool, o: PeerOptions): Promise<PeerMeasurement> {
  const reason = await peerSkipReason(o.url);
  if (reason !== null) return { skipped: true, reason };
  const peer = await PostgresPeer.open(o.url);
  try {
    const loadMs = await peer.load(pool.experts);
    const groups: PeerGroup[] = o.groups.map((g) => ({ specialty: g.code, limit: o.perGroup + DEFAULT_POLICY.alternatesPerGroup }));
    const projects = Array.from({ length: o.projects }, (_, k) => peerProject(syntheticProject(pool, `${o.seed}-peer-${pool.experts.length}-${k}`)));
    const plan = await peer.plan(groups, projects[0]!);
    const timing = await timePeerDraws(peer, projects, groups, o);
    return { skipped: false, pool: pool.experts.length, draw: roundSummary(summarize(timing.samples)), budgetReached: timing.budgetReached, loadMs: round(loadMs, 1), server: peer.server, plan };
  } finally {
    await peer.close();
  }
}

/** How the peer draws, for the details files. */
export const PEER_METHOD =
  'PostgreSQL, the pool in a fresh schema (experts, expert_specialties, expert_unavailable, draw_audit; primary keys and an index on status; ANALYZE), ' +
  `one connection (node-postgres), per draw one transaction: BEGIN; per group (named, prepared statement) ${PEER_GROUP_SQL.replace(/\s+/g, ' ')}; ` +
  `${PEER_AUDIT_SQL}; COMMIT (durable as the server commits: its fsync and synchronous_commit are recorded). Timed from BEGIN to the COMMIT acknowledged. ` +
  'The same filters as the engine suite\'s SQLite baseline; it leaves out what our engine also does (positions and relatives, frequency caps, digests, a verifiable seed, sealing, signing).';
