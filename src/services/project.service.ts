// Projects and their draw schedule: register, reschedule, cancel, each a log entry committed with the project record.
import type { Entry, EntryPayloads, EntryType, ServiceLog } from '../audit/entries.js';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { DEPOSIT_ENTRY_TYPE, MAX_WITNESSES, PLANNED_ENTRY_TYPE } from '../draw/constants.js';
import { nonceHash, witnessCommitment } from '../draw/seed.js';
import { nonceContext } from '../records/draws.js';
import type { TokenClaims } from '../auth/roles.js';
import { requiredAssurance, witnessRule, type AssuranceMinimum, type Policy } from '../domain/policy.js';
import { MAX_BIDDERS, openingInZone, partyConflicts, RegisteredProject, type Project } from '../domain/project.js';
import { DrawRequest } from '../domain/request.js';
import { issueText } from '../i18n/zod-issues.js';
import type { z } from 'zod';
import { checkCommittee } from '../draw/candidates.js';
import { AppError } from '../errors.js';
import { clauses, msg, type Message } from '../i18n/message.js';
import { ACTIVE, depositContext, projectExpected, projects, projectWrites, schedule, scheduleEntry, type PlannedDraw, type ProjectRecord, type ProjectState, type ScheduleEntry } from '../records/projects.js';
import { RecordConflictError, type RecordExpectation, type RecordWrite, type Store } from '../store/store.js';
import { encodeEntry } from '../log/entry.js';
import type { PoolService } from './pool.service.js';

const MINUTE = 60_000;

/** States from which a new bid opening schedules the draw again. */
const RESCHEDULABLE: ReadonlySet<ProjectState> = new Set(['scheduled', 'missed', 'failed']);

export interface Registration {
  readonly project: Project;
  readonly request: DrawRequest;
  readonly name: string | null;
  readonly venue: string | null;
  readonly leadTimeMinutes: number | undefined;
  /** The remote site registering its own project (from its token); absent: the centre's project. */
  readonly site?: string;
  /** The assurance the project asks of its draw, above the policy's minimum; absent: the policy's. */
  readonly assurance?: AssuranceMinimum;
}

/**
 * The project and its request as the route's schema checks them, checked again: a caller inside the process (the
 * demo, a benchmark, a test) cannot log a registration that the entry catalogue refuses, such as a group of 199.
 */
function checkRegistration(r: Registration): void {
  const issues = [...issuesIn('project', RegisteredProject.safeParse(r.project).error), ...issuesIn('request', DrawRequest.safeParse(r.request).error)];
  if (issues.length > 0) throw new AppError('INVALID_INPUT', msg('http.invalidRequest'), { issues });
}

/** A schema's issues as a route's validation error lists them: where, at which path, and what is wrong. */
function issuesIn(part: 'project' | 'request', error: z.ZodError | undefined) {
  return (error?.issues ?? []).map((i) => ({ in: part, path: `/${i.path.map(String).join('/')}`, message: issueText(i) }));
}

export interface ProjectServiceOptions {
  /** A beacon is configured (EXPERT_DRAW_BEACON_URL): projects may need beacon assurance. */
  readonly beacon?: boolean;
  /** Seals a planned draw's nonce and the witnesses' secrets: without it, no project can need `witnessed` assurance. */
  readonly vault?: PersonalDataVault;
  /**
   * The centre's zone (EXPERT_DRAW_TIME_ZONE): every bid opening is written in it, so that the day a draw reads for
   * availability and suspensions is the centre's, whatever offset a client sent. Unset: kept as written.
   */
  readonly timeZone?: string;
}

/** A witness's receipt for a deposit: where its commitment is in the log, so that they can find it in the draw's commit. */
export interface DepositReceipt {
  readonly projectId: string;
  readonly drawId: string;
  readonly index: number;
  readonly commitment: string;
  readonly depositsCloseAt: string;
}

/** A plan's public face: everything but the sealed nonce and secrets. */
export function planView(plan: PlannedDraw): { drawId: string; planIndex: number; nonceHash: string; depositsCloseAt: string; witnesses: PlannedDraw['witnesses']; deposits: Array<{ index: number; witness: { user: string; role: string }; commitment: string }> } {
  return {
    drawId: plan.drawId,
    planIndex: plan.index,
    nonceHash: plan.nonceHash,
    depositsCloseAt: plan.depositsCloseAt,
    witnesses: plan.witnesses,
    deposits: plan.deposits.map((d) => ({ index: d.index, witness: { ...d.witness }, commitment: d.commitment })),
  };
}

export class ProjectService {
  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly pool: PoolService,
    readonly policy: Policy,
    private readonly now: () => number,
    private readonly options: ProjectServiceOptions = {},
  ) {}

  /** The assurance a project's draw must reach; ASSURANCE_UNAVAILABLE when that is `beacon` and none is configured. */
  assuranceFor(asked: AssuranceMinimum | undefined): AssuranceMinimum {
    const level = requiredAssurance(this.policy, asked);
    if (level === 'beacon' && !this.options.beacon) throw new AppError('ASSURANCE_UNAVAILABLE', msg('beacon.notConfigured'), { required: level });
    if (level === 'witnessed' && !this.options.vault) throw new AppError('ASSURANCE_UNAVAILABLE', msg('witness.noVault'), { required: level });
    return level;
  }

  /**
   * A witnessed project's plan (§6.2), drawn now: the draw id and nonce its draw will use, sealed, with deposits open
   * until the draw is due. The draw.planned entry is the one at `index`: the caller appends it right after its own.
   */
  private newPlan(drawAt: string, index: number, sealedNonce: string, drawId: string, hash: string): PlannedDraw {
    return { drawId, index, nonceHash: hash, sealedNonce, depositsCloseAt: drawAt, witnesses: witnessRule(this.policy), deposits: [] };
  }

  /** Draws a plan's nonce and draw id, and its entry (§6.2); null when the project's draw is not `witnessed`. */
  private planFor(projectId: string, asked: AssuranceMinimum | undefined, drawAt: string, replaces: string | undefined): { entry: Entry; plan: (index: number) => PlannedDraw } | null {
    if (this.assuranceFor(asked) !== 'witnessed') return null;
    const drawId = `D-${randomUUID()}`;
    const nonce = randomBytes(32);
    const hash = nonceHash(nonce);
    const sealedNonce = this.options.vault!.sealJson(nonceContext(drawId), nonce.toString('hex'));
    const rule = witnessRule(this.policy);
    return {
      entry: { type: PLANNED_ENTRY_TYPE, payload: { projectId, drawId, nonceHash: hash, depositsCloseAt: drawAt, witnesses: { required: rule.required, onShort: rule.onShort }, ...(replaces ? { replaces } : {}) } },
      plan: (index) => this.newPlan(drawAt, index, sealedNonce, drawId, hash),
    };
  }

  /** A bid opening as the service writes it: in the centre's zone (ProjectServiceOptions.timeZone), else as sent. */
  private inCentreZone(bidOpeningAt: string): string {
    return this.options.timeZone ? openingInZone(bidOpeningAt, this.options.timeZone) : bidOpeningAt;
  }

  /** The schedule rules of a bid opening and a lead time, each broken one named (SCHEDULE_RULES). */
  private checkSchedule(opening: number, lead: number): void {
    const broken: Message[] = [];
    if (lead > this.policy.maxLeadTimeMinutes) broken.push(msg('project.leadTooLong', { lead, max: this.policy.maxLeadTimeMinutes }));
    if (opening <= this.now()) broken.push(msg('project.openingPast'));
    // Inside the lead time the draw runs at once; the experts still need their whole time to answer, and a minute. So
    // does a draw on schedule: a lead time shorter than that calls experts who cannot answer before bid opening.
    const notice = this.policy.responseDeadlineMinutes + 1;
    if (lead < notice) broken.push(msg('project.leadTooShort', { lead, minutes: notice, answer: this.policy.responseDeadlineMinutes }));
    if (opening > this.now() && opening - this.now() < notice * MINUTE) broken.push(msg('project.openingTooSoon', { minutes: notice, answer: this.policy.responseDeadlineMinutes }));
    if (broken.length > 0) throw new AppError('SCHEDULE_RULES', msg('project.scheduleRules', { rules: clauses(broken) }), { rules: broken });
  }

  /** Validates the schedule and the committee, then records the project and its due draw. */
  async register(asSent: Registration, by: TokenClaims): Promise<ProjectRecord> {
    const r = { ...asSent, project: { ...asSent.project, bidOpeningAt: this.inCentreZone(asSent.project.bidOpeningAt) } };
    checkRegistration(r);
    const lead = r.leadTimeMinutes ?? this.policy.leadTimeMinutes;
    const opening = Date.parse(r.project.bidOpeningAt);
    this.checkSchedule(opening, lead);
    checkCommittee(r.request, this.policy);
    this.assuranceFor(r.assurance);
    const index = this.pool.current();
    const unknown = [...new Set(r.request.groups.map((g) => g.specialty))].filter((s) => index.candidatesFor(s).length === 0);
    if (unknown.length > 0) throw new AppError('UNKNOWN_SPECIALTY', msg('project.unknownSpecialties', { specialties: unknown }), { specialties: unknown });
    const record: ProjectRecord = {
      project: r.project,
      request: r.request,
      name: r.name,
      venue: r.venue,
      leadTimeMinutes: lead,
      // Registered inside the lead time: due now (drawn at the scheduler's next pass), never a time in the past.
      drawAt: new Date(Math.max(opening - lead * MINUTE, this.now())).toISOString(),
      state: 'scheduled',
      drawId: null,
      revision: 1,
      updatedAt: new Date(this.now()).toISOString(),
      ...(r.site ? { site: r.site } : {}),
      ...(r.assurance ? { assurance: r.assurance } : {}),
    };
    // The log holds what the draw will read about the project, and a hash of the request (the groups).
    const payload = { project: r.project, requestHash: createHash('sha256').update(JSON.stringify(r.request)).digest('hex'), request: r.request, leadTimeMinutes: lead, drawAt: record.drawAt, ...(r.site ? { site: r.site } : {}), ...(r.assurance ? { assurance: r.assurance } : {}), by: by.sub };
    // A witnessed project's draw is planned now: its nonce committed (draw.planned) before any witness acts.
    const planned = this.planFor(r.project.id, r.assurance, record.drawAt, undefined);
    if (!planned) {
      await this.write('project.registered', payload, record, null, msg('project.exists', { id: r.project.id }));
      return record;
    }
    return this.writeAll([{ type: 'project.registered', payload }, planned.entry], (first) => ({ ...record, plan: planned.plan(first + 1) }), null, msg('project.exists', { id: r.project.id }));
  }

  async get(id: string): Promise<{ record: ProjectRecord; raw: Buffer }> {
    const found = await projects.read(this.store, id);
    if (!found) throw new AppError('NOT_FOUND', msg('project.notFound', { id }));
    return { record: found.value, raw: found.raw };
  }

  async all(): Promise<ProjectRecord[]> {
    return (await projects.list(this.store)).map((r) => r.value);
  }

  /** Projects whose draw is ahead or running (the scheduler's index). */
  async active(): Promise<ScheduleEntry[]> {
    return (await schedule.list(this.store)).map((r) => r.value);
  }

  /**
   * At start: a project whose draw is ahead or running but has no schedule entry (data written before the index
   * existed) gets one. Entries are otherwise written only with the project, in its transaction.
   */
  async indexSchedule(): Promise<number> {
    const indexed = new Set(await schedule.keys(this.store));
    let added = 0;
    for (const p of await this.all()) {
      if (!ACTIVE.has(p.state) || indexed.has(p.project.id)) continue;
      await schedule.putUnlogged(this.store, p.project.id, scheduleEntry(p));
      added++;
    }
    return added;
  }

  /**
   * A new bid opening time moves the draw with it. Before the draw ran; or after it was missed (downtime past
   * opening) or failed (e.g. the pool could not fill a group), when the opening is postponed: the project is scheduled
   * again, and its next draw names the failed one it follows.
   */
  async reschedule(id: string, sent: string, reason: string, by: TokenClaims): Promise<ProjectRecord> {
    const bidOpeningAt = this.inCentreZone(sent);
    const { record, raw } = await this.get(id);
    if (!RESCHEDULABLE.has(record.state)) throw new AppError('CONFLICT', msg('project.notReschedulable', { id, state: msg(`projectState.${record.state}`) }));
    const opening = Date.parse(bidOpeningAt);
    // A scheduled project "postponed" to its own time would change nothing but its plan: a witnessed project's deposits
    // would be voided by the operator alone (an outside audit, stop 43). Refused.
    if (record.state === 'scheduled' && opening === Date.parse(record.project.bidOpeningAt)) throw new AppError('CONFLICT', msg('project.sameOpening', { id, at: record.project.bidOpeningAt }));
    // The rules of a registration: a new opening too soon would draw at once and call experts who cannot answer in time.
    this.checkSchedule(opening, record.leadTimeMinutes);
    const next: ProjectRecord = {
      ...record,
      project: { ...record.project, bidOpeningAt },
      drawAt: new Date(opening - record.leadTimeMinutes * MINUTE).toISOString(),
      state: 'scheduled',
      revision: record.revision + 1,
      updatedAt: new Date(this.now()).toISOString(),
    };
    const payload = { id, from: record.project.bidOpeningAt, to: bidOpeningAt, drawAt: next.drawAt, ...(record.state !== 'scheduled' ? { rearmed: record.state } : {}), reason, by: by.sub };
    // A witnessed project gets a new plan, logged, naming the one it replaces: the old plan's deposits do not carry over.
    const planned = this.planFor(id, record.assurance, next.drawAt, record.plan?.drawId);
    if (!planned) {
      await this.write('project.rescheduled', payload, next, raw);
      return next;
    }
    return this.writeAll([{ type: 'project.rescheduled', payload }, planned.entry], (first) => ({ ...next, plan: planned.plan(first + 1) }), raw);
  }

  async cancel(id: string, reason: string, by: TokenClaims): Promise<ProjectRecord> {
    const { record, raw } = await this.get(id);
    if (record.state === 'drawn' || record.state === 'drawing' || record.state === 'cancelled') {
      throw new AppError('CONFLICT', msg('project.notCancellable', { id, state: msg(`projectState.${record.state}`) }));
    }
    const { plan, ...rest } = record;
    const next: ProjectRecord = { ...rest, state: 'cancelled', revision: record.revision + 1, updatedAt: new Date(this.now()).toISOString() };
    // Cancelling ends a plan, and says so: its draw id will never be drawn.
    await this.write('project.cancelled', { id, from: record.state, reason, ...(plan ? { endsPlan: plan.drawId } : {}), by: by.sub }, next, raw);
    return next;
  }

  /**
   * The cancellation of a drawn project, not committed: its entry, the record's writes and the expectation that it is
   * as read. The roster service commits them with the withdrawal of the draw's calls (RosterService.cancelProject).
   */
  cancellationOfDrawn(record: ProjectRecord, raw: Buffer, reason: string, by: TokenClaims): { entry: Entry; writes: RecordWrite[]; expects: RecordExpectation[] } {
    const next: ProjectRecord = { ...record, state: 'cancelled', revision: record.revision + 1, updatedAt: new Date(this.now()).toISOString() };
    const entry: Entry = { type: 'project.cancelled', payload: { id: record.project.id, from: record.state, reason, ...(record.drawId ? { withdrawsDraw: record.drawId } : {}), by: by.sub } };
    return { entry, writes: projectWrites(next), expects: [projectExpected(record.project.id, raw)] };
  }

  /**
   * Bidders made known after registration: check-in re-checks every expert against them. Before any draw of the
   * project has run (scheduled, or failed or missed and not drawn since) they join the project's own bidders, so that
   * the draw excludes their people and commits to them; once a draw is running or done, its commit stands and they
   * are kept beside it (`knownBidders`).
   */
  async addBidders(id: string, bidders: readonly string[], by: TokenClaims): Promise<ProjectRecord> {
    const { record, raw } = await this.get(id);
    if (record.state === 'cancelled') throw new AppError('CONFLICT', msg('project.cancelled', { id }));
    const conflicts = partyConflicts({ tenderer: record.project.tenderer, agency: record.project.agency, bidders: [...bidders] });
    const issues = conflicts.map((c) => ({ in: 'body', path: `/${c.path.join('/')}`, message: issueText({ code: 'custom', message: c.message }) }));
    if (issues.length > 0) throw new AppError('INVALID_INPUT', msg('http.invalidBody'), { issues });
    const known = [...new Set([...(record.knownBidders ?? []), ...bidders])].sort();
    const undrawn = record.state === 'scheduled' || record.state === 'failed' || record.state === 'missed';
    // A planned draw with deposits has its inputs fixed for the witnesses: new bidders would change the commit, and so
    // the seed, once more for whoever can open the deposits. After the draw they are kept beside it, as for any draw.
    const added = bidders.some((b) => !record.project.bidders.includes(b));
    if (undrawn && added && (record.plan?.deposits.length ?? 0) > 0) throw new AppError('CONFLICT', msg('witness.biddersAfterDeposits', { id }));
    const parties = undrawn ? [...new Set([...record.project.bidders, ...bidders])].sort() : record.project.bidders;
    if (parties.length > MAX_BIDDERS) throw new AppError('INVALID_INPUT', msg('project.tooManyBidders', { max: MAX_BIDDERS }));
    const next: ProjectRecord = { ...record, project: { ...record.project, bidders: parties }, knownBidders: known, revision: record.revision + 1, updatedAt: new Date(this.now()).toISOString() };
    await this.write('project.bidders', { id, bidders: [...bidders].sort(), by: by.sub }, next, raw);
    return next;
  }

  /** The draw came too late (downtime): visible as missed, for an operator to resolve. */
  async markMissed(id: string): Promise<void> {
    const { record, raw } = await this.get(id);
    if (record.state !== 'scheduled') return;
    const next: ProjectRecord = { ...record, state: 'missed', revision: record.revision + 1, updatedAt: new Date(this.now()).toISOString() };
    await this.write('draw.missed', { projectId: id, drawAt: record.drawAt, bidOpeningAt: record.project.bidOpeningAt, at: new Date(this.now()).toISOString() }, next, raw).catch((err: unknown) => {
      // Another instance changed the project first (drew it, or marked it): nothing to do.
      if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err;
    });
  }

  /**
   * A witness deposits a secret for the project's planned draw (§6.2): logged as its commitment, the secret sealed until
   * the draw. Before the plan closes, once per witness per plan. The secret is never in an answer, a log line or an error.
   */
  async deposit(id: string, secretHex: string, by: TokenClaims): Promise<DepositReceipt> {
    const vault = this.options.vault;
    for (let attempt = 0; ; attempt++) {
      const { record, raw } = await this.get(id);
      const plan = record.plan;
      // A project drawn (or ended) since its plan was made: the deposits closed with the draw.
      if (!plan && record.drawId !== null && this.assuranceFor(record.assurance) === 'witnessed') throw new AppError('DEPOSITS_CLOSED', msg('witness.usedUp', { id, draw: record.drawId, state: msg(`projectState.${record.state}`) }));
      if (!plan || !vault || (record.state !== 'scheduled' && record.state !== 'drawing')) throw new AppError('NOT_PLANNED', msg('witness.notPlanned', { id }));
      if (record.state === 'drawing' || this.now() >= Date.parse(plan.depositsCloseAt)) throw new AppError('DEPOSITS_CLOSED', msg('witness.closed', { id, closeAt: plan.depositsCloseAt }));
      if (plan.deposits.some((d) => d.witness.user === by.sub)) throw new AppError('ALREADY_DEPOSITED', msg('witness.already', { id, draw: plan.drawId }));
      // A commit holds at most MAX_WITNESSES commitments (EntropyPlan).
      if (plan.deposits.length >= MAX_WITNESSES) throw new AppError('DEPOSITS_CLOSED', msg('witness.full', { id, max: MAX_WITNESSES }));
      const secret = Buffer.from(secretHex, 'hex');
      const commitment = witnessCommitment(secret);
      // Two witnesses with one secret are one witness; all zeros is no secret. Said without naming whose it was.
      if (secret.every((b) => b === 0) || plan.deposits.some((d) => d.commitment === commitment)) throw new AppError('CONFLICT', msg('witness.sameSecret'));
      const witness = { user: by.sub, role: by.role };
      const sealedSecret = vault.sealJson(depositContext(plan.drawId, by.sub), secretHex);
      const deposited = (index: number): ProjectRecord => ({ ...record, plan: { ...plan, deposits: [...plan.deposits, { index, witness, commitment, sealedSecret }] }, revision: record.revision + 1, updatedAt: new Date(this.now()).toISOString() });
      let time = '';
      try {
        const appended = await this.log.appendWith(
          (prev, t) => {
            time = t;
            return encodeEntry({ type: DEPOSIT_ENTRY_TYPE, time: t, prev, payload: { projectId: id, drawId: plan.drawId, witness, commitment } });
          },
          { writes: (index) => projectWrites(deposited(index)), expects: [projectExpected(id, raw)] },
        );
        // Counted only when its entry is logged before the close (§6.2): the draw reads each entry's time. One that the
        // clock put at or after the close stays in the log, not counted, and its witness is told so.
        if (time >= plan.depositsCloseAt) throw new AppError('DEPOSITS_CLOSED', msg('witness.closed', { id, closeAt: plan.depositsCloseAt }));
        return { projectId: id, drawId: plan.drawId, index: appended.index, commitment, depositsCloseAt: plan.depositsCloseAt };
      } catch (err) {
        // Another witness deposited, or the project changed, meanwhile: read it again and decide again.
        if (err instanceof RecordConflictError && attempt < 5) continue;
        if (err instanceof RecordConflictError) throw new AppError('CONFLICT', msg('project.changed', { id }));
        throw err;
      }
    }
  }

  /** Several entries and the new project record (built from the first entry's index), expecting the record as read. */
  private async writeAll(items: ReadonlyArray<Entry>, next: (firstIndex: number) => ProjectRecord, expected: Buffer | null, conflict?: Message): Promise<ProjectRecord> {
    let written: ProjectRecord | null = null;
    try {
      await this.log.appendAll(items, { writes: (first) => projectWrites((written = next(first))), expects: [projectExpected(next(0).project.id, expected)] });
    } catch (err) {
      if (err instanceof RecordConflictError) throw new AppError('CONFLICT', conflict ?? msg('project.changed', { id: next(0).project.id }));
      throw err;
    }
    return written!;
  }

  /** One entry and the new project record, expecting the record as read (null: must not exist yet). */
  private async write<T extends EntryType>(type: T, payload: EntryPayloads[T], next: ProjectRecord, expected: Buffer | null, conflict?: Message): Promise<void> {
    try {
      await this.log.append(type, payload, { writes: projectWrites(next), expects: [projectExpected(next.project.id, expected)] });
    } catch (err) {
      if (err instanceof RecordConflictError) throw new AppError('CONFLICT', conflict ?? msg('project.changed', { id: next.project.id }));
      throw err;
    }
  }
}
