// Rules turn records into consequences, and objections (申诉) correct them (docs/records.md "Rules and consequences",
// "Objections"). A periodic pass follows the log: a record becomes an expert's only when its draw is disclosed (before,
// a suspension right after a sealed no-show would tell who was drawn), so each reveal, and each record or correction of
// a disclosed draw, has the experts it concerns evaluated. A rule that fires sets the status through the pool's normal
// path, in one commit with the entry that cites the rule and the records; its id comes from rule, expert and records,
// so it fires once per set on any instance and after any restart. Suspensions are lifted, logged, the day after their
// last day; an upheld objection withdraws the record (an appended entry) and lifts what rested on it.
import { randomUUID } from 'node:crypto';
import type { Entry, ServiceLog } from '../audit/entries.js';
import type { TokenClaims } from '../auth/roles.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import type { Expert } from '../domain/expert.js';
import { sanctionsPolicy, type Policy, type SanctionRule } from '../domain/policy.js';
import { localDay } from '../domain/wall-clock.js';
import { afterLift, codeOf, consequenceId, fire, imposed, strengthen, type RuleRecord, type StatusState } from '../domain/sanctions.js';
import { AppError } from '../errors.js';
import type { Lang } from '../i18n/language.js';
import { msg } from '../i18n/message.js';
import { rankings } from '../draw/entries.js';
import { entryType } from '../log/entry.js';
import { recordSubject } from '../records/performance.js';
import { consequences, decisionContext, objectionContext, objections, objectionTargets, reviewContext, ruleStatus, targetKey, type ConsequenceRecord, type ObjectionRecord, type ReviewOutcome } from '../records/sanctions.js';
import { RecordConflictError, type RecordExpectation, type RecordWrite, type Store } from '../store/store.js';
import { LogFollower } from './catch-up.js';
import { Periodic } from './periodic.js';
import type { PoolService, StatusPlan } from './pool.service.js';

/** Who the log says applied and lifted consequences by rule (no person: the policy's rules). */
export const RULES_BY = 'expert-draw/rules';
const RECORD_TYPES = new Set(['record.call', 'record.checkin', 'record.no-show', 'record.entered']);

/** A record entry as the log holds it: its seat, the expert sealed (`subject`), what the rules count it as. */
interface LoggedRecord {
  readonly index: number;
  readonly time: number;
  readonly type: string;
  readonly code: string | null;
  readonly payload: { drawId: string; projectId: string; group: number; seat: number; rank: number; subject: string; recordId?: string; corrects?: string | null };
}

export interface RulesTick {
  readonly applied: number;
  readonly lifted: number;
}

/** Who lodges an objection: a pool manager's token, or the expert through their record link (role `expert`, the link's message id). */
export type ObjectionAuthor = Pick<TokenClaims, 'sub'> & Partial<Omit<TokenClaims, 'sub' | 'role'>> & { readonly role: string; readonly link?: string; readonly linkSentBy?: string };

export type ObjectionTarget = { readonly record: number } | { readonly consequence: string };

export interface ConsequenceView {
  readonly id: string;
  readonly expertId: string;
  readonly ruleId: string;
  readonly rule: string;
  readonly kind: ConsequenceRecord['kind'];
  readonly records: Array<{ index: number; drawId: string }>;
  readonly from: string;
  readonly until: string | null;
  readonly changedStatus: boolean;
  readonly state: ConsequenceRecord['state'];
  readonly appliedAt: string;
  readonly appliedIndex: number;
  readonly endedAt: string | null;
  readonly endedWhy: ConsequenceRecord['endedWhy'];
  /** A closed review: its outcome, the reason (opened) and who closed it. */
  readonly review: { readonly outcome: ReviewOutcome; readonly reason: string; readonly by: string } | null;
}

export interface ObjectionView {
  readonly id: string;
  readonly expertId: string;
  readonly against: ObjectionTarget;
  readonly reason: string;
  readonly state: ObjectionRecord['state'];
  readonly lodgedAt: string;
  readonly lodgedBy: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly decision: string | null;
}

const statusOf = (e: Expert): StatusState => ({ status: e.status, suspendedUntil: e.suspendedUntil });

export class RulesService {
  /** Disclosed draw → the experts its reveal ranked; expert → their disclosed draws. */
  private readonly ranked = new Map<string, readonly string[]>();
  private readonly drawsOf = new Map<string, string[]>();
  /** Every record entry by draw, disclosed or not (a draw disclosed later brings its earlier records). */
  private readonly records = new Map<string, LoggedRecord[]>();
  private readonly byIndex = new Map<number, LoggedRecord>();
  /** Entered records corrected by a later one; records withdrawn by an upheld objection (log indexes). */
  private readonly corrected = new Set<string>();
  private readonly withdrawn = new Set<number>();
  /** Experts to evaluate at the next pass. */
  private readonly dirty = new Set<string>();
  /** Reveals, records, corrections and withdrawals, read from the log since the last look. */
  private readonly follower: LogFollower;
  private readonly periodic: Periodic<RulesTick>;

  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly pool: PoolService,
    private readonly vault: PersonalDataVault,
    private readonly policy: Policy,
    private readonly timeZone: string,
    private readonly now: () => number,
    onError: (err: unknown) => void = () => undefined,
  ) {
    this.follower = new LogFollower(store, (index, bytes) => this.take(index, bytes));
    this.periodic = new Periodic(() => this.pass(), onError);
  }

  get rules(): readonly SanctionRule[] {
    return sanctionsPolicy(this.policy).rules;
  }

  /** One pass now (or the one running): new records evaluated, ended suspensions lifted. */
  tick(): Promise<RulesTick> {
    return this.periodic.run();
  }

  start(intervalMs = 5000): void {
    this.periodic.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  private async pass(): Promise<RulesTick> {
    await this.follower.catchUp();
    const today = localDay(this.now(), this.timeZone);
    let applied = 0;
    let lifted = 0;
    const experts = [...this.dirty];
    this.dirty.clear();
    // The consequences read once for the pass, by expert (an expert's own are read again only after a change).
    const byExpert = new Map<string, ConsequenceRecord[]>();
    if (experts.length > 0) for (const { value } of await this.consequenceList()) (byExpert.get(value.expertId) ?? byExpert.set(value.expertId, []).get(value.expertId)!).push(value);
    for (const expertId of experts) {
      try {
        const r = await this.evaluate(expertId, today, byExpert.get(expertId) ?? []);
        applied += r.applied;
        lifted += r.lifted;
      } catch (err) {
        // Looked at again next pass (another instance may have got there first: then nothing is left to do).
        this.dirty.add(expertId);
        if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err;
      }
    }
    // Suspensions whose last day is over: lifted, logged (a draw already reads an ended suspension as none).
    for (const { value: c } of await this.consequenceList()) {
      if (c.state !== 'in-force' || c.kind !== 'suspend' || c.until === null || c.until >= today) continue;
      try {
        if (await this.end(c.expertId, [c.id], 'expired', today)) lifted++;
      } catch (err) {
        if (!(err instanceof AppError && (err.code === 'CONFLICT' || err.code === 'NOT_FOUND'))) throw err;
      }
    }
    return { applied, lifted };
  }

  /** One expert's records against the rules: what no longer stands is lifted, what newly fires is applied. */
  private async evaluate(expertId: string, today: string, known: ConsequenceRecord[]): Promise<{ applied: number; lifted: number }> {
    if (this.pool.expert(expertId) === undefined) return { applied: 0, lifted: 0 };
    const mine = this.attributable(expertId);
    const standing = new Set(mine.map((r) => r.index));
    let lifted = 0;
    let existing = known;
    // A consequence resting on a record that no longer stands (corrected, withdrawn) is lifted.
    const fallen = existing.filter((c) => c.state === 'in-force' && c.records.some((r) => !standing.has(r.index)));
    if (fallen.length > 0 && (await this.end(expertId, fallen.map((c) => c.id), 'record-corrected', today))) {
      lifted += fallen.length;
      existing = await this.consequencesOf(expertId);
    }
    let applied = 0;
    const drawOf = new Map(mine.map((r) => [r.index, r.payload.drawId]));
    const ruleRecords: RuleRecord[] = mine.filter((r) => r.code !== null).map((r) => ({ index: r.index, time: r.time, code: r.code! }));
    for (const rule of this.rules) {
      const mineOfRule = existing.filter((c) => c.ruleId === rule.id);
      // Records an earlier consequence of this rule used (unless it was annulled) count no more.
      const used = new Set(mineOfRule.filter((c) => c.state !== 'annulled').flatMap((c) => c.records.map((r) => r.index)));
      const known = new Set(mineOfRule.map((c) => c.id));
      for (const firing of fire(rule, ruleRecords, used)) {
        const id = consequenceId(rule.id, expertId, firing.records);
        if (known.has(id)) continue;
        await this.apply(expertId, rule, id, firing.records.map((index) => ({ index, drawId: drawOf.get(index)! })), today);
        applied++;
      }
    }
    return { applied, lifted };
  }

  /** A rule's consequence: the status it sets (never weakening one the expert has), with the entry citing why. */
  private async apply(expertId: string, rule: SanctionRule, id: string, records: ConsequenceRecord['records'], today: string): Promise<void> {
    const imposes = imposed(rule.consequence, today);
    const owned = await ruleStatus.read(this.store, expertId);
    await this.pool.statusWith(
      expertId,
      (current): StatusPlan => {
        const set = strengthen(statusOf(current), imposes);
        const record = (appliedIndex: number): ConsequenceRecord => ({
          id,
          expertId,
          ruleId: rule.id,
          kind: rule.consequence.kind,
          records,
          appliedAt: new Date(this.now()).toISOString(),
          appliedIndex,
          from: today,
          until: imposes?.status === 'suspended' ? imposes.suspendedUntil : null,
          imposes,
          set,
          state: 'in-force',
          endedAt: null,
          endedWhy: null,
        });
        const entry: Entry = {
          type: 'rule.applied',
          payload: { consequenceId: id, expertId, ruleId: rule.id, kind: rule.consequence.kind, records: [...records], from: today, until: imposes?.status === 'suspended' ? imposes.suspendedUntil : null, changed: set !== null, by: RULES_BY },
        };
        return {
          status: set,
          reason: `rule ${rule.id} (${id})`,
          entries: [entry],
          writes: (first) => [consequences.write(record(first)), ...(set ? [ruleStatus.writeAt(expertId, set)] : [])],
          expects: [consequences.expect(id, null), ruleStatus.expect(expertId, owned?.raw ?? null)],
        };
      },
      RULES_BY,
    );
  }

  /**
   * Ends consequences of one expert (expired, lifted by an upheld objection, or resting on a record that fell) and puts
   * the status back to the strongest of those still in force, or active — only where the status is still the one they
   * set. `extra` rides in the same commit (the objection's decision, the record's withdrawal).
   */
  private async end(
    expertId: string,
    ids: readonly string[],
    why: Exclude<NonNullable<ConsequenceRecord['endedWhy']>, 'reviewed'>,
    today: string,
    extra: { entries: Entry[]; writes: RecordWrite[]; expects: RecordExpectation[]; objectionId?: string; by?: TokenClaims } = { entries: [], writes: [], expects: [] },
  ): Promise<boolean> {
    const all = await this.consequencesOf(expertId);
    const raws = await Promise.all(ids.map((id) => consequences.read(this.store, id)));
    const ending = raws.flatMap((r) => (r && r.value.state !== 'annulled' && (why !== 'expired' || r.value.state === 'in-force') ? [r] : []));
    if (ending.length === 0 && extra.entries.length === 0) return false;
    const endingIds = new Set(ending.map((r) => r.value.id));
    const remaining = all.filter((c) => c.state === 'in-force' && !endingIds.has(c.id)).flatMap((c) => (c.imposes ? [c.imposes] : []));
    const owned = await ruleStatus.read(this.store, expertId);
    const state = why === 'expired' ? 'expired' : 'annulled';
    const by = extra.by?.sub ?? RULES_BY;
    const done = await this.pool.statusWith(
      expertId,
      (current): StatusPlan => {
        // Back to the strongest of what is still in force, only where the status is still the one the rules set.
        const next = ending.some((r) => r.value.state === 'in-force') ? afterLift(statusOf(current), owned?.value ?? null, remaining, today) : null;
        const entries: Entry[] = [...extra.entries];
        for (const { value: c } of ending) {
          entries.push({ type: 'rule.lifted', payload: { consequenceId: c.id, expertId, ruleId: c.ruleId, why, ...(extra.objectionId ? { objectionId: extra.objectionId } : {}), changed: next !== null, by } });
        }
        const at = new Date(this.now()).toISOString();
        return {
          status: next,
          reason: why === 'expired' ? 'suspension by rule ended' : why === 'objection' ? `objection ${extra.objectionId} upheld` : 'record no longer stands',
          entries,
          writes: () => [...ending.map(({ value: c }) => consequences.write({ ...c, state, endedAt: at, endedWhy: why })), ...(next ? [ruleStatus.writeAt(expertId, next)] : []), ...extra.writes],
          expects: [...ending.map(({ value: c, raw }) => consequences.expect(c.id, raw)), ruleStatus.expect(expertId, owned?.raw ?? null), ...extra.expects],
        };
      },
      by,
    );
    return done !== null;
  }

  /** The records of disclosed draws that are this expert's and still stand, in log order. */
  private attributable(expertId: string): LoggedRecord[] {
    const out: LoggedRecord[] = [];
    for (const drawId of this.drawsOf.get(expertId) ?? []) {
      const subject = recordSubject(this.vault, drawId, expertId);
      for (const r of this.records.get(drawId) ?? []) {
        if (r.payload.subject !== subject || this.withdrawn.has(r.index)) continue;
        if (r.type === 'record.entered' && (r.payload.recordId === undefined || this.corrected.has(r.payload.recordId) || r.code === null)) continue;
        out.push(r);
      }
    }
    return out.sort((a, b) => a.index - b.index);
  }

  private async consequenceList(): Promise<Array<{ value: ConsequenceRecord; raw: Buffer }>> {
    return (await this.store.listRecords(consequences.collection)).map((r) => ({ value: consequences.decode(r.value), raw: r.value }));
  }

  private async consequencesOf(expertId: string): Promise<ConsequenceRecord[]> {
    return (await this.consequenceList()).map((c) => c.value).filter((c) => c.expertId === expertId);
  }

  private take(index: number, bytes: Buffer): void {
    const type = entryType(bytes);
    if (type === null) return;
    if (type === 'draw.reveal') {
      const { payload } = JSON.parse(bytes.toString('utf8')) as { payload: { drawId: string; result: { groups: Array<{ selected: string[]; alternates: string[] }> }; extension: string[][] } };
      const experts = [...new Set(rankings(payload).flat())];
      this.ranked.set(payload.drawId, experts);
      for (const id of experts) {
        (this.drawsOf.get(id) ?? this.drawsOf.set(id, []).get(id)!).push(payload.drawId);
        this.dirty.add(id);
      }
      return;
    }
    if (!RECORD_TYPES.has(type) && type !== 'record.withdrawn') return;
    const e = JSON.parse(bytes.toString('utf8')) as { time: string; payload: LoggedRecord['payload'] & { withdraws?: number; outcome?: string; code?: string | null } };
    if (type === 'record.withdrawn') this.withdrawn.add(e.payload.withdraws!);
    else {
      const r: LoggedRecord = { index, time: Date.parse(e.time), type, code: codeOf(type, e.payload), payload: e.payload };
      (this.records.get(e.payload.drawId) ?? this.records.set(e.payload.drawId, []).get(e.payload.drawId)!).push(r);
      this.byIndex.set(index, r);
      if (type === 'record.entered' && e.payload.corrects) this.corrected.add(e.payload.corrects);
    }
    // A disclosed draw's record (or its correction) changes what its experts' rules see.
    for (const id of this.ranked.get(e.payload.drawId) ?? []) this.dirty.add(id);
  }

  // ---- Reading -------------------------------------------------------------------------------------------------

  private label(ruleId: string, lang: Lang): string {
    const rule = this.rules.find((r) => r.id === ruleId);
    return rule ? (lang === 'en' ? rule.en : rule.zh) : ruleId;
  }

  private view(c: ConsequenceRecord, lang: Lang): ConsequenceView {
    return {
      id: c.id,
      expertId: c.expertId,
      ruleId: c.ruleId,
      rule: this.label(c.ruleId, lang),
      kind: c.kind,
      records: c.records.map((r) => ({ ...r })),
      from: c.from,
      until: c.until,
      changedStatus: c.set !== null,
      state: c.state,
      appliedAt: c.appliedAt,
      appliedIndex: c.appliedIndex,
      endedAt: c.endedAt,
      endedWhy: c.endedWhy,
      review: c.review ? { ...c.review, reason: this.vault.openJson<string>(reviewContext(c.id), c.review.reason) } : null,
    };
  }

  private objectionView(o: ObjectionRecord): ObjectionView {
    return {
      id: o.id,
      expertId: o.expertId,
      against: o.against,
      reason: this.vault.openJson<string>(objectionContext(o.id), o.reason),
      state: o.state,
      lodgedAt: o.lodgedAt,
      lodgedBy: o.lodgedBy,
      decidedAt: o.decidedAt,
      decidedBy: o.decidedBy,
      decision: o.decision === null ? null : this.vault.openJson<string>(decisionContext(o.id), o.decision),
    };
  }

  /** The consequences in force across the pool, oldest first. */
  async inForce(lang: Lang): Promise<ConsequenceView[]> {
    return (await this.consequenceList())
      .map((c) => c.value)
      .filter((c) => c.state === 'in-force')
      .sort((a, b) => a.appliedIndex - b.appliedIndex)
      .map((c) => this.view(c, lang));
  }

  /** An expert's consequences (every state) and objections, oldest first. */
  async ofExpert(expertId: string, lang: Lang): Promise<{ consequences: ConsequenceView[]; objections: ObjectionView[] }> {
    this.pool.get(expertId);
    const list = (await this.consequencesOf(expertId)).sort((a, b) => a.appliedIndex - b.appliedIndex);
    const mine = (await objections.list(this.store)).map((o) => o.value).filter((o) => o.expertId === expertId).sort((a, b) => a.lodgedIndex - b.lodgedIndex);
    return { consequences: list.map((c) => this.view(c, lang)), objections: mine.map((o) => this.objectionView(o)) };
  }

  /**
   * A pool manager ends a review in force (the flag a score rule sets) with an outcome and a reason. A review imposes no
   * status, so none changes: a sanction the review decides on is taken through the pool (a status, an exit). The records
   * it rests on stay used: they do not raise the same review again.
   */
  async closeReview(id: string, outcome: ReviewOutcome, reason: string, by: TokenClaims, lang: Lang): Promise<ConsequenceView> {
    const found = await consequences.read(this.store, id);
    if (!found) throw new AppError('NOT_FOUND', msg('sanctions.noConsequenceId', { consequence: id }));
    const { value: c, raw } = found;
    if (c.kind !== 'review') throw new AppError('NOT_UNDER_REVIEW', msg('sanctions.notAReview', { consequence: id }));
    if (c.state !== 'in-force') throw new AppError('NOT_UNDER_REVIEW', msg('sanctions.reviewEnded', { consequence: id, state: msg(`consequenceState.${c.state}`) }));
    const sealed = this.vault.sealJson(reviewContext(id), reason);
    const closed: ConsequenceRecord = { ...c, state: 'closed', endedAt: new Date(this.now()).toISOString(), endedWhy: 'reviewed', review: { outcome, reason: sealed, by: by.sub } };
    try {
      await this.log.append(
        'review.closed',
        { consequenceId: id, expertId: c.expertId, ruleId: c.ruleId, outcome, reason: sealed, by: by.sub, role: by.role },
        { writes: [consequences.write(closed)], expects: [consequences.expect(id, raw)] },
      );
    } catch (err) {
      if (err instanceof RecordConflictError) throw new AppError('CONFLICT', msg('sanctions.changed'));
      throw err;
    }
    return this.view(closed, lang);
  }

  // ---- Objections ----------------------------------------------------------------------------------------------

  /**
   * An objection against one of the expert's records (by log index: only records of disclosed draws that still stand
   * are the expert's) or one of their consequences; one per record or consequence. Logged with who lodged it.
   */
  async lodge(expertId: string, against: ObjectionTarget, reason: string, by: ObjectionAuthor): Promise<ObjectionView> {
    this.pool.get(expertId);
    await this.follower.catchUp();
    if ('record' in against) {
      // A record of a sealed draw is answered exactly like one that is not the expert's: nothing tells who was drawn.
      if (!this.attributable(expertId).some((r) => r.index === against.record)) throw new AppError('NOT_FOUND', msg('sanctions.noRecord', { id: expertId, index: against.record }));
    } else {
      const found = await consequences.read(this.store, against.consequence);
      if (!found || found.value.expertId !== expertId) throw new AppError('NOT_FOUND', msg('sanctions.noConsequence', { id: expertId, consequence: against.consequence }));
      if (found.value.state === 'annulled') throw new AppError('CONFLICT', msg('sanctions.annulled', { consequence: against.consequence }));
    }
    // One by the expert and one lodged on their behalf: an objection a pool manager lodged (and rejected) never takes
    // the expert's own from them.
    const key = targetKey(against, by.link !== undefined);
    const earlier = await objectionTargets.read(this.store, key);
    if (earlier) throw new AppError('CONFLICT', msg('sanctions.objectionExists', { objection: earlier.value }));
    const id = `O-${randomUUID()}`;
    const sealed = this.vault.sealJson(objectionContext(id), reason);
    const at = new Date(this.now()).toISOString();
    const record = (lodgedIndex: number): ObjectionRecord => ({ id, expertId, against, reason: sealed, lodgedAt: at, lodgedBy: by.sub, ...(by.linkSentBy ? { linkSentBy: by.linkSentBy } : {}), lodgedIndex, state: 'open', decidedAt: null, decidedBy: null, decision: null });
    try {
      const appended = await this.log.append(
        'objection.lodged',
        { objectionId: id, expertId, against, reason: sealed, by: by.sub, role: by.role, ...(by.link ? { link: by.link } : {}) },
        { writes: (i) => [objections.write(record(i)), objectionTargets.writeAt(key, id)], expects: [objectionTargets.expect(key, null), objections.expect(id, null)] },
      );
      return this.objectionView(record(appended.index));
    } catch (err) {
      if (err instanceof RecordConflictError) throw new AppError('CONFLICT', msg('sanctions.changed'));
      throw err;
    }
  }

  /**
   * A pool manager's decision. Upheld against a record: the record is withdrawn (an appended entry; nothing is
   * overwritten) and every consequence resting on it lifted; against a consequence: it is lifted. Rejected: all stays.
   * One commit, logged with who decided.
   */
  async decide(objectionId: string, upheld: boolean, reason: string, by: TokenClaims): Promise<ObjectionView> {
    const found = await objections.read(this.store, objectionId);
    if (!found) throw new AppError('NOT_FOUND', msg('sanctions.noObjection', { id: objectionId }));
    const { value: o, raw } = found;
    if (o.state !== 'open') throw new AppError('CONFLICT', msg('sanctions.objectionDecided', { id: objectionId }));
    // Two people: who lodged an objection (on the expert's behalf) does not decide it, or one pool manager alone
    // could lift a rule's blacklist that only an upheld objection lifts.
    if (o.lodgedBy === by.sub) throw new AppError('CONFLICT', msg('sanctions.decideOwn', { id: objectionId }));
    if (o.linkSentBy === by.sub) throw new AppError('CONFLICT', msg('sanctions.decideOwnLink', { id: objectionId }));
    await this.follower.catchUp();
    const sealed = this.vault.sealJson(decisionContext(objectionId), reason);
    const decided: ObjectionRecord = { ...o, state: upheld ? 'upheld' : 'rejected', decidedAt: new Date(this.now()).toISOString(), decidedBy: by.sub, decision: sealed };
    const entries: Entry[] = [{ type: 'objection.decided', payload: { objectionId, expertId: o.expertId, upheld, reason: sealed, by: by.sub, role: by.role } }];
    let lifting: string[] = [];
    if (upheld && 'record' in o.against) {
      const index = o.against.record;
      const r = this.byIndex.get(index);
      if (r && !this.withdrawn.has(index)) {
        const { drawId, projectId, group, seat, rank, subject } = r.payload;
        entries.push({ type: 'record.withdrawn', payload: { drawId, projectId, group, seat, rank, subject, withdraws: index, objectionId, by: by.sub } });
      }
      lifting = (await this.consequencesOf(o.expertId)).filter((c) => c.state !== 'annulled' && c.records.some((x) => x.index === index)).map((c) => c.id);
    } else if (upheld && 'consequence' in o.against) lifting = [o.against.consequence];
    try {
      await this.end(o.expertId, lifting, 'objection', localDay(this.now(), this.timeZone), { entries, writes: [objections.write(decided)], expects: [objections.expect(objectionId, raw)], objectionId, by });
    } catch (err) {
      if (err instanceof AppError && err.code === 'CONFLICT') throw new AppError('CONFLICT', msg('sanctions.changed'));
      throw err;
    }
    return this.objectionView(decided);
  }
}
