// The persistent outbox of expert calls: a message is stored (sealed: it holds a phone number) in the same transaction
// as the log entry that placed the call, then delivered by an adapter with retries and back-off. Each delivery
// attempt is a log entry with its outcome, never the phone or the text.
import type { ServiceLog } from '../audit/entries.js';
import { randomUUID } from 'node:crypto';
import { nextAttemptDelayMs, shouldGiveUp } from '../calls/backoff.js';
import type { CallAdapter, OutboundMessage } from '../calls/message.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { outbox, outboxDue, type OutboxRecord } from '../records/outbox.js';
import { RecordConflictError, type RecordWrite, type Store } from '../store/store.js';

/** Attempts before a message is given up (and an operator must call by other means: logged). */
const MAX_ATTEMPTS = 8;

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
      sealed: this.vault.sealBytes(`${outbox.collection}/${message.messageId}`, Buffer.from(JSON.stringify(message))),
    };
    return [
      outbox.write(record),
      outboxDue.writeAt(message.messageId, record.nextAttemptAt),
    ];
  }

  /** At start: pending messages without a due entry (data written before the index existed) get one. */
  async indexPending(): Promise<number> {
    const indexed = new Set(await outboxDue.keys(this.store));
    let added = 0;
    for (const { key, value: record } of await outbox.list(this.store)) {
      if (record.state !== 'pending' || indexed.has(key)) continue;
      await outboxDue.putUnlogged(this.store, key, record.nextAttemptAt);
      added++;
    }
    return added;
  }

  async get(messageId: string): Promise<OutboxRecord | null> {
    return (await outbox.read(this.store, messageId))?.value ?? null;
  }

  /** Delivers every due message once (a lease per message: one instance sends it). */
  async dispatch(): Promise<DispatchReport> {
    let sent = 0;
    let retried = 0;
    let failed = 0;
    const nowIso = new Date(this.now()).toISOString();
    // Only pending messages (the due index), not every message ever sent.
    for (const due of await outboxDue.list(this.store)) {
      if (due.value > nowIso) continue;
      const key = due.key;
      const lease = `${outbox.collection}:${key}`;
      if (!(await this.store.claimLease(lease, this.instanceId, 30_000))) continue;
      try {
        // Read under the lease: another instance may have delivered it since the index was listed.
        const found = await outbox.read(this.store, key);
        const value = found?.raw ?? null;
        const record = found?.value ?? null;
        if (!value || !record || record.state !== 'pending' || record.nextAttemptAt > nowIso) continue;
        const message = JSON.parse(this.vault.openBytes(`${outbox.collection}/${key}`, record.sealed).toString('utf8')) as OutboundMessage;
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
              outbox.write(next),
              outboxDue.writeAt(key, next.state === 'pending' ? next.nextAttemptAt : null),
            ],
            expects: [outbox.expect(key, value)],
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
