// Draw records: one per draw from its commit on (committed → drawn, failed or aborted), with its sealed result, and
// the marker of a drawn result whose roster is not written yet (what the call worker's catch-up reads).
import type { SealedBox } from '../crypto/sealing.js';
import type { Policy } from '../domain/policy.js';
import type { Project } from '../domain/project.js';
import type { DrawRequest } from '../domain/request.js';
import type { Assurance } from '../draw/seed.js';
import type { RecordWrite, Store } from '../store/store.js';
import { RecordSet, TEXT_CODEC } from './record-set.js';

export const DRAW_STATES = ['committed', 'drawn', 'failed', 'aborted'] as const;
export type DrawState = (typeof DRAW_STATES)[number];

/** What is stored per draw. `sealed` opens only with the sealing key; nothing else names an expert. */
export interface DrawRecord {
  readonly drawId: string;
  readonly projectId: string;
  readonly kind: 'scheduled' | 'immediate';
  readonly state: DrawState;
  readonly poolVersion: number;
  readonly assurance: Assurance;
  readonly commitIndex: number;
  readonly commitLeafHash: string;
  readonly resultIndex: number | null;
  /** SHA-256(salt ‖ JCS(result)): the commitment the result entry holds. */
  readonly resultHash: string | null;
  readonly groups: ReadonlyArray<{ specialty: string; count: number; alternates: number; eligibleCount: number }>;
  readonly sealed: SealedBox | null;
  /** Why it failed: `message` in English, `zh` in Chinese (absent on draws failed before it was kept). */
  readonly failure: { code: string; message: string; zh?: string } | null;
  /**
   * The draw's nonce (hex), vault-sealed, from the commit on: what a draw that fails or is aborted after its commit
   * reveals in its failure or abort entry. Absent on draws committed before the service kept it.
   */
  readonly sealedNonce?: string;
  /** Log index of the reveal entry, once the draw is disclosed. */
  readonly revealIndex?: number;
  /** Log index of the draw.failed or draw.aborted entry of a draw that ended after its commit (for its successor's proof). */
  readonly endIndex?: number;
  /**
   * A draw that ended after its commit: the project and request its commit hashed, kept at its end, so that the
   * disclosure of the draw that follows can rebuild its lines once the project or the pool has changed (§11). Absent on
   * draws that ended before the service kept them.
   */
  readonly inputs?: { readonly project: Project; readonly request: DrawRequest };
  /** Log index of the draw.lines entry that published those lines (§11). */
  readonly linesIndex?: number;
  /** The policy the draw ran under (its hash is in the commit), for the disclosure to rebuild the draw. */
  readonly policy?: Policy;
  /** A draw this one replaces (an aborted one), for inspectors. */
  readonly supersedes: string | null;
  /**
   * The selection history the draw's frequency caps read: every result up to this log index (-1: none). Absent on
   * draws made before the service kept a history (they read none).
   */
  readonly historyUpTo?: number;
  /** A remote site's draw: the result is sealed to this site as well, through the certificate with this fingerprint. */
  readonly site?: string;
  readonly siteFingerprint?: string;
  /**
   * A planned draw (§6.2): its draw.planned entry and the witness.deposited entries its commit took, in log order (what
   * its proof bundle carries); and the deposited secrets in that order (hex), vault-sealed, for a draw that ends
   * without a result to reveal with its nonce.
   */
  readonly planned?: { readonly index: number; readonly deposits: number[] };
  readonly sealedWitnessReveals?: string;
  /** A project needing witnesses: how many the policy requires and how many deposits the draw took. */
  readonly witnesses?: { readonly required: number; readonly deposited: number; readonly onShort: 'fail' | 'operator' };
  /** A beacon draw: the drand round its commit names (the result entry holds the round's signature). */
  readonly beacon?: { readonly chain: string; readonly round: number };
  readonly by: string;
  readonly createdAt: string;
}

export const draws = new RecordSet<DrawRecord>('draws', (d) => d.drawId);

/** Drawn results whose roster is not written yet: set with the result, cleared by the roster's first write. */
export const awaitingRoster = new RecordSet<string>('draws-unrostered', null, TEXT_CODEC);

export function awaitingRosterMark(drawId: string): RecordWrite {
  return awaitingRoster.writeAt(drawId, '1');
}

export function awaitingRosterClear(drawId: string): RecordWrite {
  return awaitingRoster.remove(drawId);
}

/** Draw ids whose roster may be missing: the marked ones. */
export function awaitingRosterKeys(store: Parameters<typeof awaitingRoster.keys>[0]): Promise<string[]> {
  return awaitingRoster.keys(store);
}

/** What a draw's sealed nonce is bound to: it opens only as this draw's (at the commit, or at the plan before it). */
export function nonceContext(drawId: string): string {
  return `${draws.collection}/${drawId}/nonce`;
}

/** What a draw's sealed witness secrets are bound to. */
export function witnessRevealsContext(drawId: string): string {
  return `${draws.collection}/${drawId}/witness-reveals`;
}

/**
 * A project's earlier draws that ended after their commit (failed or aborted, with their end entry's index kept),
 * oldest first: the chain of `supersedes` from `latest` (the project's last draw before the one asking). What a re-draw's
 * commit names (`follows`, docs/draw-proof.md §5) and what its proof bundle carries (`abandoned`, §13).
 */
export async function abandonedChain(store: Pick<Store, 'getRecord'>, latest: string | null, self?: string): Promise<Array<DrawRecord & { endIndex: number }>> {
  const out: Array<DrawRecord & { endIndex: number }> = [];
  const seen = new Set(self === undefined ? [] : [self]);
  for (let id = latest; id !== null && !seen.has(id); ) {
    seen.add(id);
    const earlier = (await draws.read(store, id))?.value;
    if (!earlier) break;
    // A draw that failed before its commit has nothing to open; one whose end index was not kept is left to the log.
    if (earlier.commitIndex >= 0 && earlier.endIndex !== undefined && (earlier.state === 'failed' || earlier.state === 'aborted')) out.push(earlier as DrawRecord & { endIndex: number });
    id = earlier.supersedes;
  }
  return out.reverse();
}
