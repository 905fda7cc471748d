// Ranking by partial Fisher–Yates over each group's candidates (docs/draw-proof.md §8).
// Pure: the same groups and seed give the same ranking here, in the verifier and in the benchmark.
import { InsufficientCandidatesError, type GroupShortfall } from '../errors.js';
import { PanelState, type PanelMember, type SkipReason } from './conflicts.js';
import { CounterStream } from './stream.js';

/** A group as sampling needs it: how many to rank, and its eligible candidates in id order, read on demand. */
export interface SamplingGroup {
  readonly specialty: string;
  readonly count: number;
  readonly alternates: number;
  /** Number of eligible candidates. */
  readonly size: number;
  /** The i-th eligible candidate in id order; called only for drawn positions. */
  candidate(i: number): PanelMember;
}

/** A sampling group over a plain list (tests, the verifier). */
export function listGroup(specialty: string, count: number, alternates: number, eligible: readonly PanelMember[]): SamplingGroup {
  return { specialty, count, alternates, size: eligible.length, candidate: (i) => eligible[i]! };
}

export interface Skip {
  readonly id: string;
  readonly reason: SkipReason;
}

export interface RankedGroup {
  readonly index: number;
  readonly specialty: string;
  /** The panel members of this group, in draw order. */
  readonly selected: string[];
  /** Ranked alternates, first to be promoted first. */
  readonly alternates: string[];
  /** Candidates passed over in draw order, with why. */
  readonly skipped: Skip[];
}

/** One group's shuffle in progress: a sparse Fisher–Yates over positions 0..n-1 of the eligible list. */
class GroupShuffle {
  private readonly stream: CounterStream;
  /** Position → candidate index, for the positions a swap has touched; untouched position p holds p. */
  private readonly moved = new Map<number, number>();
  /** Positions drawn so far. */
  position = 0;
  readonly ranked: string[] = [];
  readonly skipped: Skip[] = [];

  constructor(
    readonly group: SamplingGroup,
    seed: Uint8Array,
    readonly index: number,
  ) {
    this.stream = new CounterStream(seed, index);
  }

  /** Draws positions until `target` candidates are ranked or the list is exhausted. */
  rankUntil(target: number, panel: PanelState): void {
    const group = this.group;
    const n = group.size;
    while (this.ranked.length < target && this.position < n) {
      const i = this.position++;
      const j = i + this.stream.uniform(n - i);
      const atI = this.moved.get(i) ?? i;
      const atJ = this.moved.get(j) ?? j;
      // Position i takes the candidate at j; j keeps what was at i for later positions.
      this.moved.set(j, atI);
      this.moved.delete(i);
      const candidate = group.candidate(atJ);
      if (panel.has(candidate.id)) {
        this.skipped.push({ id: candidate.id, reason: 'ALREADY_RANKED' });
        continue;
      }
      const conflict = panel.conflict(candidate);
      if (conflict) {
        this.skipped.push({ id: candidate.id, reason: conflict });
        continue;
      }
      panel.add(candidate);
      this.ranked.push(candidate.id);
    }
  }

  shortfall(target: number): GroupShortfall | null {
    if (this.ranked.length >= target) return null;
    return {
      group: this.index,
      specialty: this.group.specialty,
      required: target,
      available: this.ranked.length,
      shortfall: target - this.ranked.length,
    };
  }
}

/**
 * Ranks every group in request order. Every ranked expert (selected or alternate, in any group) joins the panel
 * state, so no expert appears twice and any promotion of alternates still yields a panel free of rule-7 conflicts.
 */
export class DrawSampler {
  private readonly panel: PanelState;
  private readonly shuffles: GroupShuffle[];

  constructor(groups: readonly SamplingGroup[], seed: Uint8Array, maxPerEmployer: number) {
    if (seed.length !== 32) throw new RangeError('seed must be 32 bytes');
    this.panel = new PanelState(maxPerEmployer);
    this.shuffles = groups.map((g, i) => new GroupShuffle(g, seed, i));
  }

  /** Selected and alternates for every group; throws naming each short group, never returns a smaller panel. */
  rank(): RankedGroup[] {
    const short: GroupShortfall[] = [];
    for (const s of this.shuffles) {
      const target = s.group.count + s.group.alternates;
      s.rankUntil(target, this.panel);
      const gap = s.shortfall(target);
      if (gap) short.push(gap);
    }
    if (short.length > 0) throw new InsufficientCandidatesError(short);
    return this.shuffles.map((s) => ({
      index: s.index,
      specialty: s.group.specialty,
      selected: s.ranked.slice(0, s.group.count),
      alternates: s.ranked.slice(s.group.count),
      skipped: [...s.skipped],
    }));
  }

  /**
   * Further replacements for one group from the same stream, after rank(): a top-up continues the draw, it is not
   * a new one. Returns the newly ranked ids in order; fewer than `extra` means the group's candidates ran out.
   */
  extend(group: number, extra: number): string[] {
    const s = this.shuffles[group];
    if (!s) throw new RangeError(`no group ${group}`);
    const before = s.ranked.length;
    s.rankUntil(before + extra, this.panel);
    return s.ranked.slice(before);
  }

}
