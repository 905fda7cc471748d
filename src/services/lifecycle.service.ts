// Admission and exit (准入/退出, docs/admission.md): applications reviewed by a pool manager, re-confirmation, exits with
// a reason, and the periodic pass that retires by age or certificate expiry and lapses overdue confirmations. Every
// change is a log entry; a change that affects draws is an `expert.status` through the pool, so draws read it as any
// other status. Nothing is ever deleted: applications stay after their decision, exited experts stay in the pool.
import type { SpendIdMatches } from './id-matches.js';
import type { Entry, ServiceLog } from '../audit/entries.js';
import { localTime } from '../calls/text.js';
import type { TokenClaims } from '../auth/roles.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import type { Expert, ExpertPersonal } from '../domain/expert.js';
import { namesPerson } from '../domain/primitives.js';
import { addMonths, dueStep, retirementDay, startLifecycle, untrueExit, type ExitReason, type Lifecycle } from '../domain/lifecycle.js';
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
import { heldIdNumbers, idNumberHeld, importRejected, type ImportError, type ImportRow } from '../pool/import-parser.js';
import { applications, idHashes, type ApplicationRecord, type ExpertRecord } from '../records/pool.js';
import { ruleStatus } from '../records/sanctions.js';
import { RecordConflictError, type Store } from '../store/store.js';
import type { LifecycleWrite, PoolService } from './pool.service.js';

/** The subject the periodic pass writes as `by`. */
export const LIFECYCLE_ACTOR = 'lifecycle';
/** The reason an `expert.status` entry gives when the pass ends a dated suspension. */
export const SUSPENSION_ENDED = 'suspension ended';
/** Experts per commit of the pass (one transaction each). */
const PASS_BATCH = 500;

export interface ApplicationView {
  readonly id: string;
  readonly expert: Expert;
  readonly certificateExpires: string | null;
  readonly state: ApplicationRecord['state'];
  readonly appliedAt: string;
  readonly appliedBy: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly reason: string | null;
}

export interface DueItem {
  readonly id: string;
  readonly status: Expert['status'];
  readonly confirmationDue: string;
  readonly lapsed: boolean;
}

export interface PassReport {
  readonly day: string;
  readonly adopted: number;
  /** Experts whose retirement day was computed again for a changed retirement age. */
  readonly recomputed: number;
  readonly lapsed: readonly string[];
  readonly exited: ReadonlyArray<{ readonly id: string; readonly reason: ExitReason }>;
  /** Experts whose dated suspension ended before today: active again. */
  readonly resumed: readonly string[];
}

const applicationView = (a: ApplicationRecord): ApplicationView => ({
  id: a.expert.id,
  expert: a.expert,
  certificateExpires: a.certificateExpires,
  state: a.state,
  appliedAt: a.appliedAt,
  appliedBy: a.appliedBy,
  decidedAt: a.decidedAt,
  decidedBy: a.decidedBy,
  reason: a.reason,
});

export class LifecycleService {
  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly pool: PoolService,
    private readonly vault: PersonalDataVault,
    private readonly now: () => number,
  ) {}

  private get settings() {
    return this.pool.lifecycleSettings.policy;
  }

  // --- Applications (准入申请) ---

  /** Files an application: stored and logged, not in the pool, never drawn, until admitted. */
  async apply(expert: Expert, personal: ExpertPersonal, certificateExpires: string | null, by: TokenClaims): Promise<ApplicationView> {
    const [view] = await this.fileApplications([{ line: 1, expert, personal }], certificateExpires, by, false);
    return view!;
  }

  /**
   * Files the rows of an import as applications (?admission=applied). mode 'all': any bad row and nothing is stored;
   * 'valid': the valid rows. One transaction, one `expert.applied` entry per row.
   */
  async importApplications(rows: readonly ImportRow[], parseErrors: readonly ImportError[], mode: 'all' | 'valid', by: TokenClaims, spend?: SpendIdMatches): Promise<{ imported: number; errors: ImportError[] }> {
    if (rows.length === 0 && parseErrors.length === 0) throw new AppError('IMPORT_REJECTED', msg('pool.importEmpty'), { errors: [], rows: 0 });
    const errors: ImportError[] = [...parseErrors];
    const pending = await this.pendingHashes();
    const accepted: ImportRow[] = [];
    const ids = new Set<string>();
    const existing = await applications.readMany(this.store, rows.map((r) => r.expert.id));
    rows.forEach((row, i) => {
      const hash = this.vault.idHash(row.personal.idNumber);
      if (this.pool.expert(row.expert.id) || existing[i] || ids.has(row.expert.id)) errors.push({ line: row.line, field: 'id', code: 'DUPLICATE_ID', message: msg('importRow.idInPool', { id: row.expert.id }) });
      else if (this.pool.holdsIdHash(hash) || pending.has(hash)) errors.push(idNumberHeld(row));
      else {
        accepted.push(row);
        ids.add(row.expert.id);
        pending.add(hash);
      }
    });
    errors.sort((a, b) => a.line - b.line);
    await spend?.(heldIdNumbers(errors));
    if (mode === 'all' && errors.length > 0) throw importRejected(errors, rows.length);
    if (accepted.length > 0) await this.fileApplications(accepted, null, by, true);
    return { imported: accepted.length, errors };
  }

  private async fileApplications(rows: readonly ImportRow[], certificateExpires: string | null, by: TokenClaims, imported: boolean): Promise<ApplicationView[]> {
    const at = new Date(this.now()).toISOString();
    const records = rows.map((row): ApplicationRecord => ({
      expert: row.expert,
      sealed: this.vault.seal(row.expert.id, row.personal),
      idHash: this.vault.idHash(row.personal.idNumber),
      certificateExpires,
      state: 'applied',
      appliedAt: at,
      appliedBy: by.sub,
      decidedAt: null,
      decidedBy: null,
      reason: null,
    }));
    if (!imported) {
      const r = records[0]!;
      if (this.pool.expert(r.expert.id)) throw new AppError('CONFLICT', msg('lifecycle.applicationExists', { id: r.expert.id }));
      if (this.pool.holdsIdHash(r.idHash) || (await this.pendingHashes()).has(r.idHash)) throw new AppError('CONFLICT', msg('lifecycle.idNumberTaken'));
    }
    try {
      await this.log.appendAll(
        records.map((r) => ({ type: 'expert.applied', payload: { expert: r.expert, certificateExpires: r.certificateExpires, by: by.sub, ...(imported ? { import: true as const } : {}) } })),
        {
          writes: records.map((r) => applications.write(r)),
          // Not in the pool meanwhile (the admission expects the same again), and not filed twice.
          expects: records.flatMap((r) => [applications.expect(r.expert.id, null), idHashes.expect(r.idHash, null)]),
        },
      );
    } catch (err) {
      if (err instanceof RecordConflictError) throw new AppError('CONFLICT', msg('lifecycle.applicationExists', { id: records.length === 1 ? records[0]!.expert.id : '…' }));
      throw err;
    }
    return records.map(applicationView);
  }

  /** Keyed hashes of the ID numbers of applications still waiting for a decision. */
  private async pendingHashes(): Promise<Set<string>> {
    return new Set((await applications.list(this.store)).filter((a) => a.value.state === 'applied').map((a) => a.value.idHash));
  }

  async applications(state?: ApplicationRecord['state']): Promise<ApplicationView[]> {
    return (await applications.list(this.store)).map((a) => a.value).filter((a) => state === undefined || a.state === state).map(applicationView);
  }

  async application(id: string): Promise<ApplicationView> {
    return applicationView((await this.pending(id, false)).record);
  }

  private async pending(id: string, undecided: boolean): Promise<{ record: ApplicationRecord; raw: Buffer }> {
    const found = await applications.read(this.store, id);
    if (!found) throw new AppError('NOT_FOUND', msg('lifecycle.applicationNotFound', { id }));
    if (undecided && found.value.state !== 'applied') {
      throw new AppError('APPLICATION_DECIDED', msg('lifecycle.applicationDecided', { id, at: this.localAt(found.value.decidedAt), state: msg(found.value.state === 'admitted' ? 'lifecycle.decidedAdmitted' : 'lifecycle.decidedRejected') }));
    }
    return { record: found.value, raw: found.raw };
  }

  /** An instant as people read it in messages: date and time in the centre's time zone, as the calls say them. */
  private localAt(iso: string | null): string {
    if (iso === null) return '';
    const { date, time } = localTime(new Date(iso), this.pool.lifecycleSettings.timeZone);
    return `${date} ${time}`;
  }

  /** A pool manager admits an application: the expert joins the pool, drawable from now on. */
  async admit(id: string, by: TokenClaims): Promise<ApplicationView> {
    const found = await this.pending(id, true);
    await this.pool.admit(found, by);
    return this.application(id);
  }

  /** A pool manager rejects an application, with a reason; the application is kept. */
  async reject(id: string, reason: string, by: TokenClaims): Promise<ApplicationView> {
    const found = await this.pending(id, true);
    // The reason is logged in the clear: it may not name the applicant (phone and ID numbers are refused by its schema).
    if (namesPerson(reason, this.vault.open(found.record.expert.id, found.record.sealed).name)) throw new AppError('INVALID_INPUT', msg('pool.textNamesExpert', { id }));
    const decided: ApplicationRecord = { ...found.record, state: 'rejected', decidedAt: new Date(this.now()).toISOString(), decidedBy: by.sub, reason };
    try {
      await this.log.append('expert.rejected', { id, reason, by: by.sub }, { writes: [applications.write(decided)], expects: [applications.expect(id, found.raw)] });
    } catch (err) {
      if (err instanceof RecordConflictError) throw new AppError('CONFLICT', msg('lifecycle.applicationChanged', { id }));
      throw err;
    }
    return applicationView(decided);
  }

  // --- Experts of the pool ---

  /** An expert's lifecycle; a legacy expert not adopted yet shows the one the next pass gives them. */
  lifecycle(id: string): Lifecycle {
    const { lifecycle } = this.pool.lifecycleOf(id);
    if (lifecycle) return lifecycle;
    return this.adoptedLifecycle(this.pool.recordOf(id)!, this.pool.today());
  }

  /** Re-confirms an expert: the next confirmation is due a period from today; a lapse that suspended them is lifted. */
  async confirm(id: string, by: TokenClaims): Promise<Lifecycle> {
    const [write] = await this.pool.applyLifecycle((record) => {
      const r = this.existing(record, id);
      const today = this.pool.today();
      const life = r.lifecycle ?? this.adoptedLifecycle(r, today);
      if (life.exit) throw new AppError('EXPERT_EXITED', msg('lifecycle.alreadyExited', { id }));
      const next: Lifecycle = { ...life, confirmedOn: today, confirmationDue: addMonths(today, this.settings.confirmationMonths), lapsed: null };
      const lift = life.lapsed?.held === true && r.expert.status === 'suspended' && r.expert.suspendedUntil === null;
      const resume = lift && life.lapsed!.resumeUntil !== null && life.lapsed!.resumeUntil >= today ? life.lapsed!.resumeUntil : null;
      return [
        {
          id,
          lifecycle: next,
          ...(lift ? { status: resume ? { to: 'suspended' as const, until: resume, reason: 're-confirmed: the earlier suspension resumes' } : { to: 'active' as const, until: null, reason: 're-confirmed' } } : {}),
          entries: [{ type: 'expert.confirmed', payload: { id, confirmedOn: today, confirmationDue: next.confirmationDue, reinstated: lift, by: by.sub } }],
        },
      ];
    }, by.sub);
    return write!.lifecycle;
  }

  /** An expert leaves the pool for a reason from the closed list: status retired for good, records kept. */
  async exit(id: string, reason: ExitReason, note: string | undefined, by: TokenClaims): Promise<Lifecycle> {
    const [write] = await this.pool.applyLifecycle((record) => {
      const r = this.existing(record, id);
      const today = this.pool.today();
      const life = r.lifecycle ?? this.adoptedLifecycle(r, today);
      if (life.exit) throw new AppError('EXPERT_EXITED', msg('lifecycle.alreadyExited', { id }));
      if (untrueExit(reason, life, today)) throw new AppError('CONFLICT', msg('lifecycle.untrueExit', { id, reason }));
      this.pool.refuseNaming(r, note);
      return [this.exitWrite(r, life, reason, today, by.sub, note)];
    }, by.sub);
    return write!.lifecycle;
  }

  /** Records the expiry of the expert's qualification certificate (null: none); the pass exits them after it. */
  async setCertificate(id: string, certificateExpires: string | null, by: TokenClaims): Promise<Lifecycle> {
    const [write] = await this.pool.applyLifecycle((record) => {
      const r = this.existing(record, id);
      const life = r.lifecycle ?? this.adoptedLifecycle(r, this.pool.today());
      if (life.exit) throw new AppError('EXPERT_EXITED', msg('lifecycle.alreadyExited', { id }));
      return [{ id, lifecycle: { ...life, certificateExpires }, entries: [{ type: 'expert.certificate', payload: { id, certificateExpires, by: by.sub } }] }];
    }, by.sub);
    return write!.lifecycle;
  }

  /** Experts whose confirmation is due within `days` (or lapsed), soonest first; exited experts are not listed. */
  due(days = this.settings.dueSoonDays): { until: string; items: DueItem[] } {
    const until = addDays(this.pool.today(), days);
    const items: DueItem[] = [];
    for (const r of this.pool.records()) {
      const life = r.lifecycle;
      if (!life || life.exit) continue;
      if (life.lapsed || life.confirmationDue <= until) items.push({ id: r.expert.id, status: r.expert.status, confirmationDue: life.confirmationDue, lapsed: life.lapsed !== null });
    }
    items.sort((a, b) => (a.confirmationDue < b.confirmationDue ? -1 : a.confirmationDue > b.confirmationDue ? 1 : a.id < b.id ? -1 : 1));
    return { until, items };
  }

  /**
   * The periodic pass (daily is enough; the server runs it hourly): adopts legacy experts, then applies every
   * retirement by age, certificate expiry and lapse due today, and ends every dated suspension past its last day, in
   * batches, each change logged. Another instance's pass meanwhile makes a batch recompute on the fresh pool, never
   * apply twice.
   */
  async pass(): Promise<PassReport> {
    const day = this.pool.today();
    let adopted = 0;
    const lapsed: string[] = [];
    const exited: Array<{ id: string; reason: ExitReason }> = [];
    // Legacy experts first: their confirmation is due a full period from the day they are adopted.
    for (;;) {
      const done = await this.pool.applyLifecycle((record) => {
        const ids = [...this.pool.records()].filter((r) => !r.lifecycle).slice(0, PASS_BATCH).map((r) => r.expert.id);
        const writes: LifecycleWrite[] = ids.map((id) => ({ id, lifecycle: this.adoptedLifecycle(record(id)!, day), entries: [] }));
        if (writes.length === 0) return [];
        const entry: Entry = {
          type: 'lifecycle.adopted',
          payload: { ids, confirmationDue: addMonths(day, this.settings.confirmationMonths), exited: writes.filter((w) => w.lifecycle.exit).map((w) => w.id), by: LIFECYCLE_ACTOR },
        };
        return [{ ...writes[0]!, entries: [entry] }, ...writes.slice(1)];
      }, LIFECYCLE_ACTOR);
      if (done.length === 0) break;
      adopted += done.length;
    }
    // A changed retirement age: the day is computed again from the sealed ID number (its birth date still not kept).
    let recomputed = 0;
    const age = this.settings.retirementAge;
    for (;;) {
      const done = await this.pool.applyLifecycle(() => {
        const stale = [...this.pool.records()].filter((r) => r.lifecycle && !r.lifecycle.exit && r.lifecycle.retirementAge !== age).slice(0, PASS_BATCH);
        if (stale.length === 0) return [];
        const writes: LifecycleWrite[] = stale.map((r) => ({
          id: r.expert.id,
          lifecycle: { ...r.lifecycle!, retirementAge: age, retiresOn: age === null ? null : retirementDay(this.vault.open(r.expert.id, r.sealed).idNumber, age) },
          entries: [],
        }));
        return [{ ...writes[0]!, entries: [{ type: 'lifecycle.retirement-age', payload: { ids: stale.map((r) => r.expert.id), retirementAge: age, by: LIFECYCLE_ACTOR } }] }, ...writes.slice(1)];
      }, LIFECYCLE_ACTOR);
      if (done.length === 0) break;
      recomputed += done.length;
    }
    for (;;) {
      const done = await this.pool.applyLifecycle(() => {
        const writes: LifecycleWrite[] = [];
        for (const r of this.pool.records()) {
          if (writes.length === PASS_BATCH) break;
          const step = r.lifecycle ? dueStep(r.lifecycle, day) : null;
          if (!step) continue;
          writes.push(step.kind === 'exit' ? this.exitWrite(r, r.lifecycle!, step.reason, day, LIFECYCLE_ACTOR) : this.lapseWrite(r, r.lifecycle!, day));
        }
        return writes;
      }, LIFECYCLE_ACTOR);
      if (done.length === 0) break;
      for (const w of done) {
        if (w.lifecycle.exit) exited.push({ id: w.id, reason: w.lifecycle.exit.reason });
        else lapsed.push(w.id);
      }
    }
    // A suspension whose last day has passed ends: the expert is active again (the draw already read them so; the
    // record now says it too). Open-ended suspensions and lapses (until null) wait for a person; a suspension the
    // rules set is theirs to lift (`rule.lifted`, docs/records.md), which may put a stronger consequence back.
    const ended = (r: ExpertRecord) => r.lifecycle && !r.lifecycle.exit && !r.lifecycle.lapsed && r.expert.status === 'suspended' && r.expert.suspendedUntil !== null && r.expert.suspendedUntil < day;
    const candidates = [...this.pool.records()].filter(ended);
    const owned = await ruleStatus.readMany(this.store, candidates.map((r) => r.expert.id));
    const byRules = new Set(candidates.filter((r, i) => owned[i]?.status === 'suspended' && owned[i]?.suspendedUntil === r.expert.suspendedUntil).map((r) => r.expert.id));
    const resumed: string[] = [];
    for (;;) {
      const done = await this.pool.applyLifecycle(() => {
        const ending = [...this.pool.records()].filter((r) => ended(r) && !byRules.has(r.expert.id)).slice(0, PASS_BATCH);
        return ending.map((r): LifecycleWrite => ({ id: r.expert.id, lifecycle: r.lifecycle!, status: { to: 'active', until: null, reason: SUSPENSION_ENDED }, entries: [] }));
      }, LIFECYCLE_ACTOR);
      if (done.length === 0) break;
      resumed.push(...done.map((w) => w.id));
    }
    return { day, adopted, recomputed, lapsed, exited, resumed };
  }

  private existing(record: (id: string) => ExpertRecord | undefined, id: string): ExpertRecord {
    const r = record(id);
    if (!r) throw new AppError('NOT_FOUND', msg('pool.expertNotFound', { id }));
    return r;
  }

  /** A legacy expert's lifecycle: not reviewed (admittedAt null), due a period from `today`; retired ones have exited. */
  private adoptedLifecycle(r: ExpertRecord, today: string): Lifecycle {
    // The ID number is opened here only to compute the retirement day; the birth date is neither kept nor logged.
    const idNumber = this.settings.retirementAge === null ? '' : this.vault.open(r.expert.id, r.sealed).idNumber;
    const life = startLifecycle(today, this.settings, idNumber, { at: null, by: null });
    return r.expert.status === 'retired' ? { ...life, exit: { reason: 'other', on: today, by: LIFECYCLE_ACTOR } } : life;
  }

  private exitWrite(r: ExpertRecord, life: Lifecycle, reason: ExitReason, today: string, by: string, note?: string): LifecycleWrite {
    const id = r.expert.id;
    return {
      id,
      lifecycle: { ...life, exit: { reason, on: today, by } },
      // A blacklisting outlives the exit (it stays visible, and is still exchanged with other centres).
      ...(r.expert.status === 'retired' || r.expert.status === 'blacklisted' ? {} : { status: { to: 'retired' as const, until: null, reason: `exit: ${reason}` } }),
      entries: [{ type: 'expert.exited', payload: { id, reason, ...(note === undefined ? {} : { note }), by } }],
    };
  }

  /** A lapse suspends an active or suspended expert until re-confirmed; a blacklisted one stays blacklisted. */
  private lapseWrite(r: ExpertRecord, life: Lifecycle, today: string): LifecycleWrite {
    const id = r.expert.id;
    const e = r.expert;
    const hold = e.status === 'active' || (e.status === 'suspended' && e.suspendedUntil !== null);
    return {
      id,
      lifecycle: { ...life, lapsed: { since: today, held: hold, resumeUntil: e.status === 'suspended' ? e.suspendedUntil : null } },
      ...(hold ? { status: { to: 'suspended' as const, until: null, reason: 'confirmation lapsed' } } : {}),
      entries: [{ type: 'expert.lapsed', payload: { id, due: life.confirmationDue, held: hold, by: LIFECYCLE_ACTOR } }],
    };
  }
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
