// The offline check of a beacon draw's round (docs/draw-proof.md §6, §13): the result entry's round is the one the
// commit's plan names, it was published after the commit was logged, and its BLS signature verifies under a chain the
// inspector pinned. Pure: the bundle and the pinned chains are all it reads.
import { KNOWN_CHAINS, type BeaconChain } from '../beacon/chains.js';
import { roundTimeMs, RoundRejected, verifyRound } from '../beacon/rounds.js';
import type { CommitPayload, ResultPayload } from '../draw/entries.js';
import { CLOCK_ALLOWANCE_MS } from './kept-history.js';

export const BEACON_CHECK = {
  id: 'beacon',
  title: 'the drand round the plan names was published after the commit and its signature verifies under the pinned chain key',
} as const;

export interface BeaconOutcome {
  readonly status: 'pass' | 'fail' | 'unverifiable' | 'skipped';
  readonly detail: string;
  /** The round's randomness once everything above holds: what enters the seed (§6). */
  readonly randomness?: Buffer;
}

/** Whether a bundle has a beacon check at all: its plan names a round, or its result entry carries one. */
export function hasBeacon(commit: CommitPayload | undefined, result: ResultPayload | undefined): boolean {
  return Boolean(commit?.entropy.beacon) || Boolean(result?.beacon);
}

/**
 * Checks the round a beacon draw read. `commitEntry` is the commit entry's exact text (its `time` is when the commit
 * was logged); `chains` are the inspector's pinned chains, the League of Entropy's public ones always among them.
 */
export function checkBeaconRound(commit: CommitPayload | undefined, commitEntry: string, result: ResultPayload | undefined, chains: readonly BeaconChain[] = []): BeaconOutcome {
  if (!commit || !result) return { status: 'skipped', detail: 'needs the commit and result entries' };
  const plan = commit.entropy.beacon;
  const served = result.beacon;
  if (!plan) return { status: 'fail', detail: `the result entry names drand round ${served?.round ?? '?'}, but the commit's plan has no beacon` };
  if (!served) return { status: 'unverifiable', detail: `the plan names drand round ${plan.round}; the result entry carries no round to check` };
  if (served.chain !== plan.chain || served.round !== plan.round) {
    return { status: 'fail', detail: `the result entry holds round ${served.round} of chain ${served.chain}, the plan names round ${plan.round} of chain ${plan.chain}` };
  }
  const chain = [...chains, ...KNOWN_CHAINS].find((c) => c.hash === plan.chain);
  if (!chain) return { status: 'unverifiable', detail: `chain ${plan.chain} is not pinned: give its info (--beacon-chain) to check the signature` };
  const committedAt = Date.parse((JSON.parse(commitEntry) as { time: string }).time);
  const publishedAt = roundTimeMs(chain, plan.round);
  if (!(publishedAt > committedAt)) {
    return { status: 'fail', detail: `round ${plan.round} was published at ${new Date(publishedAt).toISOString()}, not after the commit logged at ${new Date(committedAt).toISOString()}` };
  }
  try {
    const round = verifyRound(chain, plan.round, { round: served.round, randomness: served.randomness, signature: served.signature, previous_signature: served.previousSignature });
    return {
      status: 'pass',
      detail: `round ${round.round} of ${chain.scheme} chain ${chain.hash.slice(0, 16)}…, published ${new Date(publishedAt).toISOString()} after the commit at ${new Date(committedAt).toISOString()}; randomness ${round.randomness}`,
      randomness: Buffer.from(round.randomness, 'hex'),
    };
  } catch (err) {
    if (err instanceof RoundRejected) return { status: 'fail', detail: err.reason };
    throw err;
  }
}

export const BEACON_KEPT_CHECK = {
  id: 'beacon.kept',
  title: 'a checkpoint you kept holds the commit: the commit is not dated after you fetched it, and whether the round came after that fetch (§6.1)',
} as const;

/**
 * A beacon draw's commit against the first kept checkpoint that holds it, fetched at `kept.fetchedAt` by the
 * inspector's watcher: the commit existed by then, so its time may not be later (within CLOCK_ALLOWANCE_MS). When the
 * round was published after that fetch, the commit is proved to precede it on the inspector's clock alone; otherwise
 * that order rests on the commit's time, and the detail says so. Which round the commit names (the first after its time
 * and the service's margin, EXPERT_DRAW_BEACON_MARGIN_MS) is not held to the fetch: a later round gives nobody an
 * advantage, and the margin is the service's setting, not in the bundle.
 */
export function checkBeaconKept(commitEntry: string, commitIndex: number, round: number, chain: BeaconChain, kept: { readonly size: number; readonly fetchedAt: number }): BeaconOutcome {
  const at = (ms: number) => new Date(ms).toISOString();
  const committedAt = Date.parse((JSON.parse(commitEntry) as { time: string }).time);
  const publishedAt = roundTimeMs(chain, round);
  const held = `kept checkpoint ${kept.size}, fetched by your watcher at ${at(kept.fetchedAt)}, holds the commit (entry ${commitIndex})`;
  if (committedAt > kept.fetchedAt + CLOCK_ALLOWANCE_MS) return { status: 'fail', detail: `${held}, but the commit is dated ${at(committedAt)}, later than that: its time is not the log's` };
  if (publishedAt > kept.fetchedAt) return { status: 'pass', detail: `${held}; round ${round} was published later, at ${at(publishedAt)}: the commit was in the log before the round existed, on your own clock` };
  return {
    status: 'pass',
    detail: `${held}; round ${round} was published before that fetch, at ${at(publishedAt)}: that it came after the commit rests on the commit’s time (${at(committedAt)}); a watcher passing more often than every ${chain.periodS} s shows it on your own clock`,
  };
}
