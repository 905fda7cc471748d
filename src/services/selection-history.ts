// Who was selected, when, for which tenderer: what the frequency caps (recusal rule 6) read. Each completed draw adds
// its selected experts, sealed with the vault (a plain record would say who was drawn), in the result's transaction.
// Every instance follows the store's change feed, whose order is the log's, so the history a draw read is exactly
// "every result up to log index N": the draw records N, and the disclosure rebuilds the same history from it. A draw
// whose project is cancelled before its opening is withdrawn at the cancellation's index: from there on its selections
// count for no cap (records/selections.ts), and "up to N" means every result and every withdrawal up to N.
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { HistoryIndex, type Selection } from '../draw/history.js';
import { selectionContext, selections as selectionRecords, selectionWithdrawals, type SelectionRecord, type SelectionWithdrawal } from '../records/selections.js';
import type { RecordWrite, Store } from '../store/store.js';

/** The history a draw reads, and the log index up to which it holds every result. */
export interface HistoryView {
  readonly index: HistoryIndex;
  /** Every result entry at or below this log index is in `index`, none above; -1: none yet. */
  readonly upTo: number;
}

/**
 * How much of the past the live history keeps: the selections of the last `keepMs`, let go once a day (each draw's
 * windows look back from its bid opening, which is after now). Without it every selection is kept.
 */
export interface HistoryKeeping {
  readonly keepMs: number;
  readonly now: () => number;
}
const PRUNE_EVERY_MS = 24 * 3_600_000;

/** The keeping for a policy: its longest frequency window, and a month for projects whose opening has just passed. */
export function keepingFor(frequency: { readonly windowDays: number; readonly tendererWindowDays: number }, now: () => number): HistoryKeeping {
  return { keepMs: (Math.max(frequency.windowDays, frequency.tendererWindowDays) + KEEP_MARGIN_DAYS) * 24 * 3_600_000, now };
}
const KEEP_MARGIN_DAYS = 30;

/** The frequency windows of one draw (rule 6): where the earlier starts, and which selections count in either. */
export interface HistoryWindow {
  readonly fromMs: number;
  readonly counts: (atMs: number, tenderer: string) => boolean;
}

export class SelectionHistory {
  private readonly index = new HistoryIndex();
  /** The records taken, in the feed's order (the log's), with their times: what a disclosure reads, not the store. */
  private kept: Array<{ readonly record: SelectionRecord; readonly atMs: number }> = [];
  private prunedAt = Number.NEGATIVE_INFINITY;
  private readonly seen = new Set<string>();
  /** Withdrawn draws (their projects cancelled), by draw id: the log index of the withdrawal. */
  private readonly withdrawnAt = new Map<string, number>();
  /** Records this instance committed, by draw id, until the feed brings their change. */
  private readonly committed = new Map<string, SelectionRecord>();
  private upTo = -1;
  private cursor = '';
  private refreshing: Promise<void> | null = null;

  private constructor(
    private readonly store: Store,
    private readonly vault: PersonalDataVault,
    private readonly keeping: HistoryKeeping | null,
  ) {}

  /** Loads every selection (those the keeping lets go, let go); from then on `refresh` reads what the feed brings. */
  static async open(store: Store, vault: PersonalDataVault, keeping?: HistoryKeeping): Promise<SelectionHistory> {
    const h = new SelectionHistory(store, vault, keeping ?? null);
    // The cursor first: a result committed while the list is read arrives again through the feed, and is skipped.
    h.cursor = await store.changesHead();
    const records = (await selectionRecords.list(store)).map((r) => h.openRecord(r.key, r.value));
    for (const r of records.sort((a, b) => a.resultIndex - b.resultIndex)) h.take(r);
    const withdrawals = (await selectionWithdrawals.list(store)).map((w) => w.value);
    for (const w of withdrawals.sort((a, b) => a.index - b.index)) h.withdraw(w);
    h.pruneWhenDue();
    return h;
  }

  /** The history as of every result up to `upTo` (for the disclosure's rebuild of a draw that read it). */
  async asOf(upTo: number): Promise<HistoryIndex> {
    return (await this.recordsAsOf(upTo)).index;
  }

  /**
   * The same, with the past draws it is made of (the reveal names them by draw id), in result order. Given the draw's
   * windows, only the draws inside them, which answer every cap of that draw as the whole history does: read from
   * memory when it holds them all (every result up to `upTo` taken, none inside the windows let go), so that a
   * disclosure costs the same in a service's tenth year as in its first; otherwise from the store.
   */
  async recordsAsOf(upTo: number, window?: HistoryWindow): Promise<{ index: HistoryIndex; records: SelectionRecord[] }> {
    if (window) await this.refresh();
    let records: SelectionRecord[];
    // A draw withdrawn at or before `upTo` was out of the history then; one withdrawn later was still in it.
    const counted = (r: SelectionRecord, withdrawnAt: ReadonlyMap<string, number>) => r.resultIndex <= upTo && !((withdrawnAt.get(r.drawId) ?? Infinity) <= upTo);
    if (window && upTo <= this.upTo && window.fromMs >= this.index.keptFrom) {
      records = this.kept.filter((k) => counted(k.record, this.withdrawnAt) && window.counts(k.atMs, k.record.tenderer)).map((k) => k.record);
    } else {
      records = [];
      const withdrawnAt = new Map((await selectionWithdrawals.list(this.store)).map((w) => [w.value.drawId, w.value.index]));
      for (const { key, value } of await selectionRecords.list(this.store)) {
        const r = this.openRecord(key, value);
        if (counted(r, withdrawnAt) && (!window || window.counts(Date.parse(r.at), r.tenderer))) records.push(r);
      }
    }
    records.sort((a, b) => a.resultIndex - b.resultIndex);
    const index = new HistoryIndex();
    for (const r of records) for (const s of selections(r)) index.add(s);
    return { index, records };
  }

  /** The record write of a draw's selections, committed with its result entry. */
  write(r: SelectionRecord): RecordWrite {
    return selectionRecords.writeAt(r.drawId, this.vault.sealJson(selectionContext(r.drawId), r));
  }

  /**
   * Hands over a record this instance has just committed with its result (the one `write` sealed), so that when the
   * feed brings its change the record is taken from memory instead of being read back and opened. It still joins the
   * history in the feed's order, after any other instance's results before it: `upTo` keeps its meaning.
   */
  remember(r: SelectionRecord): void {
    if (!this.seen.has(r.drawId)) this.committed.set(r.drawId, r);
  }

  /** Takes in the results other instances (and this one) committed since the last look; one look at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= this.readFeed()
      .then(() => this.pruneWhenDue())
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  /** Once a day, lets go of the selections older than the keeping (between draws: a draw reads the index at once). */
  private pruneWhenDue(): void {
    if (!this.keeping) return;
    const now = this.keeping.now();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    const horizon = now - this.keeping.keepMs;
    if (this.index.prune(horizon) > 0) this.kept = this.kept.filter((k) => k.atMs >= horizon);
  }

  /** The history now. Read it synchronously with the draw that uses it: a later refresh grows it. */
  current(): HistoryView {
    return { index: this.index, upTo: this.upTo };
  }

  private async readFeed(): Promise<void> {
    for (;;) {
      const { cursor, changes } = await this.store.readChanges(this.cursor, 1000);
      const fresh = changes.filter((c) => (c.collection === selectionRecords.collection && !this.seen.has(c.key)) || (c.collection === selectionWithdrawals.collection && !this.withdrawnAt.has(c.key)));
      // Other instances' results are read in one round trip (on Redis, one a result kept every draw waiting behind
      // the refresh); they join the history in the feed's order, as this instance's own do, withdrawals too.
      const others = fresh.filter((c) => c.collection === selectionRecords.collection && !this.committed.has(c.key)).map((c) => c.key);
      const read = new Map(others.length > 0 ? (await selectionRecords.readMany(this.store, others)).map((sealed, i) => [others[i]!, sealed]) : []);
      const withdrawn = fresh.filter((c) => c.collection === selectionWithdrawals.collection).map((c) => c.key);
      const withdrawals = new Map(withdrawn.length > 0 ? (await selectionWithdrawals.readMany(this.store, withdrawn)).map((w, i) => [withdrawn[i]!, w]) : []);
      for (const c of fresh) {
        if (c.collection === selectionWithdrawals.collection) {
          const w = withdrawals.get(c.key);
          if (w) this.withdraw(w);
          continue;
        }
        const mine = this.committed.get(c.key);
        if (mine) {
          this.committed.delete(c.key);
          this.take(mine);
          continue;
        }
        const sealed = read.get(c.key);
        if (sealed) this.take(this.openRecord(c.key, sealed));
      }
      this.cursor = cursor;
      if (changes.length < 1000) return;
    }
  }

  private take(r: SelectionRecord): void {
    if (this.seen.has(r.drawId)) return;
    this.seen.add(r.drawId);
    const taken = selections(r);
    if (!this.withdrawnAt.has(r.drawId)) for (const s of taken) this.index.add(s);
    this.kept.push({ record: r, atMs: taken[0]?.atMs ?? Date.parse(r.at) });
    this.upTo = Math.max(this.upTo, r.resultIndex);
  }

  /** A cancelled draw's selections leave the index; `upTo` reaches the withdrawal, which draws from then on read. */
  private withdraw(w: SelectionWithdrawal): void {
    if (this.withdrawnAt.has(w.drawId)) return;
    this.withdrawnAt.set(w.drawId, w.index);
    // Not found: let go by the keeping already (its selections went with it), or never taken.
    const kept = this.kept.find((k) => k.record.drawId === w.drawId);
    if (kept) for (const s of selections(kept.record)) this.index.remove(s);
    this.upTo = Math.max(this.upTo, w.index);
  }

  private openRecord(key: string, sealed: string): SelectionRecord {
    return this.vault.openJson<SelectionRecord>(selectionContext(key), sealed);
  }
}

function selections(r: SelectionRecord): Selection[] {
  const atMs = Date.parse(r.at);
  return r.experts.map((expertId) => ({ expertId, atMs, tenderer: r.tenderer }));
}
