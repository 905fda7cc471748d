// The outbox of expert calls: each message (sealed: it holds a phone number) with its delivery state, and the index of
// pending messages by their next attempt time (what the delivery pass reads; sent and given-up ones leave it).
import type { OutboundMessage } from '../calls/message.js';
import { RecordSet } from './record-set.js';

export interface OutboxRecord {
  readonly messageId: string;
  readonly drawId: string;
  readonly kind: OutboundMessage['kind'];
  readonly state: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastReason: string | null;
  /** vault-sealed OutboundMessage. */
  readonly sealed: string;
}

export const outbox = new RecordSet<OutboxRecord>('outbox', (r) => r.messageId);
export const outboxDue = new RecordSet<string>('outbox-due', null);
