// The expert pool's records: experts (personal data sealed), the keyed hash of each ID number pointing at its expert,
// organisations, and the pool version every change bumps (a draw's commit expects the version it read).
import type { Expert, Organisation } from '../domain/expert.js';
import type { RecordExpectation, RecordWrite, Store } from '../store/store.js';
import { RecordSet, TEXT_CODEC } from './record-set.js';

export interface ExpertRecord {
  readonly expert: Expert;
  /** The vault-sealed personal data (name, phone, ID number). */
  readonly sealed: string;
  readonly idHash: string;
  readonly revision: number;
  readonly updatedAt: string;
}

export const experts = new RecordSet<ExpertRecord>('experts', (r) => r.expert.id);
/** Keyed hash of an ID number → expert id (the check-in's lookup; the number itself is never stored). */
export const idHashes = new RecordSet<string>('expert-id-hashes', null, TEXT_CODEC);
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
