// After a draw: calling the selected experts, their answers, timeouts and promotions, check-in at the venue, and the
// two-person unseal. The roster names experts, so it is sealed at rest (vault); every transition is a log entry that
// names seats and ranks only. A change commits the entries, the new sealed roster, its messages and response tokens
// in one transaction that expects the roster as it was read (so two instances cannot both move a seat).
import type { Entry, ServiceLog } from '../audit/entries.js';
import { timingSafeEqual } from 'node:crypto';
import { sha256, sha256Hex } from '../crypto/canonical.js';
import type { TokenClaims } from '../auth/roles.js';
import { callTemplate, cancelText, localTime } from '../calls/text.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { recordsPolicy, type Policy } from '../domain/policy.js';
import { conflictContext, expertExclusions, type ExclusionCode } from '../draw/conflicts.js';
import { EMPTY_HISTORY } from '../draw/history.js';
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
import * as R from '../roster/roster.js';
import { factsOf, noShowCalls, noShowDue, type RecordFact } from '../roster/performance.js';
import { NO_SHOW_SETTLED, noShowWatch, recordSubject } from '../records/performance.js';
import { RecordConflictError, type RecordExpectation, type RecordWrite, type Store } from '../store/store.js';
import type { OutboxService, Queued } from './outbox.service.js';
import type { PoolService } from './pool.service.js';
import type { ProjectService } from './project.service.js';
import { awaitingRosterClear } from '../records/draws.js';
import type { ProjectRecord } from '../records/projects.js';
import { batchOfToken, newBatchTokens } from '../records/outbox.js';
import { checkinBlocks, checkinMisses, rosterDeadlines, rosters, seatDayKey, seatDays, unseals, type RosterRecord, type UnsealRecord } from '../records/rosters.js';
import { withdrawal } from '../records/selections.js';

/** Both approvals of an unseal must fall within this window. */
export const UNSEAL_WINDOW_MS = 10 * 60_000;
/** Unmatched ID numbers a check-in terminal may send in CHECKIN_WINDOW_MS before it is refused for a while. */
const CHECKIN_MISSES = 10;
const CHECKIN_WINDOW_MS = 10 * 60_000;
/** The exclusion codes that pass an alternate over (see passOver): the project's parties, rules 1–3. */
const PARTY_CONFLICTS: ReadonlySet<string> = new Set(['EMPLOYER_IS_TENDERER', 'EMPLOYER_IS_AGENCY', 'EMPLOYER_IS_BIDDER', 'EMPLOYER_IS_AVOIDED', 'POSITION_AT_PARTY', 'RELATIVE_POSITION_AT_PARTY']);
/** Random bytes of a response token's secret (120 bits; 20 base64url characters after the batch id). */
const TOKEN_SECRET_BYTES = 15;

/** A draw's unseal as the API shows it. */
export interface UnsealView {
  readonly approvals: Array<{ role: string; at: string }>;
  /** When the second approval opened the whole list. */
  readonly openedAt: string | null;
}

/** What a check-in terminal learns: one expert's assignment. */
export interface Assignment {
  readonly expertId: string;
  readonly name: string;
  readonly specialty: string;
  readonly group: number;
  readonly seat: number;
  readonly venue: string | null;
  readonly bidOpeningAt: string;
}

export interface RosterSettings {
  /** Base of the response links sent to experts, e.g. https://draw.example.gov.cn */
  readonly publicUrl: string;
  /** Zone the experts read times in. */
  readonly timeZone: string;
  /**
   * Whether a remote site is served (registered and not revoked). A revoked site's desk checks nobody in, so its seats
   * that end are not passed on to further experts; absent: every site is.
   */
  readonly siteServed?: (siteId: string) => Promise<boolean>;
}

/**
 * A call as its answer page shows it. `checked-in`: the expert has come (whether or not they had answered the link);
 * `busy`: accepted while seated elsewhere that day, so passed on; `cancelled`: withdrawn with its project; `expired`:
 * the deadline passed with no answer (the seat may still be waiting for the timeout pass); `superseded`: timed out and
 * the seat called the next ranked expert; `closed`: no longer open for any other reason (undelivered, refused at
 * check-in).
 */
export interface CallView {
  readonly state: 'waiting' | 'accepted' | 'checked-in' | 'busy' | 'cancelled' | 'declined' | 'expired' | 'superseded' | 'closed';
  readonly deadline: string;
  readonly answeredAt: string | null;
  readonly bidOpeningAt: string;
  readonly venue: string | null;
}

/** Entries that move one seat's call. */
type SeatChange = 'call.accepted' | 'call.declined' | 'call.busy' | 'call.timeout' | 'call.undelivered' | 'checkin.admitted' | 'checkin.refused';

/** The entry of a call the expire pass ends: its message given up, or its deadline passed. */
const endedBy = (c: R.Call): SeatChange => (c.state === 'undelivered' ? 'call.undelivered' : 'call.timeout');

export class RosterService {
  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly pool: PoolService,
    private readonly projects: ProjectService,
    private readonly outbox: OutboxService,
    private readonly vault: PersonalDataVault,
    private readonly policy: Policy,
    private readonly settings: RosterSettings,
    private readonly now: () => number,
  ) {}

  /** Answers and check-ins under way per draw, and check-ins per terminal, on this instance, each after the one before. */
  private readonly turns = new Map<string, Promise<unknown>>();

  /**
   * Runs `fn` after every answer or check-in of the same draw that this instance started before it. They all rewrite
   * the draw's one roster record: at the same moment, dozens of them would each lose the race to another and run out
   * of retries (409). In turn, each reads the roster the one before wrote; only another instance's write still races,
   * and the retries take that.
   */
  private inTurn<T>(drawId: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.turns.get(drawId) ?? Promise.resolve()).then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(drawId, settled);
    void settled.then(() => {
      if (this.turns.get(drawId) === settled) this.turns.delete(drawId);
    });
    return run;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** At start: rosters with an open call but no deadline entry (data written before the index existed) get one. */
  async indexDeadlines(): Promise<number> {
    const indexed = new Set(await rosterDeadlines.keys(this.store));
    let added = 0;
    for (const { key, value } of await rosters.list(this.store)) {
      const due = value.nextDeadline;
      if (due === null || indexed.has(key)) continue;
      await rosterDeadlines.putUnlogged(this.store, key, due);
      added++;
    }
    return added;
  }

  /**
   * The roster right after a draw: every selected expert is called. Does nothing if it exists already (the commit
   * expects no roster, so a second start — another instance, a catch-up — writes nothing).
   */
  async start(drawId: string, project: ProjectRecord, groups: ReadonlyArray<{ specialty: string; count: number; ranking: readonly string[] }>): Promise<void> {
    const { entries, state } = this.opening(drawId, project, groups);
    await this.log.appendAll(entries, state).catch((err: unknown) => {
      if (!(err instanceof RecordConflictError)) throw err;
    });
  }

  /**
   * The roster's first write without committing it: its `calls.placed` entry and its records (roster, deadline,
   * the outbox batch with the response tokens' hashes), expecting no roster yet. The draw commits them with its result.
   */
  opening(drawId: string, project: ProjectRecord, groups: ReadonlyArray<{ specialty: string; count: number; ranking: readonly string[] }>): { entries: Entry[]; state: { writes: RecordWrite[]; expects: RecordExpectation[] } } {
    const { roster, calls } = R.initialRoster(drawId, project.project.id, groups);
    const placed = this.place(roster, project, calls);
    return { entries: placed.entries, state: this.stateOf(null, placed.roster, placed.writes) };
  }

  /** An expert's answer through the single-use link of their call. Says nothing about the project. */
  async respond(token: string, accept: boolean): Promise<{ answer: 'accept' | 'decline'; state: R.CallState }> {
    return this.inTurn((await this.link(token)).drawId, () => this.respondInTurn(token, accept));
  }

  private async respondInTurn(token: string, accept: boolean): Promise<{ answer: 'accept' | 'decline'; state: R.CallState }> {
    for (let attempt = 0; ; attempt++) {
      const link = await this.link(token);
      const { roster, raw } = await this.read(link.drawId);
      const call = roster.calls.find((c) => c.messageId === link.messageId);
      // A call withdrawn with its cancelled project says so, whatever its deadline (as the answer page does).
      if (call?.state === 'withdrawn') throw new AppError('GONE', msg('call.cancelled'));
      // The roster is the truth about a call: an answer is given once (the commit expects the roster as read). The same
      // answer again — a gateway retrying after a crash cut off the first reply — is told what was recorded, deadline
      // or not (an outside audit's retries got 410 and could not tell their answers had landed); another answer is refused.
      const answered = call?.state === 'accepted' || call?.state === 'declined' || call?.state === 'checked-in' || call?.state === 'busy';
      if (answered && (call.state === 'declined') !== accept) return { answer: accept ? 'accept' : 'decline', state: call.state };
      if (answered) throw new AppError('CONFLICT', msg('call.answered'));
      if (link.expiresAt <= this.iso()) throw new AppError('GONE', msg('call.deadlinePassed'));
      const { record: project } = await this.projects.get(roster.projectId);
      // One evaluation a day: an acceptance by an expert who holds a seat of another evaluation that day passes this
      // seat on instead (docs/calls.md). The day is claimed in the acceptance's commit, expecting it as read.
      const day = accept && call ? await this.seatDay(call.expertId, project, roster.drawId) : null;
      let step: R.Transition;
      const at = this.iso();
      try {
        step = R.answer(roster, link.messageId, accept, at, day?.busy === true, this.passOver(project));
      } catch (err) {
        if (err instanceof R.RosterError) throw new AppError('GONE', msg('call.closed'));
        throw err;
      }
      const taken = accept && day?.busy !== true;
      const next = this.transition(step, project, !accept ? 'call.declined' : taken ? 'call.accepted' : 'call.busy', at, { calls: await this.mayCall(project) });
      // An accepted call is watched until the no-show time (one small index write, not on the draw's path).
      if (taken) next.writes.push(noShowWatch.writeAt(roster.drawId, this.noShowDue(project)), ...(day ? [day.write] : []));
      try {
        await this.commit(raw, next.roster, next.entries, next.writes, taken && day ? [day.expect] : []);
      } catch (err) {
        if (err instanceof RecordConflictError && attempt < 5) continue;
        throw err instanceof RecordConflictError ? new AppError('CONFLICT', msg('call.changed')) : err;
      }
      const changed = step.changed[0]!;
      return { answer: accept ? 'accept' : 'decline', state: changed.state };
    }
  }

  /**
   * The expert's evaluation day for this project (the local date of its bid opening): busy when a seat of another draw
   * holds it; else the write that claims it and the expectation that nobody claimed it meanwhile.
   */
  private async seatDay(expertId: string, project: ProjectRecord, drawId: string): Promise<{ busy: boolean; write: RecordWrite; expect: RecordExpectation }> {
    const key = seatDayKey(this.vault, expertId, localTime(new Date(project.project.bidOpeningAt), this.settings.timeZone).date);
    const held = await seatDays.read(this.store, key);
    return { busy: held !== null && held.value !== drawId, write: seatDays.writeAt(key, drawId), expect: seatDays.expect(key, held?.raw ?? null) };
  }

  /**
   * Cancels a project (POST /v1/projects/{id}/cancel). A drawn project can be cancelled until its bid opening: in one
   * commit it is cancelled, every call still open or accepted is withdrawn (`call.withdrawn`, no record: nobody's
   * fault), each of those experts is sent a notice naming the time and place it withdraws, the days they accepted are
   * free again, and nobody will be recorded as a no-show. Any other project is the project service's to cancel.
   */
  async cancelProject(id: string, reason: string, by: TokenClaims): Promise<ProjectRecord> {
    for (let attempt = 0; ; attempt++) {
      const { record, raw } = await this.projects.get(id);
      if (record.state !== 'drawn' || record.drawId === null) return this.projects.cancel(id, reason, by);
      // From bid opening the evaluation is under way: it is ended by those present, not withdrawn from here.
      if (this.now() >= Date.parse(record.project.bidOpeningAt)) throw new AppError('CONFLICT', msg('project.openedNotCancellable', { id }));
      const drawId = record.drawId;
      const { roster, raw: rosterRaw } = await this.read(drawId);
      const { roster: after, withdrawn } = R.withdraw(roster);
      const cancellation = this.projects.cancellationOfDrawn(record, raw, reason, by);
      // A notice goes to those whose call reached them; a call not sent yet is stopped instead, so that an invitation
      // never arrives after (or without) the notice that withdraws it.
      const states = await this.outbox.states(withdrawn.map((c) => c.messageId));
      const told = withdrawn.filter((c) => states.get(c.messageId) === 'sent');
      const stopped = await this.outbox.stopPending(withdrawn.map((c) => c.messageId).filter((m) => states.get(m) === 'pending'));
      const { batchId } = newBatchTokens(0, TOKEN_SECRET_BYTES);
      const notice = cancelText({ venue: record.venue ?? '评标室', bidOpeningAt: record.project.bidOpeningAt, timeZone: this.settings.timeZone });
      const noticeOf = new Map(told.map((c, i) => [c.messageId, `M-${batchId}.${i}`]));
      const queued: Queued[] = told.map((c) => ({ messageId: noticeOf.get(c.messageId)!, expertId: c.expertId, responseUrl: null, expiresAt: null, tokenHash: null }));
      const entries: Entry[] = [
        cancellation.entry,
        ...withdrawn.map((c): Entry => ({ type: 'call.withdrawn', payload: { drawId, group: c.group, seat: c.seat, rank: c.rank, messageId: c.messageId, noticeId: noticeOf.get(c.messageId) ?? null } })),
      ];
      // The days the accepted experts held for this evaluation are theirs again.
      const date = localTime(new Date(record.project.bidOpeningAt), this.settings.timeZone).date;
      const freed: RecordWrite[] = [];
      for (const c of withdrawn.filter((x) => x.answeredAt !== null)) {
        const key = seatDayKey(this.vault, c.expertId, date);
        if ((await seatDays.read(this.store, key))?.value === drawId) freed.push(seatDays.remove(key));
      }
      const writes = [...cancellation.writes, ...this.outbox.queue(batchId, drawId, 'cancel', { before: notice, after: '' }, queued), ...stopped.writes, noShowWatch.writeAt(drawId, null), ...freed];
      // The draw's experts never sit: from the cancellation's own log index on, its selections count for no cap.
      const state = this.stateOf(rosterRaw, after, writes, [...cancellation.expects, ...stopped.expects]);
      try {
        await this.log.appendAll(entries, { expects: state.expects, writes: (first) => [...state.writes, withdrawal(drawId, first)] });
      } catch (err) {
        // An answer or a delivery came first: look again.
        if (err instanceof RecordConflictError && attempt < 5) continue;
        if (err instanceof RecordConflictError) throw new AppError('CONFLICT', msg('project.changed', { id }));
        throw err;
      }
      return (await this.projects.get(id)).record;
    }
  }

  /** The call a response token opens: its batch (the token's first characters) holds the token's hash. */
  private async link(token: string): Promise<{ drawId: string; messageId: string; expiresAt: string }> {
    const found = await this.findLink(token);
    if (!found) throw new AppError('NOT_FOUND', msg('call.linkInvalid'));
    return found;
  }

  private async findLink(token: string): Promise<{ drawId: string; messageId: string; expiresAt: string } | null> {
    const batch = await this.outbox.batch(batchOfToken(token));
    const hash = sha256(token);
    const message = batch?.messages.find((m) => m.tokenHash !== null && timingSafeEqual(Buffer.from(m.tokenHash, 'hex'), hash));
    // A record link's batch is about no draw: its token opens no call.
    if (!batch || batch.drawId === null || !message?.expiresAt) return null;
    return { drawId: batch.drawId, messageId: message.messageId, expiresAt: message.expiresAt };
  }

  /** What the answer page of a response link shows (null: no such link). Time and place only, never the project. */
  async callView(token: string): Promise<CallView | null> {
    const t = await this.findLink(token);
    if (!t) return null;
    const { roster } = await this.read(t.drawId);
    const call = roster.calls.find((c) => c.messageId === t.messageId);
    if (!call) return null;
    const { record: project } = await this.projects.get(roster.projectId);
    const current = R.currentCall(roster, call.group, call.seat) === call;
    // The link's deadline decides, as in respond(): past it, the call is over even before the timeout pass runs.
    const state: CallView['state'] =
      call.state === 'accepted' ? 'accepted'
      : call.state === 'checked-in' ? 'checked-in'
      : call.state === 'busy' ? 'busy'
      : call.state === 'withdrawn' ? 'cancelled'
      : call.state === 'declined' ? 'declined'
      : call.state === 'calling' && current ? (t.expiresAt <= this.iso() ? 'expired' : 'waiting')
      : call.state === 'timeout' ? (current ? 'expired' : 'superseded')
      : 'closed';
    return { state, deadline: t.expiresAt, answeredAt: call.answeredAt, bidOpeningAt: project.project.bidOpeningAt, venue: project.venue };
  }

  /**
   * Ends every open call whose message was given up (`call.undelivered`: no fault of the expert's) and times out every
   * open call past its deadline, in every roster due and in those of `undelivered` (draws of which the delivery pass
   * just gave a call up), and calls the next ranked experts. A message given up before a crash is still found here, at
   * its call's deadline at the latest.
   */
  async expire(undelivered: readonly string[] = []): Promise<number> {
    let expired = 0;
    const nowIso = this.iso();
    // Only rosters with a call still open (the deadline index), not every roster ever made.
    const due = (await rosterDeadlines.list(this.store)).filter((d) => d.value <= nowIso).map((d) => d.key);
    for (const key of new Set([...due, ...undelivered])) {
      for (let attempt = 0; attempt < 5; attempt++) {
        // A batch names its draw; a draw without a roster has no call to end (nothing the pass should stop on).
        const found = await rosters.read(this.store, key);
        if (!found) break;
        const roster = this.opened(found.value);
        const raw = found.raw;
        const open = R.seats(roster).filter((c) => c.state === 'calling');
        if (open.length === 0) break;
        const states = await this.outbox.states(open.map((c) => c.messageId));
        const having = (state: string) => new Set(open.map((c) => c.messageId).filter((id) => states.get(id) === state));
        const { record: project } = await this.projects.get(roster.projectId);
        const step = R.expire(roster, nowIso, having('failed'), having('pending'), this.passOver(project));
        if (step.changed.length === 0) break;
        const next = this.transition(step, project, endedBy, nowIso, { calls: await this.mayCall(project) });
        // A message still being retried for a call that ended must not reach the expert afterwards.
        const stopped = await this.outbox.stopPending(step.changed.map((c) => c.messageId).filter((id) => states.get(id) === 'pending'));
        try {
          await this.commit(raw, next.roster, next.entries, [...next.writes, ...stopped.writes], stopped.expects);
          expired += step.changed.length;
          break;
        } catch (err) {
          if (!(err instanceof RecordConflictError)) throw err;
        }
      }
    }
    return expired;
  }

  /**
   * A terminal's unmatched ID numbers in the last CHECKIN_WINDOW_MS, kept in the store so that every
   * instance counts them (each is also a log entry). Two instances counting the same terminal at the same moment may
   * lose one count to each other: the limit is enforced to within one miss per instance.
   */
  private async recentMisses(terminal: string): Promise<number[]> {
    const found = await checkinMisses.read(this.store, sha256Hex(terminal));
    const since = this.now() - CHECKIN_WINDOW_MS;
    return found ? found.value.filter((t) => t > since) : [];
  }

  /**
   * Logs a terminal's block once: at its first refusal, not at each (a desk could otherwise grow the log at the rate
   * limit). A block logged before the oldest miss that holds it now was an earlier one. Two instances refusing at once
   * log it once: the marker is written in the entry's commit, against the marker each read.
   */
  private async logBlock(terminal: string, oldestMiss: number, payload: { drawId: string; projectId: string; terminal: string }): Promise<void> {
    const key = sha256Hex(terminal);
    const found = await checkinBlocks.read(this.store, key);
    if (found && found.value >= oldestMiss) return;
    try {
      await this.log.append('checkin.blocked', payload, { writes: [checkinBlocks.writeAt(key, this.now())], expects: [checkinBlocks.expect(key, found?.raw ?? null)] });
    } catch (err) {
      if (!(err instanceof RecordConflictError)) throw err;
    }
  }

  private countMiss(terminal: string, recent: readonly number[]): Promise<void> {
    return checkinMisses.putUnlogged(this.store, sha256Hex(terminal), [...recent, this.now()]);
  }

  /**
   * Check-in: the ID number of the person at the desk is matched by its keyed hash against the draw's seats; the
   * expert is re-checked against the bidders known now. Admitted: that one assignment is returned. Conflicted:
   * refused, logged, and the seat passes to the next ranked expert. No match: logged, and limited per terminal.
   */
  async checkIn(projectId: string, idNumber: string, by: TokenClaims): Promise<Assignment> {
    const { record: project } = await this.projects.get(projectId);
    // Which desk may check in here (a site's desk only its site's projects) is the authorization policy's `checkin` rule.
    // A cancelled evaluation is said as such to the desk (its draw may have been completed).
    if (project.state === 'cancelled') throw new AppError('CONFLICT', msg('project.cancelled', { id: projectId }));
    if (!project.drawId || project.state !== 'drawn') throw new AppError('CONFLICT', msg('project.noCompletedDraw', { id: projectId }));
    // Check-in closes when a seat not checked in becomes a no-show: an expert cannot be both (docs/records.md).
    const closesAt = this.noShowDue(project);
    if (this.iso() >= closesAt) {
      const { date, time } = localTime(new Date(closesAt), this.settings.timeZone);
      throw new AppError('CONFLICT', msg('checkin.closed', { at: `${date} ${time}` }), { closedAt: closesAt });
    }
    const terminal = `${by.role}:${by.site ?? ''}:${by.sub}`;
    const drawId = project.drawId;
    // One terminal's tries in turn too: each reads the misses the one before it counted, so that parallel guesses from
    // one desk meet the limit exactly (on an instance; another's misses are read from the store).
    return this.inTurn(`terminal ${terminal}`, async () => {
      const recent = await this.recentMisses(terminal);
      if (recent.length >= CHECKIN_MISSES) {
        await this.logBlock(terminal, recent[0]!, { drawId, projectId, terminal: by.sub });
        throw new AppError('RATE_LIMITED', msg('checkin.tooManyMisses', { minutes: CHECKIN_WINDOW_MS / 60_000 }));
      }
      const expertId = await this.pool.byIdNumber(idNumber);
      return this.inTurn(drawId, () => this.checkInTurn(project, drawId, expertId, terminal, recent, by));
    });
  }

  private async checkInTurn(project: ProjectRecord, drawId: string, expertId: string | undefined, terminal: string, recent: readonly number[], by: TokenClaims): Promise<Assignment> {
    const projectId = project.project.id;
    for (let attempt = 0; ; attempt++) {
      const { roster, raw } = await this.read(drawId);
      const call = expertId === undefined ? undefined : R.seatOf(roster, expertId);
      if (!call) {
        await this.countMiss(terminal, recent);
        await this.log.append('checkin.unmatched', { drawId, projectId, terminal: by.sub });
        throw new AppError('NOT_FOUND', msg('checkin.noMatch'));
      }
      // A second scan of someone checked in tells the desk nothing new: said and logged, not counted as a miss.
      if (call.state === 'checked-in') {
        await this.log.append('checkin.repeated', { drawId, group: call.group, seat: call.seat, rank: call.rank, terminal: by.sub });
        throw new AppError('CONFLICT', msg('checkin.already'));
      }
      // A call is answered before its expert checks in: the acceptance is where one evaluation a day is held (the day
      // claimed, or the seat passed on). A desk that admitted an unanswered expert would either bypass the rule or, by
      // refusing only those seated elsewhere, tell its holder (a remote site's desk too) who sits on other panels that
      // day, and take the day of anyone it names. The call's state is the desk's own project's: nothing new is said.
      if (call.state === 'calling') {
        await this.log.append('checkin.unanswered', { drawId, group: call.group, seat: call.seat, rank: call.rank, terminal: by.sub });
        throw new AppError('CONFLICT', msg('checkin.answerFirst'));
      }
      const refusals = this.refusals(project);
      const conflicts = [...refusals(call.expertId)];
      const at = this.iso();
      const step = R.checkIn(roster, call, at, conflicts, partyConflicts(refusals));
      const next = this.transition(step, project, conflicts.length > 0 ? 'checkin.refused' : 'checkin.admitted', at, { calls: await this.mayCall(project), terminal: by.sub });
      // Nobody left who accepted and has not come: the draw needs no no-show watch (a later acceptance sets it again).
      if (!R.seats(next.roster).some((c) => c.state === 'accepted')) next.writes.push(noShowWatch.writeAt(drawId, null));
      try {
        await this.commit(raw, next.roster, next.entries, next.writes);
      } catch (err) {
        if (err instanceof RecordConflictError && attempt < 5) continue;
        throw err;
      }
      if (conflicts.length > 0) {
        // Said as it is: the seat's next expert called, or nobody (the ranking used up, or the opening passed).
        const calling = R.seats(next.roster).some((c) => c.group === call.group && c.seat === call.seat && c.state === 'calling');
        throw new AppError('CHECKIN_REFUSED', msg(calling ? 'checkin.refused' : 'checkin.refusedUnfilled', { reasons: conflicts.map((c) => msg(`exclusion.${c as ExclusionCode | 'NOT_IN_POOL'}`)) }), { codes: conflicts });
      }
      const group = roster.groups[call.group]!;
      return { expertId: call.expertId, name: this.pool.personal(call.expertId).name, specialty: group.specialty, group: call.group, seat: call.seat, venue: project.venue, bidOpeningAt: project.project.bidOpeningAt };
    }
  }

  /**
   * One approval of the whole list's release. After bid opening, an operator and a supervisor (two distinct people:
   * two user accounts, each logged in) must approve within the window; the second approval unseals. A person cannot
   * approve twice. Each approval and the unseal are log entries.
   */
  async approveUnseal(drawId: string, projectId: string, bidOpeningAt: string, by: TokenClaims): Promise<UnsealRecord> {
    if (by.sid === undefined) throw new AppError('FORBIDDEN', msg('session.unsealByPerson'));
    if (this.now() < Date.parse(bidOpeningAt)) throw new AppError('SEALED', msg('draw.sealedUntilOpening'));
    for (let attempt = 0; ; attempt++) {
      const found = await unseals.read(this.store, drawId);
      const raw = found?.raw ?? null;
      const current: UnsealRecord = found?.value ?? { drawId, approvals: [], unsealedAt: null };
      if (current.unsealedAt) return current;
      const since = new Date(this.now() - UNSEAL_WINDOW_MS).toISOString();
      const standing = current.approvals.filter((a) => a.at >= since);
      if (standing.some((a) => a.sub === by.sub)) throw new AppError('CONFLICT', msg('session.unsealTwice'));
      // A second approval of a role that has approved already would count for nothing: said, rather than recorded.
      if (standing.some((a) => a.role === by.role)) throw new AppError('CONFLICT', msg('session.unsealSameRole', { role: msg(`role.${by.role}`) }));
      const approvals = [...standing, { sub: by.sub, role: by.role, at: this.iso() }];
      const roles = new Set(approvals.map((a) => a.role));
      const done = roles.has('operator') && roles.has('supervisor');
      const next: UnsealRecord = { drawId, approvals, unsealedAt: done ? this.iso() : null };
      const entries: Entry[] = [{ type: 'unseal.approved', payload: { drawId, projectId, by: by.sub, role: by.role } }];
      if (done) entries.push({ type: 'draw.unsealed', payload: { drawId, projectId, approvedBy: approvals.map((a) => ({ by: a.sub, role: a.role })) } });
      try {
        await this.log.appendAll(entries, { writes: [unseals.write(next)], expects: [unseals.expect(drawId, raw)] });
        return next;
      } catch (err) {
        if (err instanceof RecordConflictError && attempt < 5) continue;
        throw err;
      }
    }
  }

  async unsealState(drawId: string): Promise<UnsealRecord | null> {
    return (await unseals.read(this.store, drawId))?.value ?? null;
  }

  /**
   * How the unseal of each draw stands, as the API shows it: the approvals that still count (within the window; all of
   * them once unsealed) by role and time, and when the list was opened. Roles and times only: neither an expert nor the
   * approver's account (as the draw view leaves out who ran the draw).
   */
  async unsealViews(drawIds: readonly string[]): Promise<UnsealView[]> {
    const since = new Date(this.now() - UNSEAL_WINDOW_MS).toISOString();
    return (await unseals.readMany(this.store, drawIds)).map((u) => ({
      approvals: (u?.approvals ?? []).filter((a) => u!.unsealedAt !== null || a.at >= since).map((a) => ({ role: a.role, at: a.at })),
      openedAt: u?.unsealedAt ?? null,
    }));
  }

  /** The whole panel with names: only once unsealed. */
  async panel(drawId: string, by: TokenClaims): Promise<Array<{ group: number; specialty: string; seat: number; rank: number; expertId: string; name: string; state: R.CallState }>> {
    const unseal = await this.unsealState(drawId);
    if (!unseal?.unsealedAt) throw new AppError('SEALED', msg('draw.panelSealed'));
    const { roster } = await this.read(drawId);
    // Every reveal of names is a log entry, each reading of the opened list too: who read it, and when.
    await this.log.append('draw.panel-read', { drawId, projectId: roster.projectId, by: by.sub, role: by.role });
    return R.seats(roster).map((c) => ({ group: c.group, specialty: roster.groups[c.group]!.specialty, seat: c.seat, rank: c.rank, expertId: c.expertId, name: this.pool.personal(c.expertId).name, state: c.state }));
  }

  /** Per group, how its seats and calls stand, for draw status and the board: counts only. */
  async progress(drawId: string): Promise<R.GroupProgress[] | null> {
    const roster = await this.find(drawId);
    return roster ? R.progress(roster) : null;
  }

  /** Seats per state of their current call, over every group: no identities. */
  async summary(drawId: string): Promise<Record<R.CallState, number> | null> {
    const groups = await this.progress(drawId);
    return groups && R.seatsByState(groups);
  }

  /** The roster as stored (opened), for the service's own use (disclosure, tests). */
  async read(drawId: string): Promise<{ roster: R.Roster; raw: Buffer }> {
    const found = await rosters.read(this.store, drawId);
    if (!found) throw new AppError('NOT_FOUND', msg('draw.noRoster', { id: drawId }));
    return { roster: this.opened(found.value), raw: found.raw };
  }

  /** Which of these draws have a roster already (one read for all). */
  async exist(drawIds: readonly string[]): Promise<boolean[]> {
    return (await rosters.readMany(this.store, drawIds)).map((r) => r !== null);
  }

  private async find(drawId: string): Promise<R.Roster | null> {
    const found = await rosters.read(this.store, drawId);
    return found ? this.opened(found.value) : null;
  }

  private opened(record: RosterRecord): R.Roster {
    return this.vault.openJson<R.Roster>(`${rosters.collection}/${record.drawId}`, record.sealed);
  }

  /** Entries and writes of a transition: the changed calls, promotions (or an unfilled seat) and the new calls. */
  private transition(change: R.Transition, project: ProjectRecord, type: SeatChange | ((call: R.Call) => SeatChange), at: string, options: { calls: boolean; terminal?: string }): { roster: R.Roster; entries: Entry[]; writes: RecordWrite[] } {
    // From a minute before bid opening nobody is called any more: a call placed then would be past its deadline at
    // once, time out at the next pass and pass the seat on again, down the whole ranking, each expert recorded as not
    // answering a call they could not answer. The seat stays unfilled, for the operator to resolve. So it does while
    // the project's site is revoked (`calls: false`): nobody could check the expert in.
    const step = !options.calls || this.now() >= this.lastCallAt(project) ? R.withoutCalls(change) : change;
    const extra = options.terminal === undefined ? {} : { terminal: options.terminal };
    const drawId = step.roster.drawId;
    // The catalogue pairs each type with its payload; these share one shape (check-ins add the terminal).
    const entries = step.changed.map((c) => ({ type: typeof type === 'function' ? type(c) : type, payload: { drawId, group: c.group, seat: c.seat, rank: c.rank, messageId: c.messageId, ...(c.codes ? { codes: [...c.codes] } : {}), ...extra } }) as Entry);
    // The performance records of the same change, in the same commit (docs/records.md).
    const rules = recordsPolicy(this.policy);
    for (const f of factsOf(step, at, project.project.bidOpeningAt, rules)) entries.push(this.recordEntry(drawId, project, f));
    const calls: R.NewCall[] = [];
    for (const p of step.promotions) {
      // A rank whose expert conflicts with the project's parties as known now (a bidder recorded after the draw) is
      // passed over rather than told the venue and time of an evaluation they may not sit on (passOver).
      for (const o of p.passed) entries.push({ type: 'seat.passed-over', payload: { drawId, group: p.from.group, seat: p.from.seat, rank: o.rank, codes: [...o.codes] } });
      if (p.to) {
        entries.push({ type: 'seat.promoted', payload: { drawId, group: p.from.group, seat: p.from.seat, fromRank: p.from.rank, toRank: p.to.rank, because: p.from.state } });
        calls.push(p.to);
      } else {
        // The ranking (alternates and its extension) is used up, or it is too late to call: visible, for an operator.
        entries.push({ type: 'seat.unfilled', payload: { drawId, group: p.from.group, seat: p.from.seat, fromRank: p.from.rank, because: p.from.state } });
      }
    }
    const placed = this.place(step.roster, project, calls);
    return { roster: placed.roster, entries: [...entries, ...placed.entries], writes: placed.writes };
  }

  /** Whether seats of this project may be passed on to further experts: the centre's own, or a site still served. */
  private async mayCall(project: ProjectRecord): Promise<boolean> {
    const site = project.site ?? null;
    return site === null || !this.settings.siteServed || (await this.settings.siteServed(site));
  }

  /**
   * What a check-in would refuse an expert of this project for now: rules 1–5 against the project with every bidder
   * known since its draw, the expert's status and days as they stand (the selection history is the draw's own).
   */
  private refusals(project: ProjectRecord): R.PassOver {
    const known = { ...project.project, bidders: [...new Set([...project.project.bidders, ...(project.knownBidders ?? [])])].sort() };
    const ctx = conflictContext(known, this.policy, EMPTY_HISTORY);
    return (expertId) => {
      const expert = this.pool.expert(expertId);
      return expert ? expertExclusions(expert, ctx) : ['NOT_IN_POOL'];
    };
  }

  /**
   * Whom a seat passes over: an alternate in conflict with the project's parties as known now (a bidder recorded after
   * the draw, a position at one). Not a status or availability changed since: that alternate is called and refused at
   * the desk as before, since passing them over at once would tell every reader of the log, beside the pool's own
   * attributed status entry, that the expert was ranked in a draw still sealed.
   */
  private passOver(project: ProjectRecord): R.PassOver {
    return partyConflicts(this.refusals(project));
  }

  /** A performance record's entry: the seat and rank, the expert as a per-draw keyed hash only. */
  private recordEntry(drawId: string, project: ProjectRecord, f: RecordFact): Entry {
    const c = f.call;
    const base = { drawId, projectId: project.project.id, group: c.group, seat: c.seat, rank: c.rank, subject: recordSubject(this.vault, drawId, c.expertId), messageId: c.messageId };
    if (f.kind === 'call') return { type: 'record.call', payload: { ...base, outcome: f.outcome, calledAt: c.calledAt, seconds: f.seconds, replaced: f.replaced } };
    if (f.kind === 'checkin') return { type: 'record.checkin', payload: { ...base, outcome: f.outcome, at: f.at, minutesAfterOpening: f.minutesAfterOpening, ...(c.codes ? { codes: [...c.codes] } : {}), replaced: f.replaced } };
    return { type: 'record.no-show', payload: { ...base, acceptedAt: c.answeredAt ?? c.calledAt, bidOpeningAt: project.project.bidOpeningAt, dueAt: f.dueAt } };
  }

  private noShowDue(project: ProjectRecord): string {
    return noShowDue(project.project.bidOpeningAt, recordsPolicy(this.policy).noShowAfterMinutes, this.settings.timeZone);
  }

  /**
   * Records a no-show for every accepted call not checked in by its draw's no-show time (bid opening plus the policy's
   * minutes, or the end of that day), once per draw: the watch is cleared in the same commit, expecting the roster and
   * the watch as read, so a check-in meanwhile or another instance's pass wins and this one looks again.
   */
  async recordNoShows(): Promise<number> {
    let recorded = 0;
    const nowIso = this.iso();
    for (const { key: drawId, value: hint } of await noShowWatch.list(this.store)) {
      if (hint > nowIso) continue;
      for (let attempt = 0; attempt < 5; attempt++) {
        const watch = await noShowWatch.read(this.store, drawId);
        if (!watch || watch.value > nowIso) break;
        const { roster, raw } = await this.read(drawId);
        const { record: project } = await this.projects.get(roster.projectId);
        // A project whose draw is no longer this one: cancelled after its draw (cancelProject also ends the watch).
        if (project.state !== 'drawn' || project.drawId !== drawId) {
          await noShowWatch.putUnlogged(this.store, drawId, NO_SHOW_SETTLED);
          break;
        }
        const due = this.noShowDue(project);
        // The opening moved later (its due time is read from the project now): watch until the new time.
        if (due > nowIso) {
          await noShowWatch.putUnlogged(this.store, drawId, due);
          break;
        }
        const missed = noShowCalls(roster);
        const entries = missed.map((call) => this.recordEntry(drawId, project, { kind: 'no-show', call, dueAt: due }));
        // Everyone came: the last check-in cleared the watch in its own commit (this pass read it just before).
        if (entries.length === 0) break;
        try {
          await this.log.appendAll(entries, { writes: [noShowWatch.writeAt(drawId, null)], expects: [rosters.expect(drawId, raw), noShowWatch.expect(drawId, watch.raw)] });
          recorded += entries.length;
          break;
        } catch (err) {
          if (!(err instanceof RecordConflictError)) throw err;
        }
      }
    }
    return recorded;
  }

  /** The last moment a call may be answered: a minute before bid opening. */
  private lastCallAt(project: ProjectRecord): number {
    return Date.parse(project.project.bidOpeningAt) - 60_000;
  }

  /**
   * New calls, placed together: one entry, and one outbox batch whose messages (time and place only) each carry a
   * single-use response link. A link's token is the batch id and a secret; only its hash is stored.
   */
  private place(roster: R.Roster, project: ProjectRecord, calls: readonly R.NewCall[]): { roster: R.Roster; entries: Entry[]; writes: RecordWrite[] } {
    if (calls.length === 0) return { roster, entries: [], writes: [] };
    const at = this.iso();
    const deadline = new Date(Math.min(this.now() + this.policy.responseDeadlineMinutes * 60_000, this.lastCallAt(project))).toISOString();
    const template = callTemplate({ venue: project.venue ?? '评标室', bidOpeningAt: project.project.bidOpeningAt, timeZone: this.settings.timeZone, deadline });
    const links = `${this.settings.publicUrl.replace(/\/$/, '')}/r/`;
    // The batch id and every call's secret from one random draw.
    const { batchId, tokens } = newBatchTokens(calls.length, TOKEN_SECRET_BYTES);
    const queued: Queued[] = [];
    const placed: R.Call[] = [];
    const summary: Array<{ group: number; seat: number; rank: number; messageId: string; deadline: string }> = [];
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      const token = tokens[i]!;
      const messageId = `M-${batchId}.${i}`;
      queued.push({ messageId, expertId: c.expertId, responseUrl: links + token, expiresAt: deadline, tokenHash: sha256Hex(token) });
      // Fields written out rather than spread, in the order the stored roster has always had them.
      placed.push({ group: c.group, seat: c.seat, rank: c.rank, expertId: c.expertId, state: 'calling', messageId, calledAt: at, deadline, answeredAt: null });
      summary.push({ group: c.group, seat: c.seat, rank: c.rank, messageId, deadline });
    }
    const entry: Entry = { type: 'calls.placed', payload: { drawId: roster.drawId, calls: summary } };
    return { roster: R.placed(roster, placed), entries: [entry], writes: this.outbox.queue(batchId, roster.drawId, 'call', template, queued) };
  }

  private async commit(raw: Buffer | null, roster: R.Roster, entries: readonly Entry[], writes: RecordWrite[], expects: RecordExpectation[] = []): Promise<void> {
    await this.log.appendAll(entries, this.stateOf(raw, roster, writes, expects));
  }

  /** The roster record (sealed) and its deadline entry with the caller's writes, expecting the roster as it was read. */
  private stateOf(raw: Buffer | null, roster: R.Roster, writes: RecordWrite[], expects: RecordExpectation[] = []): { writes: RecordWrite[]; expects: RecordExpectation[] } {
    const revision = raw ? rosters.decode(raw).revision + 1 : 1;
    const open = R.seats(roster).filter((c) => c.state === 'calling').map((c) => c.deadline).sort();
    const record: RosterRecord = { drawId: roster.drawId, revision, nextDeadline: open[0] ?? null, sealed: this.vault.sealJson(`${rosters.collection}/${roster.drawId}`, roster) };
    return {
      writes: [
        rosters.write(record),
        rosterDeadlines.writeAt(roster.drawId, record.nextDeadline),
        // The draw has its roster: the catch-up of draws without one no longer looks at it.
        ...(raw === null ? [awaitingRosterClear(roster.drawId)] : []),
        ...writes,
      ],
      expects: [rosters.expect(roster.drawId, raw), ...expects],
    };
  }
}

/** Of what a check-in would refuse an expert for, only the conflicts with the project's parties. */
function partyConflicts(refusals: R.PassOver): R.PassOver {
  return (expertId) => refusals(expertId).filter((code) => PARTY_CONFLICTS.has(code));
}
