// One pool member as the draw sees it: what the panel rules and the member digest read, and the full record.
import type { Expert } from '../domain/expert.js';
import type { PanelMember } from './conflicts.js';

export interface PoolMember extends PanelMember {
  readonly region: string;
  readonly expert: Expert;
  /** Position in the pool index (members sorted by id). */
  readonly position: number;
}
