// The persistent outbox of expert calls: the calls of one placement are stored together (sealed: who is called and
// the links) in the same transaction as the log entry that placed the calls, then delivered by an adapter with retries
// and back-off; the phone number is looked up at sending. Each delivery attempt is a log entry with its outcome, never the phone or the text.
import type { Entry, ServiceLog } from '../audit/entries.js';
import { randomUUID } from 'node:crypto';
import { nextAttemptDelayMs, shouldGiveUp } from '../calls/backoff.js';
import type { CallAdapter, DeliveryOutcome, OutboundMessage } from '../calls/message.js';
import { fillCall, type CallTemplate } from '../calls/text.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { callBatches, newBatchId, nextDue, outboxDue, type CallBatchRecord, type MessageState, type SealedCalls } from '../records/outbox.js';
import { RecordConflictError, type RecordExpectation, type RecordWrite, type Store } from '../store/store.js';

/** Attempts before a message is given up (and an operator must call by other means: logged). */
const MAX_ATTEMPTS = 8;

export interface DispatchReport {
  readonly sent: number;
  readonly retried: number;
  readonly failed: number;
  /** The draws of which a call's message was given up in this pass: their seats need not wait for the deadline. */
  readonly undeliveredDraws: readonly string[];
  /** Why the last attempt of this pass that did not get through failed (the adapter's reason: no content), or null. */
  readonly lastFailure: string | null;
}

/** A message to queue: the expert it calls, its link and the SHA-256 of the link's token (both null without a link). */
export interface Queued {
  readonly messageId: string;
  readonly expertId: string;
  readonly responseUrl: string | null;
  readonly expiresAt: string | null;
  readonly tokenHash: string | null;
  /** Sent to this number, not the expert's current one (a notice to the number their contact was changed from). */
  readonly to?: string;
}

/** An expert's phone number, or null when the pool no longer has one for them. */
export type ContactLookup = (expertId: string) => string | null;

export class OutboxService {
  private readonly instanceId = randomUUID();

  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly vault: PersonalDataVault,
    private readonly adapter: CallAdapter,
    private readonly contact: ContactLookup,
    private readonly now: () => number,
  ) {}

  /** The record writes that queue one batch of messages; the caller commits them with the entry that placed the calls. */
  queue(batchId: string, drawId: string | null, kind: OutboundMessage['kind'], template: CallTemplate, queued: readonly Queued[]): RecordWrite[] {
    if (queued.length === 0) return [];
    const at = new Date(this.now()).toISOString();
    const messages: MessageState[] = queued.map((q) => ({ messageId: q.messageId, tokenHash: q.tokenHash, expiresAt: q.expiresAt, state: 'pending', attempts: 0, nextAttemptAt: at, lastReason: null }));
    const calls: SealedCalls = { channel: 'sms', template, calls: queued.map((q) => ({ expertId: q.expertId, responseUrl: q.responseUrl, ...(q.to === undefined ? {} : { to: q.to }) })) };
    const sealed = this.vault.sealJson(`${callBatches.collection}/${batchId}`, calls);
    return [callBatches.write({ batchId, drawId, kind, messages, sealed }), outboxDue.writeAt(batchId, at)];
  }

  /**
   * One message about no draw and without a link, to a number given here (not the expert's current one): a notice to
   * the number an expert's contact was changed from. The caller commits the writes with its own entry.
   */
  noticeTo(expertId: string, to: string, template: CallTemplate): { messageId: string; writes: RecordWrite[] } {
    const batchId = newBatchId();
    const messageId = `M-${batchId}.0`;
    return { messageId, writes: this.queue(batchId, null, 'contact', template, [{ messageId, expertId, responseUrl: null, expiresAt: null, tokenHash: null, to }]) };
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
    const report = { sent: 0, retried: 0, failed: 0, lastFailure: null as string | null };
    const undelivered = new Set<string>();
    const nowIso = new Date(this.now()).toISOString();
    // One batch that cannot be sent must not hold back the others: its error is raised after every batch had its turn.
    let failure: unknown = null;
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
        report.lastFailure = counts.lastFailure ?? report.lastFailure;
        if (counts.givenUpCall) undelivered.add(counts.givenUpCall);
      } catch (err) {
        if (!(err instanceof RecordConflictError)) failure ??= err;
      } finally {
        await this.store.releaseLease(lease, this.instanceId).catch(() => undefined);
      }
    }
    if (failure !== null) throw failure;
    return { ...report, undeliveredDraws: [...undelivered] };
  }

  /** Where each of these messages stands: sent, still pending (being retried, or not tried yet), or given up for good. */
  async states(messageIds: readonly string[]): Promise<Map<string, MessageState['state']>> {
    const out = new Map<string, MessageState['state']>();
    const wanted = new Set(messageIds);
    for (const found of await callBatches.readMany(this.store, [...new Set(messageIds.map(batchOfMessage))])) {
      for (const m of found?.messages ?? []) if (wanted.has(m.messageId)) out.set(m.messageId, m.state);
    }
    return out;
  }

  /**
   * Stops these messages where still pending: their calls ended (timed out, undelivered, withdrawn), so a retry must
   * not reach the expert after the call is over, or after the notice that withdraws it. The writes and the expectation
   * that each batch is as read go into the commit that ends the calls; the delivery pass, under the batch's lease,
   * commits against the same record, so one of the two sees the other.
   */
  async stopPending(messageIds: readonly string[]): Promise<{ writes: RecordWrite[]; expects: RecordExpectation[] }> {
    const writes: RecordWrite[] = [];
    const expects: RecordExpectation[] = [];
    const wanted = new Set(messageIds);
    for (const batchId of new Set(messageIds.map(batchOfMessage))) {
      const found = await callBatches.read(this.store, batchId);
      if (!found || !found.value.messages.some((m) => m.state === 'pending' && wanted.has(m.messageId))) continue;
      const messages = found.value.messages.map((m) => (m.state === 'pending' && wanted.has(m.messageId) ? { ...m, state: 'failed' as const, lastReason: 'stopped: the call ended' } : m));
      writes.push(callBatches.write({ ...found.value, messages }), outboxDue.writeAt(batchId, nextDue(messages)));
      expects.push(callBatches.expect(batchId, found.raw));
    }
    return { writes, expects };
  }

  /**
   * Under the batch's lease: read it again (another instance may have sent it since), send what is due, commit once.
   * `givenUpCall`: the draw, when a call of it was given up.
   */
  private async deliverBatch(batchId: string, nowIso: string): Promise<{ sent: number; retried: number; failed: number; givenUpCall: string | null; lastFailure: string | null }> {
    const report = { sent: 0, retried: 0, failed: 0, givenUpCall: null as string | null, lastFailure: null as string | null };
    const found = await callBatches.read(this.store, batchId);
    if (!found) return report;
    const record = found.value;
    const dueNow = record.messages.flatMap((m, i) => (m.state === 'pending' && m.nextAttemptAt <= nowIso ? [i] : []));
    if (dueNow.length === 0) return report;
    const content = this.vault.openJson<SealedCalls | OutboundMessage[]>(`${callBatches.collection}/${batchId}`, record.sealed);
    const outcomes = await Promise.all(dueNow.map((i) => this.deliver(record, content, i, nowIso)));
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
      const delivery = { messageId: m.messageId, attempt: attempts, adapter: this.adapter.name, ok: outcome.ok, ...(outcome.ok ? {} : { reason: outcome.reason, final: giveUp }) };
      // A record link or a contact notice is about no draw: an entry type of its own, outside every project's story.
      if (record.drawId !== null) entries.push({ type: 'call.delivery', payload: { drawId: record.drawId, kind: record.kind as 'call' | 'cancel', ...delivery } });
      else entries.push({ type: record.kind === 'contact' ? 'contact-notice.delivery' : 'record-link.delivery', payload: delivery });
      if (!outcome.ok) report.lastFailure = outcome.reason;
      if (outcome.ok) report.sent++;
      else if (giveUp) {
        report.failed++;
        if (record.kind === 'call' && record.drawId !== null) report.givenUpCall = record.drawId;
      } else report.retried++;
    });
    await this.log.appendAll(entries, {
      writes: [callBatches.write({ ...record, messages }), outboxDue.writeAt(batchId, nextDue(messages))],
      expects: [callBatches.expect(batchId, found.raw)],
    });
    return report;
  }

  /** Message i of a batch as the adapter takes it, its phone number looked up now. */
  private deliver(record: CallBatchRecord, content: SealedCalls | OutboundMessage[], i: number, nowIso: string): Promise<DeliveryOutcome> {
    // A message whose answer time is over before it goes out (a draw caught up in the last minute before bid opening,
    // a gateway down until the deadline) is never sent: the expert would read a call they can no longer answer, and
    // its call would end as their timeout. Given up here, the call ends as undelivered, counted against nobody.
    const expiresAt = record.messages[i]!.expiresAt;
    if (expiresAt !== null && expiresAt <= nowIso) return Promise.resolve({ ok: false, retryable: false, reason: 'expired before it could be sent' });
    // A batch stored before the template: its messages are whole.
    if (Array.isArray(content)) return handedOver(() => this.adapter.deliver(content[i]!));
    const call = content.calls[i]!;
    const to = call.to ?? this.contact(call.expertId);
    // The expert has left the pool since the call was placed: nobody to send it to, and no retry will find one.
    if (to === null) return Promise.resolve({ ok: false, retryable: false, reason: 'no contact' });
    const { before, after } = content.template;
    const state = record.messages[i]!;
    const text = call.responseUrl === null ? `${before}${after}` : fillCall(content.template, call.responseUrl);
    return handedOver(() => this.adapter.deliver({ messageId: state.messageId, kind: record.kind, channel: content.channel, to, text, responseUrl: call.responseUrl, expiresAt: state.expiresAt }));
  }
}

/** The batch a message belongs to: its id is `M-<batch id>.<position>` (RosterService.place). */
function batchOfMessage(messageId: string): string {
  return messageId.slice(2, messageId.lastIndexOf('.'));
}

/**
 * An adapter that throws rather than answering (a message it cannot encode, a bug): that message fails for good, with a
 * reason that names no content, and the batch's other messages and every other batch are still delivered.
 */
function handedOver(deliver: () => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
  const undeliverable = (err: unknown): DeliveryOutcome => ({ ok: false, retryable: false, reason: `the adapter could not take the message (${err instanceof Error ? err.name : 'error'})` });
  try {
    return deliver().catch(undeliverable);
  } catch (err) {
    return Promise.resolve(undeliverable(err));
  }
}
