// What the pure draw reads from the pool: members sorted by id, per requested specialty.
import type { Expert } from '../domain/expert.js';
import type { PanelMember } from './conflicts.js';

/** One expert as the draw sees it, with the bytes it contributes to the candidate digest precomputed. */
export interface PoolMember extends PanelMember {
  readonly expert: Expert;
  /** The expert's line in the candidate digest (docs/draw-proof.md §4): id TAB employer TAB relatives LF. */
  readonly digestLine: string;
}

export interface PoolView {
  /** Version of the pool the members come from; recorded in the commit. */
  readonly version: number;
  /** Members holding a specialty code that starts with `specialty`, each once, sorted by id (UTF-16 code units). */
  candidatesFor(specialty: string): readonly PoolMember[];
}
