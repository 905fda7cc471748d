// Rules' consequences and objections, store side (docs/records.md "Rules and consequences", "Objections"): each
// consequence by its id (derived from rule, expert and records, so a rule fires once per set of records, on any
// instance and after any restart), each objection by id, and which record or consequence already has an objection.
// The log entries are the history; these records are the state the commits expect.
import { strongest, type StatusState } from '../domain/sanctions.js';
import type { Store } from '../store/store.js';
import { RecordSet, TEXT_CODEC } from './record-set.js';

export interface ConsequenceRecord {
  readonly id: string;
  readonly expertId: string;
  readonly ruleId: string;
  readonly kind: 'suspend' | 'blacklist' | 'review';
  /** The records that triggered it: log indexes, with their draws. */
  readonly records: ReadonlyArray<{ readonly index: number; readonly drawId: string }>;
  readonly appliedAt: string;
  readonly appliedIndex: number;
  /** The day it took effect, and (suspensions) the last day. */
  readonly from: string;
  readonly until: string | null;
  /** The status it stands for (null: a review), and the status it set (null: it left the expert's as it was). */
  readonly imposes: StatusState | null;
  readonly set: StatusState | null;
  /** `closed`: a review a pool manager ended (with `review`). */
  readonly state: 'in-force' | 'expired' | 'annulled' | 'closed';
  readonly endedAt: string | null;
  readonly endedWhy: 'expired' | 'objection' | 'record-corrected' | 'reviewed' | null;
  /** A closed review: its outcome, the reason (sealed, as in the log entry) and who closed it. */
  readonly review?: { readonly outcome: ReviewOutcome; readonly reason: string; readonly by: string };
}

/**
 * How a pool manager ends a review: nothing to do, a warning given (约谈提醒), or a sanction taken through the pool's own
 * routes (a status or an exit, each logged there). A review imposes no status, so closing one changes none.
 */
export const REVIEW_OUTCOMES = ['no-action', 'warning', 'sanctioned'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];
export const consequences = new RecordSet<ConsequenceRecord>('consequences', (c) => c.id);

export interface ObjectionRecord {
  readonly id: string;
  readonly expertId: string;
  readonly against: { readonly record: number } | { readonly consequence: string };
  /** Sealed (the vault), as in the log entry. */
  readonly reason: string;
  readonly lodgedAt: string;
  readonly lodgedBy: string;
  /**
   * An objection the expert lodged from their record page: who had the link sent to the expert's phone. They do not
   * decide it (a pool manager who put their own number on the expert would receive the link and object as the expert).
   */
  readonly linkSentBy?: string;
  readonly lodgedIndex: number;
  readonly state: 'open' | 'upheld' | 'rejected';
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly decision: string | null;
}
export const objections = new RecordSet<ObjectionRecord>('objections', (o) => o.id);

/** `record:<index>` or `consequence:<id>` → the objection lodged against it (one each, ever). */
export const objectionTargets = new RecordSet<string>('objection-targets', null, TEXT_CODEC);
/** The one objection a record or consequence takes from the expert (`own`), and the one lodged on their behalf. */
export const targetKey = (against: ObjectionRecord['against'], own: boolean) => `${'record' in against ? `record:${against.record}` : `consequence:${against.consequence}`}${own ? '/own' : ''}`;

/** The contexts reasons are sealed under. */
export const objectionContext = (id: string) => `objections/reason/${id}`;
export const decisionContext = (id: string) => `objections/decision/${id}`;
export const reviewContext = (id: string) => `consequences/review/${id}`;

/**
 * Expert id → the status the rules last set. A lift puts the status back only while the expert still has this one:
 * a status a pool manager set by hand since is theirs, and stays.
 */
export const ruleStatus = new RecordSet<StatusState>('rule-status', null);

/** A sanction in force on an expert: the strongest status its consequences in force impose, and one of them (named). */
export interface SanctionHold {
  readonly status: StatusState;
  readonly consequenceId: string;
}

/**
 * The experts (of `ids`, or all) under a consequence in force that imposes a status, with the strongest status imposed.
 * A pool manager's change may make it stronger, never weaker: only an upheld objection (or the suspension's own end)
 * lifts it (docs/records.md).
 */
export async function sanctionHolds(store: Pick<Store, 'listRecords'>, ids?: ReadonlySet<string>): Promise<Map<string, SanctionHold>> {
  const holds = new Map<string, SanctionHold>();
  for (const { value } of await consequences.list(store)) {
    if (value.state !== 'in-force' || value.imposes === null || (ids && !ids.has(value.expertId))) continue;
    const held = holds.get(value.expertId);
    if (!held || strongest(held.status, value.imposes) !== held.status) holds.set(value.expertId, { status: value.imposes, consequenceId: value.id });
  }
  return holds;
}
