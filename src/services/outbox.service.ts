// The persistent outbox of expert calls: a message is stored (sealed: it holds a phone number) in the same transaction
// as the log entry that placed the call, then delivered by an adapter with retries and back-off. Each delivery
// attempt is a log entry with its outcome, never the phone or the text.
import type { ServiceLog } from '../audit/entries.js';
import { randomUUID } from 'node:crypto';
import { nextAttemptDelayMs, shouldGiveUp } from '../calls/backoff.js';
import type { CallAdapter, OutboundMessage } from '../calls/message.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { RecordConflictError, type RecordWrite, type Store } from '../store/store.js';

export const OUTBOX = 'outbox';
/** Pending messages → their next attempt time: what the delivery pass reads (sent and given-up ones leave it). */
export const OUTBOX_DUE = 'outbox-due';
/** Attempts before a message is given up (and an operator must call by other means: logged). */
const MAX_ATTEMPTS = 8;

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

export interface DispatchReport {
  readonly sent: number;
  readonly retried: number;
  readonly failed: number;
}

export class OutboxService {
  private readonly instanceId = randomUUID();

  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly vault: PersonalDataVault,
    private readonly adapter: CallAdapter,
    private readonly now: () => number,
  ) {}

  /** The record writes that queue a message; the caller commits them with the entry that placed the call. */
  queue(drawId: string, message: OutboundMessage): RecordWrite[] {
    const record: OutboxRecord = {
      messageId: message.messageId,
      drawId,
      kind: message.kind,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(this.now()).toISOString(),
      lastReason: null,
      sealed: this.vault.sealBytes(`${OUTBOX}/${message.messageId}`, Buffer.from(JSON.stringify(message))),
    };
    return [
      { collection: OUTBOX, key: message.messageId, value: Buffer.from(JSON.stringify(record)) },
      { collection: OUTBOX_DUE, key: message.messageId, value: Buffer.from(JSON.stringify(record.nextAttemptAt)) },
    ];
  }

  /** At start: pending messages without a due entry (data written before the index existed) get one. */
  async indexPending(): Promise<number> {
    const indexed = new Set((await this.store.listRecords(OUTBOX_DUE)).map((r) => r.key));
    let added = 0;
    for (const { key, value } of await this.store.listRecords(OUTBOX)) {
      const record = JSON.parse(value.toString('utf8')) as OutboxRecord;
      if (record.state !== 'pending' || indexed.has(key)) continue;
      await this.store.putUnloggedRecord(OUTBOX_DUE, key, Buffer.from(JSON.stringify(record.nextAttemptAt)));
      added++;
    }
    return added;
  }

  async get(messageId: string): Promise<OutboxRecord | null> {
    const raw = await this.store.getRecord(OUTBOX, messageId);
    return raw ? (JSON.parse(raw.toString('utf8')) as OutboxRecord) : null;
  }

  /** Delivers every due message once (a lease per message: one instance sends it). */
  async dispatch(): Promise<DispatchReport> {
    let sent = 0;
    let retried = 0;
    let failed = 0;
    const nowIso = new Date(this.now()).toISOString();
    // Only pending messages (the due index), not every message ever sent.
    for (const due of await this.store.listRecords(OUTBOX_DUE)) {
      if ((JSON.parse(due.value.toString('utf8')) as string) > nowIso) continue;
      const key = due.key;
      const lease = `${OUTBOX}:${key}`;
      if (!(await this.store.claimLease(lease, this.instanceId, 30_000))) continue;
      try {
        // Read under the lease: another instance may have delivered it since the index was listed.
        const value = await this.store.getRecord(OUTBOX, key);
        const record = value ? (JSON.parse(value.toString('utf8')) as OutboxRecord) : null;
        if (!value || !record || record.state !== 'pending' || record.nextAttemptAt > nowIso) continue;
        const message = JSON.parse(this.vault.openBytes(`${OUTBOX}/${key}`, record.sealed).toString('utf8')) as OutboundMessage;
        const outcome = await this.adapter.deliver(message);
        const attempts = record.attempts + 1;
        const giveUp = !outcome.ok && (!outcome.retryable || shouldGiveUp(attempts, MAX_ATTEMPTS));
        const next: OutboxRecord = {
          ...record,
          attempts,
          state: outcome.ok ? 'sent' : giveUp ? 'failed' : 'pending',
          nextAttemptAt: outcome.ok || giveUp ? record.nextAttemptAt : new Date(this.now() + nextAttemptDelayMs(attempts)).toISOString(),
          lastReason: outcome.ok ? null : outcome.reason,
        };
        await this.log.append(
          'call.delivery',
          { drawId: record.drawId, messageId: key, kind: record.kind, attempt: attempts, adapter: this.adapter.name, ok: outcome.ok, ...(outcome.ok ? {} : { reason: outcome.reason, final: giveUp }) },
          {
            writes: [
              { collection: OUTBOX, key, value: Buffer.from(JSON.stringify(next)) },
              { collection: OUTBOX_DUE, key, value: next.state === 'pending' ? Buffer.from(JSON.stringify(next.nextAttemptAt)) : null },
            ],
            expects: [{ collection: OUTBOX, key, value }],
          },
        );
        if (outcome.ok) sent++;
        else if (giveUp) failed++;
        else retried++;
      } catch (err) {
        if (!(err instanceof RecordConflictError)) throw err;
      } finally {
        await this.store.releaseLease(lease, this.instanceId).catch(() => undefined);
      }
    }
    return { sent, retried, failed };
  }
}
