// The expert pool's records: experts (personal data sealed), the keyed hash of each ID number pointing at its expert,
// organisations, and the pool version every change bumps (a draw's commit expects the version it read).
import type { Expert, Organisation, PersonalField } from '../domain/expert.js';
import type { Lifecycle } from '../domain/lifecycle.js';
import type { RecordExpectation, RecordWrite, Store } from '../store/store.js';
import { RecordSet, TEXT_CODEC } from './record-set.js';

export interface ExpertRecord {
  readonly expert: Expert;
  /** The vault-sealed personal data (name, phone, ID number). */
  readonly sealed: string;
  readonly idHash: string;
  readonly revision: number;
  readonly updatedAt: string;
  /** Admission, confirmation, retirement and exit (docs/admission.md); absent until the first lifecycle pass adopts a legacy expert. */
  readonly lifecycle?: Lifecycle;
  /**
   * The number the phone was last changed from, sealed (`formerPhoneContext`), until a month after: a later change of
   * name or ID number is told to it too, so that a phone swapped first does not keep the next change from the expert.
   */
  readonly formerPhone?: { readonly sealed: string; readonly until: string };
}

/** The vault context of an expert's former phone. */
export const formerPhoneContext = (id: string): string => `experts/${id}/former-phone`;
/** How long a former phone is told of later personal data changes. */
export const FORMER_PHONE_DAYS = 30;

/**
 * A change of an expert's name, phone or ID number that a revised pool file asked for, held until a second person
 * approves it (docs/security.md T6): one per expert, the newest. Until then everything reads the expert's record.
 */
export interface PersonalChangeRecord {
  readonly expertId: string;
  readonly changeId: string;
  /** Which personal data it changes (never their values). */
  readonly fields: readonly PersonalField[];
  /** The name, phone and ID number the file gave, sealed (`personalChangeContext`). */
  readonly sealed: string;
  /** Token subject of whoever imported the file: they cannot approve it. */
  readonly proposedBy: string;
  readonly proposedAt: string;
}

/** The vault context of a held change: it names the expert and the change, so a sealed proposal cannot be moved. */
export const personalChangeContext = (id: string, changeId: string): string => `experts/${id}/personal-change/${changeId}`;

/** An application to join the pool (准入申请): not in the pool, never drawn, until a pool manager admits it. */
export interface ApplicationRecord {
  readonly expert: Expert;
  readonly sealed: string;
  readonly idHash: string;
  readonly certificateExpires: string | null;
  readonly state: 'applied' | 'admitted' | 'rejected';
  readonly appliedAt: string;
  readonly appliedBy: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  /** Why it was rejected (kept in the log too). */
  readonly reason: string | null;
}

export const experts = new RecordSet<ExpertRecord>('experts', (r) => r.expert.id);
/** Keyed hash of an ID number → expert id (the check-in's lookup; the number itself is never stored). */
export const idHashes = new RecordSet<string>('expert-id-hashes', null, TEXT_CODEC);
/** Applications, kept after the decision (never deleted): admitted ones point at the expert of the same id. */
export const applications = new RecordSet<ApplicationRecord>('expert-applications', (a) => a.expert.id);
/** Held personal data changes, by expert id. */
export const personalChanges = new RecordSet<PersonalChangeRecord>('expert-personal-changes', (c) => c.expertId);
export const organisations = new RecordSet<Organisation>('organisations', (o) => o.code);

/** The pool version: one number in the `meta` collection. */
const POOL_VERSION_KEY = 'pool-version';
const meta = new RecordSet<number>('meta', () => POOL_VERSION_KEY);

export function poolVersionWrite(version: number): RecordWrite {
  return meta.write(version);
}

/** The pool must still be at `version` when the change commits (0: no pool change ever). */
export function poolVersionExpected(version: number): RecordExpectation {
  return meta.expect(POOL_VERSION_KEY, version === 0 ? null : meta.encode(version));
}

export async function readPoolVersion(store: Pick<Store, 'getRecord'>): Promise<number> {
  return (await meta.read(store, POOL_VERSION_KEY))?.value ?? 0;
}

/** Whether a failed expectation (RecordConflictError) was the pool version: the pool moved meanwhile. */
export function isPoolVersion(conflict: { collection: string }): boolean {
  return conflict.collection === meta.collection;
}

/** The change feed's collections a follower re-reads the pool from. */
export const POOL_FEED = new Set([experts.collection, meta.collection]);

/**
 * When each person (by SHA-256 of role, site and subject) was last told that an ID number of a bulk file is already
 * held, one time per ID number, kept outside the log (each answer is logged: `pool.id-matched`).
 */
export const idNumberMatches = new RecordSet<number[]>('id-number-matches', null);
