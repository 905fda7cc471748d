// The outbox of expert calls, one record per placement of calls (a draw's first calls, or the calls one transition
// places): who is called and each response link, sealed together (who was drawn is secret until the reveal, and a
// link answers for its expert), each message's delivery state, and the hash of its response token. The index of batches with a message still pending, by the earliest next attempt, is what the
// delivery pass reads; a batch leaves it when every message is sent or given up.
import { pooledRandomBytes } from '../crypto/random-pool.js';
import type { OutboundMessage } from '../calls/message.js';
import type { CallTemplate } from '../calls/text.js';
import { RecordSet } from './record-set.js';

/** Random bytes of a batch id, and its base64url characters. A response token starts with its batch's id. */
const BATCH_ID_BYTES = 9;
const BATCH_ID_CHARS = 12;

export interface MessageState {
  readonly messageId: string;
  /** SHA-256 (hex) of the message's response token; null for a message without a link (a cancel). */
  readonly tokenHash: string | null;
  /** The link stops working at this time; null without a link. */
  readonly expiresAt: string | null;
  readonly state: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastReason: string | null;
}

export interface CallBatchRecord {
  readonly batchId: string;
  /** The draw whose calls these are; null for a message about no draw (an expert's record link). */
  readonly drawId: string | null;
  readonly kind: OutboundMessage['kind'];
  /** In the order of the sealed calls. */
  readonly messages: readonly MessageState[];
  /** vault-sealed JSON: SealedCalls (batches written before it: an array of OutboundMessage), in the order of `messages`. */
  readonly sealed: string;
}

/**
 * What a batch seals: the words once, around the link, and per message the expert called and the link. The phone
 * number is looked up when the message is sent, so placing calls opens no expert's personal data.
 */
export interface SealedCalls {
  readonly channel: OutboundMessage['channel'];
  readonly template: CallTemplate;
  /**
   * In the order of the batch's messages; a null link for a message without one (a cancel). `to`: the number a notice
   * goes to instead of the expert's current one (the number their contact was changed from).
   */
  readonly calls: ReadonlyArray<{ readonly expertId: string; readonly responseUrl: string | null; readonly to?: string }>;
}

export const callBatches = new RecordSet<CallBatchRecord>('call-batches', (r) => r.batchId);
/** Batches with a pending message → its earliest next attempt. */
export const outboxDue = new RecordSet<string>('outbox-due', null);

/** The earliest next attempt of a pending message, or null when none is pending (the batch leaves the index). */
export function nextDue(messages: readonly MessageState[]): string | null {
  let due: string | null = null;
  for (const m of messages) if (m.state === 'pending' && (due === null || m.nextAttemptAt < due)) due = m.nextAttemptAt;
  return due;
}

/** A new batch's id: 9 random bytes, base64url (BATCH_ID_CHARS characters). */
export function newBatchId(): string {
  return pooledRandomBytes(BATCH_ID_BYTES).toString('base64url');
}

/**
 * A new batch's id and `count` response tokens, each the batch id followed by a secret of `secretBytes` random bytes
 * (base64url), from one random draw encoded once: a multiple of 3 bytes is a whole number of base64 characters, so
 * the text of the whole draw cut at those boundaries is each part's own base64url.
 */
export function newBatchTokens(count: number, secretBytes: number): { batchId: string; tokens: string[] } {
  if (secretBytes <= 0 || secretBytes % 3 !== 0) throw new RangeError('a token secret is a positive multiple of 3 bytes');
  const text = pooledRandomBytes(BATCH_ID_BYTES + secretBytes * count).toString('base64url');
  const batchId = text.slice(0, BATCH_ID_CHARS);
  const chars = (secretBytes / 3) * 4;
  const tokens: string[] = [];
  for (let i = 0, at = BATCH_ID_CHARS; i < count; i++, at += chars) tokens.push(batchId + text.slice(at, at + chars));
  return { batchId, tokens };
}

/** The batch a response token belongs to (its first BATCH_ID_CHARS characters). */
export function batchOfToken(token: string): string {
  return token.slice(0, BATCH_ID_CHARS);
}
