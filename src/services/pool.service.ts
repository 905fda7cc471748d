// The expert pool: every change is one audit-log entry (without personal data) committed together with the record it
// changes and a bump of the pool version, so the pool can be rebuilt from the log and a draw can name its version.
import type { SpendIdMatches } from './id-matches.js';
import { randomUUID } from 'node:crypto';
import { applications, experts, FORMER_PHONE_DAYS, formerPhoneContext, idHashes, isPoolVersion, type ApplicationRecord, organisations, personalChangeContext, personalChanges, type PersonalChangeRecord, POOL_FEED, poolVersionExpected, poolVersionWrite, readPoolVersion, type ExpertRecord } from '../records/pool.js';
import type { Entry, EntryPayloads, ServiceLog } from '../audit/entries.js';
import type { TokenClaims } from '../auth/roles.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { Expert, ExpertPersonal, personalFields, samePhone, type Organisation, type PersonalField, type Relation } from '../domain/expert.js';
import { idHoldsPersonalNumber, namesPerson } from '../domain/primitives.js';
import { LifecyclePolicy, startLifecycle, type Lifecycle } from '../domain/lifecycle.js';
import { localDay } from '../domain/wall-clock.js';
import { AppError } from '../errors.js';
import { msg, type Message } from '../i18n/message.js';
import { heldIdNumbers, idNumberHeld, idPersonal, importRejected, phoneHeld, type ImportError, type ImportRow } from '../pool/import-parser.js';
import { planUpsert } from '../pool/upsert.js';
import { sanctionHolds, type SanctionHold } from '../records/sanctions.js';
import { weakens } from '../domain/sanctions.js';
import { PoolIndex } from '../draw/pool-index.js';
import { searchPool, type PoolQuery } from '../pool/search.js';
import { RecordConflictError, type RecordExpectation, type RecordWrite, type Store } from '../store/store.js';

/** The pool's log entries: each carries the pool version after the change. */
type PoolEntry = 'expert.created' | 'expert.status' | 'organisation.upserted' | ExpertReplaced;
export type ExpertReplaced = 'expert.updated' | 'expert.availability' | 'expert.relations';
type WithoutVersion<T extends PoolEntry> = Omit<EntryPayloads[T], 'poolVersion'>;

export interface ImportReport {
  readonly imported: number;
  readonly errors: readonly ImportError[];
  readonly poolVersion: number;
}

/** A revised pool file applied (or, for a dry run, only compared): what it adds, changes, leaves and retires. */
export interface UpsertReport extends ImportReport {
  readonly dryRun: boolean;
  readonly added: readonly string[];
  /** Pool attributes changed (applied); a change of personal data is never among them: see `held`. */
  readonly changed: ReadonlyArray<{ readonly id: string; readonly changes: readonly string[] }>;
  /** Known experts whose name, phone or ID number the file changes: held until a second person approves (which fields only). */
  readonly held: ReadonlyArray<{ readonly id: string; readonly fields: readonly PersonalField[] }>;
  readonly unchanged: number;
  /** In the pool, not in the file: retired by this import with retireMissing, otherwise only listed. */
  readonly missing: readonly string[];
  readonly retired: boolean;
}

export interface UpsertOptions {
  readonly dryRun: boolean;
  readonly retireMissing: boolean;
  /**
   * How many experts the import retires, as its dry run said: a file that would retire any needs it, and refuses to
   * retire another number (a file cut short would otherwise take most of the pool out for good in one request).
   */
  readonly retireCount?: number;
  /**
   * The pool version the dry run answered: an import that retires must name it, and is refused once the pool has
   * moved since, since the same count could then be other experts.
   */
  readonly poolVersion?: number;
}

/** An expert who may still be called: not exited, not retired (their phone is free for another expert). */
const stillCalled = (r: ExpertRecord): boolean => (r.lifecycle?.exit ?? null) === null && r.expert.status !== 'retired';

/** What the API shows of an expert: no name, phone or ID number, to any role. */
export interface ExpertView extends Expert {
  readonly revision: number;
  readonly updatedAt: string;
}

/** What statusWith commits: the status to set (null: none), the entries before the status entry, their records. */
export interface StatusPlan {
  readonly status: { readonly status: string; readonly suspendedUntil: string | null } | null;
  /** The status entry's reason. */
  readonly reason: string;
  readonly entries: readonly Entry[];
  /** The records written, given the first entry's index. */
  readonly writes: (firstIndex: number) => readonly RecordWrite[];
  readonly expects: readonly RecordExpectation[];
}

/** How the pool starts an expert's lifecycle (docs/admission.md): the policy's section and the centre's time zone. */
export interface LifecycleSettings {
  readonly policy: LifecyclePolicy;
  readonly timeZone: string;
}
const DEFAULT_LIFECYCLE: LifecycleSettings = { policy: LifecyclePolicy.parse({}), timeZone: 'Asia/Shanghai' };

/** One expert's lifecycle change: the new lifecycle, a pool status change when it moves the draw input, and its entries. */
export interface LifecycleWrite {
  readonly id: string;
  readonly lifecycle: Lifecycle;
  /** Written through an `expert.status` entry with its own pool version, as any status change. */
  readonly status?: { readonly to: Expert['status']; readonly until: string | null; readonly reason: string };
  /** Entries that do not change the pool (no pool version), committed with it. */
  readonly entries: readonly Entry[];
}

/** The pool version moved under a change that touched nothing else that moved: safe to recompute and retry. */
class VersionMoved extends Error {}

const view = (r: ExpertRecord): ExpertView => ({ ...r.expert, revision: r.revision, updatedAt: r.updatedAt });

/** A held personal data change as listings show it: which fields, who proposed it and when; never a value. */
export interface HeldChangeView {
  readonly id: string;
  readonly changeId: string;
  readonly fields: PersonalField[];
  readonly proposedBy: string;
  readonly proposedAt: string;
}
/** Queues a notice of a personal data change to the number the expert had before it: its message id and writes. */
export type ContactNotice = (expertId: string, oldPhone: string, at: string, changed: readonly PersonalField[]) => { messageId: string; writes: RecordWrite[] };

export class PoolService {
  private readonly experts = new Map<string, ExpertRecord>();
  private version = 0;
  private index: PoolIndex | null = null;
  /**
   * Each expert's phone as a keyed hash, with the sealed text it was read from: opened once per expert and again only
   * when the sealed data changed (a personal data change seals anew). Never the number itself.
   */
  private readonly phoneKeys = new Map<string, { readonly sealed: string; readonly key: string }>();
  /** This instance's pool changes run one at a time; other instances are caught by the version expectation. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly vault: PersonalDataVault,
    private readonly now: () => number,
    readonly lifecycleSettings: LifecycleSettings,
  ) {}

  static async open(store: Store, log: ServiceLog, vault: PersonalDataVault, now: () => number, lifecycle: LifecycleSettings = DEFAULT_LIFECYCLE): Promise<PoolService> {
    const pool = new PoolService(store, log, vault, now, lifecycle);
    await pool.reload();
    return pool;
  }

  private cursor = '';
  private following = false;
  /** Queues a notice to the number an expert had before a change (wired to the outbox at start; none in tests). */
  private contactNotice: ContactNotice | null = null;

  /**
   * From now on each change of an expert's personal data (a revised pool file) queues, in its own commit, a notice to
   * the number the expert had before it, saying what changed: an expert whose number a pool manager replaced, or whose
   * name and ID number were swapped for a stand-in's, learns of it (docs/security.md T6).
   */
  noticeContactChanges(queue: ContactNotice): void {
    this.contactNotice = queue;
  }

  /**
   * Follows the store's change feed so that changes made by other instances (Redis) reach this instance's index:
   * changed experts are re-read, the version with them. Stops at stop().
   */
  follow(waitMs = 1000): void {
    if (this.following) return;
    this.following = true;
    void (async () => {
      while (this.following) {
        try {
          const { cursor, changes } = await this.store.readChanges(this.cursor, 1000, waitMs);
          this.cursor = cursor;
          const touched = changes.filter((c) => POOL_FEED.has(c.collection));
          if (touched.length > 0) await this.change(() => this.apply(touched.filter((c) => c.collection === experts.collection).map((c) => c.key)));
        } catch {
          // The store is unreachable for now: health reports it; try again shortly.
          await new Promise((r) => setTimeout(r, waitMs));
        }
      }
    })();
  }

  stop(): void {
    this.following = false;
  }

  /** Re-reads the given experts and the version (idempotent: our own changes come back on the feed too). */
  private async apply(ids: readonly string[]): Promise<void> {
    const unique = [...new Set(ids)];
    // One read for the whole feed batch, not one round trip per changed expert.
    const values = await experts.readMany(this.store, unique);
    unique.forEach((id, i) => {
      const record = values[i];
      if (record) this.experts.set(id, record);
      else this.experts.delete(id);
    });
    const version = await readPoolVersion(this.store);
    if (version !== this.version || ids.length > 0) this.index = null;
    this.version = Math.max(this.version, version);
  }

  /** Re-reads every expert and the version from the store (start-up, or after another instance changed the pool). */
  async reload(): Promise<void> {
    this.cursor = await this.store.changesHead();
    this.experts.clear();
    for (const { key, value } of await experts.list(this.store)) this.experts.set(key, value);
    this.version = await readPoolVersion(this.store);
    this.index = null;
  }

  get poolVersion(): number {
    return this.version;
  }

  /**
   * A pool change that did not commit: after a lost race the pool is read again, and the caller hears VersionMoved
   * when only the version moved (it may simply try again), CONFLICT with `conflict` when its own records did.
   */
  private async failed(err: unknown, conflict: Message): Promise<never> {
    if (!(err instanceof RecordConflictError)) throw err;
    await this.reload();
    if (isPoolVersion(err)) throw new VersionMoved();
    throw new AppError('CONFLICT', conflict);
  }

  /** The draw's view of the pool at the current version; rebuilt after changes, on first use. */
  current(): PoolIndex {
    return (this.index ??= new PoolIndex(
      [...this.experts.values()].map((r) => r.expert),
      this.version,
    ));
  }

  get(id: string): ExpertView {
    const r = this.experts.get(id);
    if (!r) throw new AppError('NOT_FOUND', msg('pool.expertNotFound', { id }));
    return view(r);
  }

  /** Experts matching a search, in id order, on the index the draws read (built now if the pool changed since). */
  list(query: PoolQuery): { items: ExpertView[]; next: string | null } {
    const { ids, next } = searchPool(this.current(), query);
    return { items: ids.map((id) => view(this.experts.get(id)!)), next };
  }

  size(): number {
    return this.experts.size;
  }

  /** An expert's pool attributes (no personal data), or undefined. */
  expert(id: string): Expert | undefined {
    return this.experts.get(id)?.expert;
  }

  /** The phone number to call an expert on, at the moment of sending; null for an expert no longer in the pool. */
  phone(id: string): string | null {
    return this.experts.has(id) ? this.personal(id).phone : null;
  }

  /** Opens an expert's personal data: only for calling them and for a check-in or unseal that reveals them. */
  personal(id: string): ExpertPersonal {
    const r = this.record(id);
    return this.vault.open(id, r.sealed);
  }

  /** The expert holding a resident ID number, if any (check-in): matched by its keyed hash, never stored plain. */
  async byIdNumber(idNumber: string): Promise<string | undefined> {
    return (await idHashes.read(this.store, this.vault.idHash(idNumber)))?.value;
  }

  /** Today in the centre's time zone (lifecycle dates). */
  today(): string {
    return localDay(this.now(), this.lifecycleSettings.timeZone);
  }

  /** Now, as an admission records it: the day and the instant (an import reads them once for all its rows). */
  private admission(): { today: string; at: string } {
    const now = this.now();
    return { today: localDay(now, this.lifecycleSettings.timeZone), at: new Date(now).toISOString() };
  }

  /** A lifecycle for an expert admitted now by `by` (an import or a pool manager's direct addition is an admission). */
  private started(idNumber: string, by: string, certificateExpires: string | null = null, when = this.admission()): Lifecycle {
    return startLifecycle(when.today, this.lifecycleSettings.policy, idNumber, { at: when.at, by }, certificateExpires);
  }

  /**
   * Adds an expert, admitted by whoever adds them. The ID number and the phone must not belong to another expert.
   * `spend`: the caller's daily allowance of answers that a phone or an ID number is held
   * (id-matches.ts): each such refusal spends one, and once they are spent every addition is refused, held or not, as a
   * file would be (were only additions with held numbers refused, the refusal would answer one guess after another).
   */
  create(expert: Expert, personal: ExpertPersonal, by: TokenClaims, certificateExpires: string | null = null, spend?: SpendIdMatches): Promise<ExpertView> {
    return this.change(async () => {
      await spend?.(0);
      if (this.experts.has(expert.id)) throw new AppError('CONFLICT', msg('pool.expertExists', { id: expert.id }));
      if (this.phoneKeyHeld(this.phoneKey(personal.phone), expert.id)) {
        await spend?.(1);
        throw new AppError('PHONE_IN_USE', msg('pool.phoneInUse'));
      }
      const idHash = this.vault.idHash(personal.idNumber);
      if (await idHashes.read(this.store, idHash)) {
        await spend?.(1);
        throw new AppError('CONFLICT', msg('pool.expertOrIdNumberExists'));
      }
      const record: ExpertRecord = { expert, sealed: this.vault.seal(expert.id, personal), idHash, revision: 1, updatedAt: new Date(this.now()).toISOString(), lifecycle: this.started(personal.idNumber, by.sub, certificateExpires) };
      await this.commit(
        'expert.created',
        { expert, by: by.sub },
        [experts.write(record), idHashes.writeAt(idHash, expert.id)],
        [experts.expect(expert.id, null), idHashes.expect(idHash, null)],
        msg('pool.expertOrIdNumberExists'),
      );
      this.experts.set(expert.id, record);
      return view(record);
    });
  }

  /** Changes pool attributes of an expert (not status: see setStatus, which needs a reason). */
  update(id: string, patch: Partial<Pick<Expert, 'specialties' | 'region' | 'employer'>> & { unavailable?: string[]; relations?: Relation[] }, by: TokenClaims, type: ExpertReplaced = 'expert.updated'): Promise<ExpertView> {
    return this.change(async () => {
      const current = this.record(id);
      const expert = Expert.parse({ ...current.expert, ...patch });
      // Only what differs is a change: an edit that changes nothing writes nothing (no entry, no pool version).
      const changes = (Object.keys(patch) as Array<keyof Expert>).filter((k) => JSON.stringify(expert[k]) !== JSON.stringify(current.expert[k])).sort();
      if (changes.length === 0) return view(current);
      return this.replace(current, expert, type, { id, changes, expert, by: by.sub });
    });
  }

  /**
   * Changes an expert's status with a reason. An expert who has left the pool (lifecycle exit) keeps their status for
   * good (EXPERT_EXITED), except that misconduct found later may still blacklist them. One whose confirmation lapsed
   * cannot be reinstated or given a suspension that could end before a re-confirmation (CONFIRMATION_LAPSED); a
   * blacklisting or a retirement is still taken. Retiring here is an exit with the reason `other` (docs/admission.md).
   */
  setStatus(id: string, change: { status: Expert['status']; reason: string; until: string | null }, by: TokenClaims): Promise<ExpertView> {
    return this.change(async () => {
      const current = this.record(id);
      const life = current.lifecycle;
      this.refuseNaming(current, change.reason);
      // A sanction in force is made stronger by hand, never weaker: only an upheld objection lifts it.
      const hold = (await sanctionHolds(this.store, new Set([id]))).get(id);
      if (hold && weakens(hold.status, { status: change.status, suspendedUntil: change.status === 'suspended' ? change.until : null })) {
        throw new AppError('SANCTION_IN_FORCE', msg('pool.sanctionInForce', { id, consequence: hold.consequenceId }));
      }
      // Misconduct found after an exit may still blacklist (终身追责); nothing else changes an exited expert's status.
      // An expert from before admission existed who is retired has left too (the lifecycle pass adopts them as exited).
      const exited = life ? life.exit !== null : current.expert.status === 'retired';
      if (exited && change.status !== 'blacklisted' && !(change.status === 'retired' && !life)) throw new AppError('EXPERT_EXITED', msg('lifecycle.exited', { id }));
      if (life?.lapsed && (change.status === 'active' || (change.status === 'suspended' && change.until !== null))) throw new AppError('CONFIRMATION_LAPSED', msg('lifecycle.lapsedStatus', { id }));
      const expert = Expert.parse({ ...current.expert, status: change.status, suspendedUntil: change.status === 'suspended' ? change.until : null });
      // A retired expert called again takes their phone back: not while another expert still in the pool has it.
      if (!stillCalled(current) && stillCalled({ ...current, expert })) this.refuseHeldPhoneKey(this.phoneKeyOf(id, current), id);
      // The status it already has: nothing changes, nothing is written (no entry, no pool version).
      if (expert.status === current.expert.status && expert.suspendedUntil === current.expert.suspendedUntil && !(life && change.status === 'retired') && !life?.lapsed) return view(current);
      let lifecycle = life;
      if (life && change.status === 'retired') lifecycle = { ...life, exit: { reason: 'other', on: this.today(), by: by.sub } };
      // A lapse no longer holds a status that a decision has replaced (a blacklisting): re-confirming leaves it.
      if (lifecycle?.lapsed) lifecycle = { ...lifecycle, lapsed: { ...lifecycle.lapsed, held: false } };
      return this.replace(current, expert, 'expert.status', { id, from: current.expert.status, to: change.status, until: expert.suspendedUntil, reason: change.reason, by: by.sub }, lifecycle);
    });
  }

  /**
   * Refuses to go on when the sealing key does not open the pool's sealed personal data (an expert sealed with it, the
   * first and the last added): keys replaced or mixed up between instances. Going on, the service would draw and seal
   * new data with the wrong key and call nobody (every call opens an expert's phone), and the data would then mix keys.
   */
  checkSealingKey(): void {
    const records = [...this.experts.values()];
    for (const r of [records[0], records.at(-1)]) {
      if (!r) continue;
      try {
        this.vault.open(r.expert.id, r.sealed);
      } catch {
        throw new Error(
          'the sealing key (keys/sealing.pem) does not open this store\'s sealed personal data: it is not the key the data was sealed with. ' +
            'Start with the instance\'s own keys folder (docs/backups.md "Keys"); nothing was changed',
        );
      }
    }
  }

  /**
   * Where a change of an expert's personal data is told: the number they had before it, and the one their phone was
   * changed from within the month (a phone swapped first would otherwise take every later notice), never the new one.
   */
  private noticeNumbers(current: ExpertRecord, phoneBefore: string, phoneAfter: string): string[] {
    const out = [phoneBefore];
    const former = current.formerPhone && Date.parse(current.formerPhone.until) > this.now() ? this.vault.openJson<string>(formerPhoneContext(current.expert.id), current.formerPhone.sealed) : null;
    if (former !== null && former !== phoneBefore && former !== phoneAfter) out.push(former);
    return out;
  }

  /**
   * Refuses text for the audit log that holds the expert's own name (the log names experts by id; phone and ID numbers
   * are refused by the route's LoggedText). The name is opened only to compare it.
   */
  refuseNaming(current: ExpertRecord, text: string | undefined): void {
    if (text === undefined) return;
    if (namesPerson(text, this.vault.open(current.expert.id, current.sealed).name)) throw new AppError('INVALID_INPUT', msg('pool.textNamesExpert', { id: current.expert.id }));
  }

  /** An expert's pool record with its lifecycle (no personal data is opened). */
  lifecycleOf(id: string): { expert: Expert; lifecycle: Lifecycle | null; revision: number } {
    const r = this.record(id);
    return { expert: r.expert, lifecycle: r.lifecycle ?? null, revision: r.revision };
  }

  /** One expert's pool record (sealed personal data included, never opened here), or undefined. */
  recordOf(id: string): ExpertRecord | undefined {
    return this.experts.get(id);
  }

  /** Every expert's record, for the lifecycle pass and the due list (the in-memory pool, no store read). */
  records(): IterableIterator<ExpertRecord> {
    return this.experts.values();
  }

  /**
   * Lifecycle changes planned on the pool as it is, committed together: each status change is an `expert.status` entry
   * with its own pool version (the replay of the pool reads them as any other), the lifecycle lives in the expert's
   * record. The plan is recomputed when another change got there first. Resolves with the writes committed.
   */
  applyLifecycle(plan: (record: (id: string) => ExpertRecord | undefined) => LifecycleWrite[], by: string): Promise<readonly LifecycleWrite[]> {
    return this.change(async () => {
      const items = plan((id) => this.experts.get(id));
      if (items.length === 0) return items;
      const at = new Date(this.now()).toISOString();
      let version = this.version;
      const entries: Entry[] = [];
      const writes: RecordWrite[] = [];
      const expects: RecordExpectation[] = [];
      const stored: ExpertRecord[] = [];
      for (const item of items) {
        const current = this.record(item.id);
        let expert = current.expert;
        if (item.status) {
          expert = Expert.parse({ ...expert, status: item.status.to, suspendedUntil: item.status.to === 'suspended' ? item.status.until : null });
          version++;
          entries.push({ type: 'expert.status', payload: { id: item.id, from: current.expert.status, to: item.status.to, until: expert.suspendedUntil, reason: item.status.reason, by, poolVersion: version } });
        }
        entries.push(...item.entries);
        const r: ExpertRecord = { ...current, expert, lifecycle: item.lifecycle, revision: current.revision + 1, updatedAt: at };
        writes.push(experts.write(r));
        expects.push(experts.expect(item.id, experts.encode(current)));
        stored.push(r);
      }
      const moved = version !== this.version;
      try {
        await this.log.appendAll(entries, { writes: [...writes, ...(moved ? [poolVersionWrite(version)] : [])], expects: [...expects, ...(moved ? [poolVersionExpected(this.version)] : [])] });
      } catch (err) {
        return this.failed(err, msg('pool.changed'));
      }
      for (const r of stored) this.experts.set(r.expert.id, r);
      if (moved) {
        this.version = version;
        this.index = null;
      }
      return items;
    });
  }

  /**
   * Admits an application: the expert joins the pool (`expert.created`, a pool version) and the application is marked
   * admitted (`expert.admitted`: who and when), in one commit. The ID number must still be free.
   */
  admit(application: { record: ApplicationRecord; raw: Buffer }, by: TokenClaims): Promise<ExpertView> {
    return this.change(async () => {
      const app = application.record;
      const id = app.expert.id;
      if (this.experts.has(id)) throw new AppError('CONFLICT', msg('pool.expertExists', { id }));
      const at = new Date(this.now()).toISOString();
      const personal = this.vault.open(id, app.sealed);
      this.refuseHeldPhone(personal.phone, id);
      const record: ExpertRecord = { expert: app.expert, sealed: app.sealed, idHash: app.idHash, revision: 1, updatedAt: at, lifecycle: this.started(personal.idNumber, by.sub, app.certificateExpires) };
      const decided: ApplicationRecord = { ...app, state: 'admitted', decidedAt: at, decidedBy: by.sub };
      const next = this.version + 1;
      try {
        await this.log.appendAll(
          [
            { type: 'expert.created', payload: { expert: app.expert, by: by.sub, poolVersion: next } },
            { type: 'expert.admitted', payload: { id, appliedAt: app.appliedAt, appliedBy: app.appliedBy, confirmationDue: record.lifecycle!.confirmationDue, by: by.sub } },
          ],
          {
            writes: [experts.write(record), idHashes.writeAt(app.idHash, id), applications.write(decided), poolVersionWrite(next)],
            expects: [experts.expect(id, null), idHashes.expect(app.idHash, null), applications.expect(id, application.raw), poolVersionExpected(this.version)],
          },
        );
      } catch (err) {
        return this.failed(err, msg('lifecycle.applicationChanged', { id }));
      }
      this.experts.set(id, record);
      this.version = next;
      this.index = null;
      return view(record);
    });
  }

  /** A phone number as the pool compares it: keyed-hashed, +86 before a mainland mobile number left out. */
  private phoneKey(phone: string): string {
    // 96 bits tell numbers apart well enough, in a third of the memory a whole hash holds for a large pool.
    return this.vault.keyedHash('phone', samePhone(phone)).slice(0, 24);
  }

  private phoneKeyOf(id: string, r: ExpertRecord): string {
    const cached = this.phoneKeys.get(id);
    if (cached?.sealed === r.sealed) return cached.key;
    const key = this.phoneKey(this.vault.openJson<ExpertPersonal>(id, r.sealed).phone);
    this.phoneKeys.set(id, { sealed: r.sealed, key });
    return key;
  }

  /**
   * The phones of the experts still in the pool, as keys, but those of `except`. An expert who has left the pool (or
   * retired) is not called any more, and a carrier gives a number up again in time: their phone is free.
   * Every pool change expects the pool version it read, so a check against this instance's pool is a check against the
   * store's, on every instance.
   */
  private phonesInPool(except: ReadonlySet<string> = new Set()): Set<string> {
    const keys = new Set<string>();
    for (const [id, r] of this.experts) if (!except.has(id) && stillCalled(r)) keys.add(this.phoneKeyOf(id, r));
    return keys;
  }

  /** Refuses (PHONE_IN_USE, naming neither the expert nor the number) a phone of another expert still in the pool. */
  private refuseHeldPhone(phone: string, id: string): void {
    this.refuseHeldPhoneKey(this.phoneKey(phone), id);
  }

  private refuseHeldPhoneKey(key: string, id: string): void {
    if (this.phoneKeyHeld(key, id)) throw new AppError('PHONE_IN_USE', msg('pool.phoneInUse'));
  }

  /** Whether another expert than `id`, still in the pool, has the phone of this key. */
  private phoneKeyHeld(key: string, id: string): boolean {
    for (const [other, r] of this.experts) if (other !== id && stillCalled(r) && this.phoneKeyOf(other, r) === key) return true;
    return false;
  }

  /**
   * Reads every expert's phone key ahead of the first pool change that needs them, a slice at a time between other
   * work (about 30 µs an expert: some seconds for a pool of 100,000, which a first addition would otherwise wait for).
   */
  async warmPhones(): Promise<void> {
    let n = 0;
    for (const [id, r] of [...this.experts]) {
      if (this.experts.get(id) === r) this.phoneKeyOf(id, r);
      if (++n % 500 === 0) await new Promise((done) => setImmediate(done));
    }
  }

  /** Whether an ID number (its keyed hash) belongs to an expert of the pool, exited ones included. */
  holdsIdHash(idHash: string): boolean {
    for (const r of this.experts.values()) if (r.idHash === idHash) return true;
    return false;
  }

  /**
   * A status change decided by a rule or an objection (src/services/rules.service.ts), in one commit with the entries
   * that say why, through the same path as every pool change (the version moves, draws see it). `decide` sees the
   * expert as the pool has it now and answers the status to set (null: leave it, write only the entries), or null to do
   * nothing. Resolves with the first entry's index and whether the status changed, or null.
   */
  statusWith(id: string, decide: (current: Expert) => StatusPlan | null, by: string): Promise<{ index: number; changed: boolean } | null> {
    return this.change(async () => {
      const current = this.record(id);
      const plan = decide(current.expert);
      if (plan === null) return null;
      if (plan.status === null) {
        try {
          const [first] = await this.log.appendAll(plan.entries, { writes: plan.writes, expects: plan.expects });
          return { index: first!.index, changed: false };
        } catch (err) {
          if (err instanceof RecordConflictError) throw new AppError('CONFLICT', msg('pool.changed'));
          throw err;
        }
      }
      const { status, suspendedUntil } = plan.status;
      const expert = Expert.parse({ ...current.expert, status, suspendedUntil: status === 'suspended' ? suspendedUntil : null });
      const record: ExpertRecord = { ...current, expert, revision: current.revision + 1, updatedAt: new Date(this.now()).toISOString() };
      const next = this.version + 1;
      const change: Entry = { type: 'expert.status', payload: { id, from: current.expert.status, to: expert.status, until: expert.suspendedUntil, reason: plan.reason, by, poolVersion: next } };
      let first: number;
      try {
        const appended = await this.log.appendAll([...plan.entries, change], {
          writes: (index) => [...plan.writes(index), experts.write(record), poolVersionWrite(next)],
          expects: [...plan.expects, experts.expect(id, experts.encode(current)), poolVersionExpected(this.version)],
        });
        first = appended[0]!.index;
      } catch (err) {
        return this.failed(err, msg('pool.changed'));
      }
      this.experts.set(id, record);
      this.version = next;
      this.index = null;
      return { index: first, changed: true };
    });
  }

  /**
   * Imports parsed rows. Rows whose id or ID number is already in the pool are errors too. mode 'all': any error and
   * nothing is stored (IMPORT_REJECTED with every error); mode 'valid': the valid rows are stored, the rest reported.
   * The stored rows commit in one transaction (one log entry each, one pool version for the import).
   */
  import(rows: readonly ImportRow[], parseErrors: readonly ImportError[], mode: 'all' | 'valid', by: TokenClaims, spend?: SpendIdMatches): Promise<ImportReport> {
    return this.change(async () => {
      // A file without a single row is a mistake (wrong file, header only), not an import of nothing.
      if (rows.length === 0 && parseErrors.length === 0) throw new AppError('IMPORT_REJECTED', msg('pool.importEmpty'), { errors: [], rows: 0 });
      const errors: ImportError[] = [...parseErrors];
      const knownHashes = new Set([...this.experts.values()].map((r) => r.idHash));
      const phones = this.phonesInPool();
      const accepted: Array<{ row: ImportRow; idHash: string; phoneKey: string }> = [];
      // The parser already refuses duplicates within a file; rows handed over directly are checked here as well.
      const ids = new Set<string>();
      for (const row of rows) {
        const idHash = this.vault.idHash(row.personal.idNumber);
        const phoneKey = this.phoneKey(row.personal.phone);
        if (this.experts.has(row.expert.id) || ids.has(row.expert.id)) errors.push({ line: row.line, field: 'id', code: 'DUPLICATE_ID', message: msg('importRow.idInPool', { id: row.expert.id }) });
        else if (idHoldsPersonalNumber(row.expert.id, this.now())) errors.push(idPersonal(row.line));
        else if (knownHashes.has(idHash)) errors.push(idNumberHeld(row));
        else if (phones.has(phoneKey)) errors.push(phoneHeld(row));
        else {
          accepted.push({ row, idHash, phoneKey });
          ids.add(row.expert.id);
          knownHashes.add(idHash);
          phones.add(phoneKey);
        }
      }
      errors.sort((a, b) => a.line - b.line);
      // Before any answer names a row whose ID number the pool holds, and before anything is stored.
      await spend?.(heldIdNumbers(errors));
      if (mode === 'all' && errors.length > 0) {
        throw importRejected(errors, rows.length);
      }
      if (accepted.length === 0) return { imported: 0, errors, poolVersion: this.version };
      const next = this.version + 1;
      const when = this.admission();
      const at = when.at;
      const records = accepted.map(({ row, idHash }): ExpertRecord => ({ expert: row.expert, sealed: this.vault.seal(row.expert.id, row.personal), idHash, revision: 1, updatedAt: at, lifecycle: this.started(row.personal.idNumber, by.sub, null, when) }));
      try {
        await this.log.appendAll(
          records.map((r) => ({ type: 'expert.created', payload: { expert: r.expert, by: by.sub, import: true, poolVersion: next } })),
          {
            writes: [
              ...records.flatMap((r): RecordWrite[] => [experts.write(r), idHashes.writeAt(r.idHash, r.expert.id)]),
              poolVersionWrite(next),
            ],
            expects: [poolVersionExpected(this.version)],
          },
        );
      } catch (err) {
        if (err instanceof RecordConflictError) {
          await this.reload();
          throw new VersionMoved();
        }
        throw err;
      }
      for (const r of records) this.experts.set(r.expert.id, r);
      // Their phones are known here: the next change need not open what was just sealed.
      for (const [i, { row, phoneKey }] of accepted.entries()) this.phoneKeys.set(row.expert.id, { sealed: records[i]!.sealed, key: phoneKey });
      this.version = next;
      this.index = null;
      return { imported: records.length, errors, poolVersion: next };
    });
  }

  /**
   * A revised pool file: new experts are added, known ones changed where the file differs, and (retireMissing) those
   * the file leaves out are retired; nothing unless every row is valid. A known expert's new name, phone or ID number
   * is not applied but held for a second person (approvePersonalChange), replacing a change held before. One
   * transaction, one pool version, one entry per expert added, changed, held or retired. A dry run answers the same
   * report and stores nothing.
   */
  upsert(rows: readonly ImportRow[], parseErrors: readonly ImportError[], options: UpsertOptions, by: TokenClaims, spend?: SpendIdMatches): Promise<UpsertReport> {
    return this.change(async () => {
      if (rows.length === 0 && parseErrors.length === 0) throw new AppError('IMPORT_REJECTED', msg('pool.importEmpty'), { errors: [], rows: 0 });
      const pool = new Map([...this.experts].map(([id, r]) => [id, { expert: r.expert, idHash: r.idHash, exited: (r.lifecycle?.exit ?? null) !== null, personal: () => this.vault.open(id, r.sealed) }]));
      const planned = planUpsert(pool, rows, parseErrors, (n) => this.vault.idHash(n));
      const plan = { ...planned, errors: [...planned.errors, ...this.upsertPhones(rows, planned, options.retireMissing)].sort((a, b) => a.line - b.line) };
      await spend?.(heldIdNumbers(plan.errors) + plan.idNumberOnly);
      // An expert who has left the pool stays out: a file cannot change their status back.
      // An expert whose confirmation lapsed is not reinstated by a file either (re-confirm them).
      // A sanction in force is not weakened by a file (only an upheld objection lifts it).
      const statusRows = plan.change.filter((c) => c.changes.includes('status') || c.changes.includes('suspendedUntil'));
      const holds = statusRows.length > 0 ? await sanctionHolds(this.store, new Set(statusRows.map((c) => c.row.expert.id))) : new Map<string, SanctionHold>();
      const held = statusRows.flatMap((c): ImportError[] => {
        const id = c.row.expert.id;
        const life = this.record(id).lifecycle;
        if (life?.exit) return [{ line: c.row.line, field: 'status', code: 'EXITED_EXPERT', message: msg('importRow.exited', { id }) }];
        if (life?.lapsed && (c.row.expert.status === 'active' || c.row.expert.status === 'suspended')) return [{ line: c.row.line, field: 'status', code: 'CONFIRMATION_LAPSED', message: msg('importRow.lapsed', { id }) }];
        const hold = holds.get(id);
        if (hold && weakens(hold.status, { status: c.row.expert.status, suspendedUntil: c.row.expert.suspendedUntil ?? null })) {
          return [{ line: c.row.line, field: 'status', code: 'SANCTION_IN_FORCE', message: msg('importRow.sanctioned', { id }) }];
        }
        return [];
      });
      if (held.length > 0) {
        const errors = [...plan.errors, ...held].sort((a, b) => a.line - b.line);
        throw importRejected(errors, rows.length);
      }
      if (plan.errors.length > 0) throw importRejected(plan.errors, rows.length);
      const retiring = options.retireMissing ? plan.missing : [];
      // Retiring is for good: the import confirms how many, at the pool version its dry run saw (which fixes who).
      const unconfirmed = retiring.length > 0 ? options.retireCount !== retiring.length || options.poolVersion !== this.version : options.retireCount !== undefined && options.retireCount !== 0;
      if (!options.dryRun && unconfirmed) {
        // The refusal does not say the count it wants: a client that copied it back would confirm a list nobody read.
        throw new AppError('IMPORT_RETIRE_UNCONFIRMED', msg('pool.retireUnconfirmed'), { confirmed: { retireCount: options.retireCount ?? null, poolVersion: options.poolVersion ?? null } });
      }
      // A changed row's pool attributes apply at once; its name, phone or ID number wait for a second person.
      const applying = plan.change.filter((c) => c.changes.length > 0);
      const holding = plan.change.filter((c) => c.personal.length > 0);
      const report = (poolVersion: number, dryRun: boolean): UpsertReport => ({
        dryRun,
        // What the import stored: nothing in a dry run (added and changed say what it would); held changes apart.
        imported: dryRun ? 0 : plan.add.length + applying.length,
        errors: [],
        poolVersion,
        added: plan.add.map((a) => a.row.expert.id),
        changed: applying.map((c) => ({ id: c.row.expert.id, changes: c.changes })),
        held: holding.map((c) => ({ id: c.row.expert.id, fields: c.personal })),
        unchanged: plan.unchanged,
        missing: plan.missing,
        retired: retiring.length > 0 && !dryRun,
      });
      if (options.dryRun || plan.add.length + plan.change.length + retiring.length === 0) return report(this.version, options.dryRun);
      const next = this.version + 1;
      const when = this.admission();
      const at = when.at;
      const entries: Entry[] = [];
      const writes: RecordWrite[] = [];
      const expects: RecordExpectation[] = [poolVersionExpected(this.version)];
      const stored: ExpertRecord[] = [];
      for (const { row, idHash } of plan.add) {
        const r: ExpertRecord = { expert: row.expert, sealed: this.vault.seal(row.expert.id, row.personal), idHash, revision: 1, updatedAt: at, lifecycle: this.started(row.personal.idNumber, by.sub, null, when) };
        entries.push({ type: 'expert.created', payload: { expert: r.expert, by: by.sub, import: true, poolVersion: next } });
        writes.push(experts.write(r), idHashes.writeAt(idHash, r.expert.id));
        stored.push(r);
      }
      for (const { row, changes } of applying) {
        const current = this.record(row.expert.id);
        const r: ExpertRecord = { ...current, expert: row.expert, revision: current.revision + 1, updatedAt: at };
        entries.push({ type: 'expert.updated', payload: { id: r.expert.id, changes: [...changes], expert: r.expert, by: by.sub, import: true, poolVersion: next } });
        writes.push(experts.write(r));
        stored.push(r);
      }
      const pending = await personalChanges.readMany(this.store, holding.map((c) => c.row.expert.id));
      holding.forEach(({ row, personal }, k) => {
        const id = row.expert.id;
        const older = pending[k] ?? null;
        // The same values again, whoever imports them (the file imported twice, or by someone else): the held change
        // stays as it is, with its proposer, and nothing is logged. Were it proposed anew, its first proposer could
        // approve it after another import of the same file — their own change, by one person (a re-test, stop 43).
        if (older && personalFields(this.heldPersonal(older), row.personal).length === 0) return;
        const changeId = `PC-${randomUUID()}`;
        const proposal: PersonalChangeRecord = { expertId: id, changeId, fields: personal, sealed: this.vault.sealJson(personalChangeContext(id, changeId), row.personal), proposedBy: by.sub, proposedAt: at };
        entries.push({ type: 'expert.personal-change-held', payload: { id, changeId, fields: [...personal], by: by.sub, import: true, ...(older ? { replaces: older.changeId } : {}) } });
        writes.push(personalChanges.write(proposal));
        expects.push(personalChanges.expect(id, older ? personalChanges.encode(older) : null));
      });
      for (const id of retiring) {
        const current = this.record(id);
        const exit: Lifecycle['exit'] = { reason: 'not-in-register', on: when.today, by: by.sub };
        // A blacklisting outlives the exit, as at POST /v1/experts/{id}/exit: the expert leaves, the status stays.
        const blacklisted = current.expert.status === 'blacklisted';
        const expert: Expert = blacklisted ? current.expert : { ...current.expert, status: 'retired', suspendedUntil: null };
        const r: ExpertRecord = { ...current, expert, revision: current.revision + 1, updatedAt: at, ...(current.lifecycle ? { lifecycle: { ...current.lifecycle, exit } } : {}) };
        if (blacklisted) entries.push({ type: 'expert.exited', payload: { id, reason: 'not-in-register', by: by.sub } });
        else entries.push({ type: 'expert.status', payload: { id, from: current.expert.status, to: 'retired', until: null, reason: 'not in the revised pool file', by: by.sub, import: true, poolVersion: next } });
        writes.push(experts.write(r));
        stored.push(r);
      }
      if (entries.length === 0) return report(this.version, false);
      try {
        // A new pool version only with an entry that names it: exits of blacklisted experts alone change no draw input.
        const moves = entries.some((e) => 'poolVersion' in e.payload);
        await this.log.appendAll(entries, { writes: [...writes, ...(moves ? [poolVersionWrite(next)] : [])], expects });
        for (const r of stored) this.experts.set(r.expert.id, r);
        if (!moves) return report(this.version, false);
      } catch (err) {
        if (err instanceof RecordConflictError) {
          await this.reload();
          throw new VersionMoved();
        }
        throw err;
      }
      this.version = next;
      this.index = null;
      return report(next, false);
    });
  }

  /**
   * Rows of a revised file whose new phone belongs to an expert still in the pool whom the file does not name: a new
   * expert's, or a known one's changed number (a row keeping its number is not refused for an older duplicate). Experts
   * the file names count with the file's numbers, which the parser checked against each other; those it retires leave.
   */
  private upsertPhones(rows: readonly ImportRow[], plan: ReturnType<typeof planUpsert>, retireMissing: boolean): ImportError[] {
    const named = new Set(rows.map((r) => r.expert.id));
    const phones = this.phonesInPool(retireMissing ? new Set([...named, ...plan.missing]) : named);
    // New experts, changed numbers, and retired experts the file makes callable again (their number comes back).
    const returning = (row: ImportRow) => {
      const current = this.experts.get(row.expert.id);
      return current !== undefined && !stillCalled(current) && (current.lifecycle?.exit ?? null) === null && row.expert.status !== 'retired';
    };
    const checked = [...plan.add.map((a) => a.row), ...plan.change.filter((c) => c.personal.includes('phone') || returning(c.row)).map((c) => c.row)];
    return checked.filter((row) => phones.has(this.phoneKey(row.personal.phone))).map((row) => phoneHeld(row));
  }

  /** The personal data changes held for approval, by expert id: which fields, who and when, never a value. */
  async heldChanges(): Promise<HeldChangeView[]> {
    return (await personalChanges.list(this.store)).map(({ value }) => this.heldView(value));
  }

  /**
   * A second person approves a held change: it is applied as a revised file applied it before changes were held — the
   * sealed data, the ID number's hash, the former phone, `expert.updated` with a new pool version and the notices to
   * the expert — in one commit with `expert.personal-change-approved`. Refused while the new ID number belongs to
   * another expert (added since the change was held).
   */
  approvePersonalChange(id: string, changeId: string, by: TokenClaims): Promise<HeldChangeView> {
    return this.change(async () => {
      const current = this.record(id);
      const held = await this.decidable(id, changeId, by);
      const at = new Date(this.now()).toISOString();
      const proposed = this.heldPersonal(held.value);
      // Another expert may have been given the number since the change was held.
      if (held.value.fields.includes('phone')) this.refuseHeldPhone(proposed.phone, id);
      const applied = this.personalWrite(current, proposed, at, by.sub);
      const moves = applied.record.idHash !== current.idHash;
      if (moves && (await idHashes.read(this.store, applied.record.idHash))) throw new AppError('CONFLICT', msg('pool.personalChangeIdTaken', { id }));
      const next = this.version + 1;
      try {
        await this.log.appendAll(
          [
            { type: 'expert.updated', payload: { id, changes: ['personal'], expert: current.expert, by: by.sub, poolVersion: next } },
            ...applied.entries,
            { type: 'expert.personal-change-approved', payload: { id, changeId, by: by.sub } },
          ],
          {
            writes: [...applied.writes, personalChanges.remove(id), poolVersionWrite(next)],
            expects: [experts.expect(id, experts.encode(current)), personalChanges.expect(id, held.raw), ...(moves ? [idHashes.expect(applied.record.idHash, null)] : []), poolVersionExpected(this.version)],
          },
        );
      } catch (err) {
        return this.failed(err, msg('pool.changed'));
      }
      this.experts.set(id, applied.record);
      this.version = next;
      this.index = null;
      return this.heldView(held.value);
    });
  }

  /** A second person rejects a held change, with a reason for the log: it is dropped, the expert's data as it was. */
  rejectPersonalChange(id: string, changeId: string, reason: string, by: TokenClaims): Promise<HeldChangeView> {
    return this.change(async () => {
      this.refuseNaming(this.record(id), reason);
      const held = await this.decidable(id, changeId, by);
      // Nor the name the change proposed: rejected, it would otherwise stay in the log for good (a re-test, stop 43).
      if (namesPerson(reason, this.heldPersonal(held.value).name)) throw new AppError('INVALID_INPUT', msg('pool.textNamesExpert', { id }));
      try {
        await this.log.append('expert.personal-change-rejected', { id, changeId, reason, by: by.sub }, { writes: [personalChanges.remove(id)], expects: [personalChanges.expect(id, held.raw)] });
      } catch (err) {
        return this.failed(err, msg('pool.changed'));
      }
      return this.heldView(held.value);
    });
  }

  /** The expert's held change, if it is `changeId` and `by` did not propose it (one person alone changes nothing). */
  private async decidable(id: string, changeId: string, by: TokenClaims): Promise<{ value: PersonalChangeRecord; raw: Buffer }> {
    const held = await personalChanges.read(this.store, id);
    if (!held) throw new AppError('NOT_FOUND', msg('pool.personalChangeNotFound', { id }));
    if (held.value.changeId !== changeId) throw new AppError('CONFLICT', msg('pool.personalChangeReplaced', { id, changeId }));
    if (held.value.proposedBy === by.sub) throw new AppError('CONFLICT', msg('pool.personalChangeOwn'));
    return held;
  }

  private heldPersonal(held: PersonalChangeRecord): ExpertPersonal {
    return ExpertPersonal.parse(this.vault.openJson(personalChangeContext(held.expertId, held.changeId), held.sealed));
  }

  private heldView(c: PersonalChangeRecord): HeldChangeView {
    return { id: c.expertId, changeId: c.changeId, fields: [...c.fields], proposedBy: c.proposedBy, proposedAt: c.proposedAt };
  }

  /**
   * An expert's personal data replaced, for the caller's commit: sealed anew, the ID number's hash moved (the old one no
   * longer finds the expert at check-in), the number a phone was changed from kept for a month (sealed: told of what
   * changes next), and a notice of what changed queued to the number the expert had before (and the former one).
   */
  private personalWrite(current: ExpertRecord, personal: ExpertPersonal, at: string, by: string): { record: ExpertRecord; entries: Entry[]; writes: RecordWrite[] } {
    const id = current.expert.id;
    const before = this.vault.open(id, current.sealed);
    const changed = personalFields(before, personal);
    const idHash = this.vault.idHash(personal.idNumber);
    const former = changed.includes('phone') ? { formerPhone: { sealed: this.vault.sealJson(formerPhoneContext(id), before.phone), until: new Date(this.now() + FORMER_PHONE_DAYS * 86_400_000).toISOString() } } : {};
    const record: ExpertRecord = { ...current, sealed: this.vault.seal(id, personal), idHash, ...former, revision: current.revision + 1, updatedAt: at };
    const entries: Entry[] = [];
    const writes: RecordWrite[] = [experts.write(record)];
    if (changed.length > 0 && this.contactNotice) {
      for (const to of this.noticeNumbers(current, before.phone, personal.phone)) {
        const notice = this.contactNotice(id, to, at, changed);
        entries.push({ type: 'expert.contact-changed', payload: { id, messageId: notice.messageId, by } });
        writes.push(...notice.writes);
      }
    }
    if (idHash !== current.idHash) writes.push(idHashes.remove(current.idHash), idHashes.writeAt(idHash, id));
    return { record, entries, writes };
  }

  upsertOrganisation(org: Organisation, by: TokenClaims): Promise<Organisation> {
    return this.change(async () => {
      await this.commit('organisation.upserted', { organisation: org, by: by.sub }, [organisations.write(org)], []);
      return org;
    });
  }

  async getOrganisation(code: string): Promise<Organisation> {
    const found = await organisations.read(this.store, code);
    if (!found) throw new AppError('NOT_FOUND', msg('pool.organisationNotFound', { code }));
    return found.value;
  }

  private record(id: string): ExpertRecord {
    const r = this.experts.get(id);
    if (!r) throw new AppError('NOT_FOUND', msg('pool.expertNotFound', { id }));
    return r;
  }

  private async replace<T extends PoolEntry>(current: ExpertRecord, expert: Expert, type: T, payload: WithoutVersion<T>, lifecycle = current.lifecycle): Promise<ExpertView> {
    const record: ExpertRecord = { ...current, expert, revision: current.revision + 1, updatedAt: new Date(this.now()).toISOString(), ...(lifecycle ? { lifecycle } : {}) };
    await this.commit(type, payload, [experts.write(record)], [experts.expect(expert.id, experts.encode(current))]);
    this.experts.set(expert.id, record);
    return view(record);
  }

  /**
   * One durable change: the entry, the records and the new pool version in one store transaction, expecting the
   * version (and records) this instance last saw. If another instance got there first, re-read and report a conflict.
   */
  private async commit<T extends PoolEntry>(type: T, payload: WithoutVersion<T>, writes: RecordWrite[], expects: RecordExpectation[], conflict: Message = msg('pool.changed')): Promise<void> {
    const next = this.version + 1;
    try {
      await this.log.append(type, { ...payload, poolVersion: next } as EntryPayloads[T], {
        writes: [...writes, poolVersionWrite(next)],
        expects: [...expects, poolVersionExpected(this.version)],
      });
    } catch (err) {
      return this.failed(err, conflict);
    }
    this.version = next;
    this.index = null;
  }

  /** Runs one change after the previous ones; re-runs it (on fresh state) when only the pool version moved. */
  private change<T>(fn: () => Promise<T>): Promise<T> {
    const attempt = async (): Promise<T> => {
      for (let tries = 1; ; tries++) {
        try {
          return await fn();
        } catch (err) {
          if (!(err instanceof VersionMoved)) throw err;
          if (tries === 5) throw new AppError('CONFLICT', msg('pool.keepsChanging'));
        }
      }
    };
    const run = this.queue.then(attempt);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
