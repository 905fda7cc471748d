// Saved answers for Idempotency-Key replays, by scope slot (SHA-256 of holder, route and key). Not audited state: the
// action they answer for is. The answer is sealed with the vault (it may name an expert at check-in).
import { RecordSet } from './record-set.js';

export interface SavedAnswer {
  /** SHA-256 of the request (method, URL, content type, body): a different request under the same key is refused. */
  readonly fingerprint: string;
  readonly status: number;
  /** The serialized answer, sealed with the vault under `idempotency/<slot>`. */
  readonly body: string;
}

export const savedAnswers = new RecordSet<SavedAnswer>('idempotency', null);

/** The vault context an answer is sealed under. */
export const answerContext = (slot: string): string => `${savedAnswers.collection}/${slot}`;
