// The persistent outbox of expert calls: the messages of one placement are stored together (sealed: they hold phone
// numbers) in the same transaction as the log entry that placed the calls, then delivered by an adapter with retries
// and back-off. Each delivery attempt is a log entry with its outcome, never the phone or the text.
import type { Entry, ServiceLog } from '../audit/entries.js';
import { randomUUID } from 'node:crypto';
import { nextAttemptDelayMs, shouldGiveUp } from '../calls/backoff.js';
import type { CallAdapter, OutboundMessage } from '../calls/message.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { callBatches, nextDue, outboxDue, type CallBatchRecord, type MessageState } from '../records/outbox.js';
import { RecordConflictError, type RecordWrite, type Store } from '../store/store.js';

/** Attempts before a message is given up (and an operator must call by other means: logged). */
const MAX_ATTEMPTS = 8;

export interface DispatchReport {
  readonly sent: number;
  readonly retried: number;
  readonly failed: number;
}

/** A message to queue, with the SHA-256 of its response token (null without a link). */
export interface Queued {
  readonly message: OutboundMessage;
  readonly tokenHash: string | null;
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

  /** The record writes that queue one batch of messages; the caller commits them with the entry that placed the calls. */
  queue(batchId: string, drawId: string, kind: OutboundMessage['kind'], queued: readonly Queued[]): RecordWrite[] {
    if (queued.length === 0) return [];
    const at = new Date(this.now()).toISOString();
    const messages: MessageState[] = queued.map((q) => ({ messageId: q.message.messageId, tokenHash: q.tokenHash, expiresAt: q.message.expiresAt, state: 'pending', attempts: 0, nextAttemptAt: at, lastReason: null }));
    const sealed = this.vault.sealJson(`${callBatches.collection}/${batchId}`, queued.map((q) => q.message));
    return [callBatches.write({ batchId, drawId, kind, messages, sealed }), outboxDue.writeAt(batchId, at)];
  }

  /** At start: batches with a pending message but no due entry (an index lost or rebuilt) get one. */
  async indexPending(): Promise<number> {
    const indexed = new Set(await outboxDue.keys(this.store));
    let added = 0;
    for (const { key, value: record } of await callBatches.list(this.store)) {
      const due = nextDue(record.messages);
      if (due === null || indexed.has(key)) continue;
      await outboxDue.putUnlogged(this.store, key, due);
      added++;
    }
    return added;
  }

  /** Batches with a message still to deliver, and those of them whose next attempt has come (metrics). */
  async depth(): Promise<{ pending: number; due: number }> {
    const nowIso = new Date(this.now()).toISOString();
    const all = await outboxDue.list(this.store);
    return { pending: all.length, due: all.filter((d) => d.value <= nowIso).length };
  }

  /** A batch as stored (its messages' states, not their content). */
  async batch(batchId: string): Promise<CallBatchRecord | null> {
    return (await callBatches.read(this.store, batchId))?.value ?? null;
  }

  /** Delivers every due message once (a lease per batch: one instance sends its messages, all at once). */
  async dispatch(): Promise<DispatchReport> {
    const report = { sent: 0, retried: 0, failed: 0 };
    const nowIso = new Date(this.now()).toISOString();
    // Only batches with a pending message (the due index), not every batch ever sent.
    for (const due of await outboxDue.list(this.store)) {
      if (due.value > nowIso) continue;
      const lease = `${callBatches.collection}:${due.key}`;
      if (!(await this.store.claimLease(lease, this.instanceId, 30_000))) continue;
      try {
        const counts = await this.deliverBatch(due.key, nowIso);
        report.sent += counts.sent;
        report.retried += counts.retried;
        report.failed += counts.failed;
      } catch (err) {
        if (!(err instanceof RecordConflictError)) throw err;
      } finally {
        await this.store.releaseLease(lease, this.instanceId).catch(() => undefined);
      }
    }
    return report;
  }

  /** Under the batch's lease: read it again (another instance may have sent it since), send what is due, commit once. */
  private async deliverBatch(batchId: string, nowIso: string): Promise<DispatchReport> {
    const report = { sent: 0, retried: 0, failed: 0 };
    const found = await callBatches.read(this.store, batchId);
    if (!found) return report;
    const record = found.value;
    const dueNow = record.messages.flatMap((m, i) => (m.state === 'pending' && m.nextAttemptAt <= nowIso ? [i] : []));
    if (dueNow.length === 0) return report;
    const content = this.vault.openJson<OutboundMessage[]>(`${callBatches.collection}/${batchId}`, record.sealed);
    const outcomes = await Promise.all(dueNow.map((i) => this.adapter.deliver(content[i]!)));
    const messages = [...record.messages];
    const entries: Entry[] = [];
    dueNow.forEach((i, k) => {
      const m = messages[i]!;
      const outcome = outcomes[k]!;
      const attempts = m.attempts + 1;
      const giveUp = !outcome.ok && (!outcome.retryable || shouldGiveUp(attempts, MAX_ATTEMPTS));
      messages[i] = {
        ...m,
        attempts,
        state: outcome.ok ? 'sent' : giveUp ? 'failed' : 'pending',
        nextAttemptAt: outcome.ok || giveUp ? m.nextAttemptAt : new Date(this.now() + nextAttemptDelayMs(attempts)).toISOString(),
        lastReason: outcome.ok ? null : outcome.reason,
      };
      entries.push({ type: 'call.delivery', payload: { drawId: record.drawId, messageId: m.messageId, kind: record.kind, attempt: attempts, adapter: this.adapter.name, ok: outcome.ok, ...(outcome.ok ? {} : { reason: outcome.reason, final: giveUp }) } });
      if (outcome.ok) report.sent++;
      else if (giveUp) report.failed++;
      else report.retried++;
    });
    await this.log.appendAll(entries, {
      writes: [callBatches.write({ ...record, messages }), outboxDue.writeAt(batchId, nextDue(messages))],
      expects: [callBatches.expect(batchId, found.raw)],
    });
    return report;
  }
}
