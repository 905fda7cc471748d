// Experts' performance records (docs/records.md): conduct entered by staff after an evaluation (corrections append,
// never overwrite), a draw's records by seat, and an expert's record over the draws disclosed so far. The records are
// log entries naming seats and ranks and a per-draw keyed hash of the expert; an expert's record joins them to the
// expert only for draws whose reveal is in the log, found by following the log.
import { randomUUID } from 'node:crypto';
import type { Entry, ServiceLog } from '../audit/entries.js';
import type { TokenClaims } from '../auth/roles.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { recordsPolicy, type Policy } from '../domain/policy.js';
import { AppError } from '../errors.js';
import type { Lang } from '../i18n/language.js';
import { msg } from '../i18n/message.js';
import { rankings } from '../draw/entries.js';
import { entryType } from '../log/entry.js';
import { enteredRecords, noteContext, recordSubject, type EnteredRecord } from '../records/performance.js';
import { consequences } from '../records/sanctions.js';
import * as R from '../roster/roster.js';
import { tally, type CallOutcome, type CheckinOutcome, type CountedRecord, type Tally } from '../roster/performance.js';
import { RecordConflictError, type Store } from '../store/store.js';
import { LogFollower } from './catch-up.js';
import type { DrawService } from './draw.service.js';
import type { LogIndex } from './log-index.js';
import type { ProjectService } from './project.service.js';
import type { RosterService } from './roster.service.js';
import { runs } from './timeline.service.js';

const REVEAL = 'draw.reveal';
const RECORD_TYPES = new Set(['record.call', 'record.checkin', 'record.no-show', 'record.entered']);
/** An upheld objection's withdrawal of a record (src/services/rules.service.ts): read with the records, shown on them. */
const WITHDRAWN = 'record.withdrawn';

/** One record as the API shows it: by seat and rank, never the expert. */
export interface RecordView {
  readonly index: number;
  readonly time: string;
  readonly kind: 'call' | 'checkin' | 'no-show' | 'entered';
  readonly group: number;
  readonly seat: number;
  readonly rank: number;
  readonly outcome?: CallOutcome | CheckinOutcome;
  readonly seconds?: number;
  readonly minutesAfterOpening?: number;
  readonly codes?: string[];
  readonly replaced?: 'promoted' | 'unfilled' | null;
  readonly dueAt?: string;
  readonly recordId?: string;
  readonly code?: string | null;
  readonly label?: string | null;
  readonly note?: string | null;
  readonly corrects?: string | null;
  readonly by?: string;
  readonly role?: string;
  /** Entered records: false once a later record corrects it (or an objection withdraws it). */
  readonly standing?: boolean;
  /** The upheld objection that withdrew this record (docs/records.md "Objections"): it counts no more. */
  readonly withdrawnBy?: string;
}

/** What staff enter: a new record of a seat, or a correction of an earlier one (code null: withdrawn). */
export type EnterInput = { readonly group: number; readonly seat: number; readonly code: string; readonly note?: string } | { readonly corrects: string; readonly code: string | null; readonly note: string };

interface RawRecord {
  readonly index: number;
  readonly time: string;
  readonly type: string;
  readonly payload: Record<string, unknown> & { drawId: string; projectId: string; group: number; seat: number; rank: number; subject: string };
}

export class PerformanceService {
  /** Expert id → the disclosed draws that ranked them (from the reveal entries), in log order. */
  private readonly disclosed = new Map<string, Array<{ drawId: string; projectId: string }>>();
  private readonly reveals: LogFollower;

  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly logIndex: LogIndex,
    private readonly draws: DrawService,
    private readonly projects: ProjectService,
    private readonly roster: RosterService,
    private readonly vault: PersonalDataVault,
    private readonly policy: Policy,
    private readonly now: () => number,
  ) {
    this.reveals = new LogFollower(store, (_index, bytes) => this.take(bytes));
  }

  /** The conduct list of the policy, labelled in `lang`. */
  conduct(lang: Lang): Array<{ code: string; label: string }> {
    return recordsPolicy(this.policy).conduct.map((c) => ({ code: c.code, label: lang === 'en' ? c.en : c.zh }));
  }

  /**
   * A record of a seated expert's conduct, or a correction of one. Only after bid opening, only for a seat whose expert
   * accepted or checked in; a correction names a record of the same draw that still stands, and is taken once (the
   * commit expects the corrected record as read).
   */
  /** A suspension or blacklisting in force that rests on this entered record, and who entered it; null: none. */
  private async sanctionOn(recordId: string): Promise<{ consequence: string; enteredBy: string } | null> {
    for (const { value: c } of await consequences.list(this.store)) {
      if (c.state !== 'in-force' || c.kind === 'review') continue;
      for (const r of c.records) {
        const entry = JSON.parse((await this.log.entry(r.index)).toString('utf8')) as { type: string; payload: { recordId?: string; by?: string } };
        if (entry.type === 'record.entered' && entry.payload.recordId === recordId) return { consequence: c.id, enteredBy: entry.payload.by ?? '' };
      }
    }
    return null;
  }

  async enter(drawId: string, input: EnterInput, by: TokenClaims): Promise<{ recordId: string; index: number }> {
    const draw = await this.draws.get(drawId);
    if (draw.state !== 'drawn') throw new AppError('CONFLICT', msg('records.notDrawn', { id: drawId }));
    const { record: project } = await this.projects.get(draw.projectId);
    if (this.now() < Date.parse(project.project.bidOpeningAt)) throw new AppError('CONFLICT', msg('records.beforeOpening'));
    const { roster } = await this.roster.read(drawId);
    const recordId = `R-${randomUUID()}`;
    let target: { group: number; seat: number; rank: number; expertId: string };
    let corrected: { value: EnteredRecord; raw: Buffer } | null = null;
    if ('corrects' in input) {
      corrected = await enteredRecords.read(this.store, input.corrects);
      if (!corrected || corrected.value.drawId !== drawId) throw new AppError('NOT_FOUND', msg('records.noRecord', { id: input.corrects }));
      if (corrected.value.correctedBy !== null) throw new AppError('CONFLICT', msg('records.alreadyCorrected', { id: input.corrects, by: corrected.value.correctedBy }));
      // A sanction in force that rests on the record is lifted by two people: who entered the record does not correct
      // it away (an outside re-test entered misconduct, let the rules blacklist, and corrected it alone).
      const resting = await this.sanctionOn(input.corrects);
      if (resting && resting.enteredBy === by.sub) throw new AppError('CONFLICT', msg('records.sanctionRests', { id: input.corrects, consequence: resting.consequence }));
      const { group, seat, rank } = corrected.value;
      target = { group, seat, rank, expertId: roster.groups[group]!.ranking[rank]! };
    } else {
      const g = roster.groups[input.group];
      if (!g || input.seat >= g.count) throw new AppError('NOT_FOUND', msg('records.noSeat', { group: input.group, seat: input.seat }));
      const call = R.currentCall(roster, input.group, input.seat);
      // Only a seat someone sat in (or accepted to): an ended call's expert is no longer the seat's.
      if (!call || (call.state !== 'accepted' && call.state !== 'checked-in')) throw new AppError('CONFLICT', msg('records.seatNotTaken', { group: input.group, seat: input.seat }));
      target = { group: call.group, seat: call.seat, rank: call.rank, expertId: call.expertId };
    }
    const note = input.note === undefined || input.note === '' ? null : this.vault.sealJson(noteContext(recordId), input.note);
    const entry: Entry = {
      type: 'record.entered',
      payload: {
        recordId,
        drawId,
        projectId: draw.projectId,
        group: target.group,
        seat: target.seat,
        rank: target.rank,
        subject: recordSubject(this.vault, drawId, target.expertId),
        code: input.code,
        note,
        corrects: corrected?.value.recordId ?? null,
        by: by.sub,
        role: by.role,
      },
    };
    const stored: EnteredRecord = { recordId, drawId, group: target.group, seat: target.seat, rank: target.rank, code: input.code, correctedBy: null };
    try {
      const [appended] = await this.log.appendAll([entry], {
        writes: [enteredRecords.write(stored), ...(corrected ? [enteredRecords.write({ ...corrected.value, correctedBy: recordId })] : [])],
        expects: [enteredRecords.expect(recordId, null), ...(corrected ? [enteredRecords.expect(corrected.value.recordId, corrected.raw)] : [])],
      });
      return { recordId, index: appended!.index };
    } catch (err) {
      if (err instanceof RecordConflictError) throw new AppError('CONFLICT', msg('records.changed'));
      throw err;
    }
  }

  /** Every record of a draw, in log order, by seat; entered notes opened. Names nobody. */
  async ofDraw(drawId: string, lang: Lang): Promise<RecordView[]> {
    const draw = await this.draws.get(drawId);
    return this.views(await this.recordsOf(draw.projectId, drawId), lang);
  }

  /**
   * An expert's record: only draws already disclosed, joined by the keyed hash (a record of a draw still sealed is not
   * shown at all, not even counted: a count that moves tells when the expert was called). Counts, then each draw.
   */
  async ofExpert(expertId: string, lang: Lang): Promise<{ tally: Tally; conduct: Array<{ code: string; label: string; count: number }>; draws: Array<{ drawId: string; projectId: string; records: RecordView[] }> }> {
    await this.reveals.catchUp();
    const out: Array<{ drawId: string; projectId: string; records: RecordView[] }> = [];
    for (const { drawId, projectId } of this.disclosed.get(expertId) ?? []) {
      const subject = recordSubject(this.vault, drawId, expertId);
      const mine = (await this.recordsOf(projectId, drawId)).filter((r) => r.payload.subject === subject);
      if (mine.length > 0) out.push({ drawId, projectId, records: this.views(mine, lang) });
    }
    // Records withdrawn by an upheld objection are shown, marked, and counted no more.
    const all = out.flatMap((d) => d.records).filter((r) => r.withdrawnBy === undefined);
    const automatic = all.filter((r) => r.kind !== 'entered').map((r) => ({ kind: r.kind, outcome: r.outcome, replaced: r.replaced ?? null }) as CountedRecord);
    const counts = new Map<string, number>();
    for (const r of all) if (r.kind === 'entered' && r.standing && r.code) counts.set(r.code, (counts.get(r.code) ?? 0) + 1);
    const conduct = this.conduct(lang).filter((c) => counts.has(c.code)).map((c) => ({ ...c, count: counts.get(c.code)! }));
    return { tally: tally(automatic), conduct, draws: out };
  }

  /** Experts ranked by a disclosed draw so far (the only ones whose record can hold anything). */
  async disclosedExperts(): Promise<string[]> {
    await this.reveals.catchUp();
    return [...this.disclosed.keys()];
  }

  /** The record entries of one draw, from the entries the log index holds for its project. */
  private async recordsOf(projectId: string, drawId: string): Promise<RawRecord[]> {
    await this.logIndex.catchUp();
    const out: RawRecord[] = [];
    // Consecutive positions are read together, as the timeline does.
    for (const [start, end] of runs(this.logIndex.of(projectId))) {
      (await this.store.readEntries(start, end)).forEach((bytes, i) => {
        const type = entryType(bytes);
        if (type === null || (!RECORD_TYPES.has(type) && type !== WITHDRAWN)) return;
        const e = JSON.parse(bytes.toString('utf8')) as { time: string; payload: RawRecord['payload'] };
        if (e.payload.drawId === drawId) out.push({ index: start + i, time: e.time, type, payload: e.payload });
      });
    }
    return out;
  }

  private views(raw: readonly RawRecord[], lang: Lang): RecordView[] {
    const withdrawn = new Map(raw.flatMap((r) => (r.type === WITHDRAWN ? [[r.payload.withdraws as number, r.payload.objectionId as string] as const] : [])));
    const records = raw.filter((r) => r.type !== WITHDRAWN);
    const correctedIds = new Set(records.flatMap((r) => (r.type === 'record.entered' && r.payload.corrects ? [r.payload.corrects as string] : [])));
    const labels = new Map(this.conduct(lang).map((c) => [c.code, c.label]));
    return records.map(({ index, time, type, payload: p }) => {
      const withdrawnBy = withdrawn.get(index);
      const base = { index, time, group: p.group, seat: p.seat, rank: p.rank, ...(withdrawnBy ? { withdrawnBy } : {}) };
      if (type === 'record.call') return { ...base, kind: 'call', outcome: p.outcome as CallOutcome, seconds: p.seconds as number, replaced: p.replaced as RecordView['replaced'] };
      if (type === 'record.checkin') {
        return { ...base, kind: 'checkin', outcome: p.outcome as CheckinOutcome, minutesAfterOpening: p.minutesAfterOpening as number, replaced: p.replaced as RecordView['replaced'], ...(p.codes ? { codes: p.codes as string[] } : {}) };
      }
      if (type === 'record.no-show') return { ...base, kind: 'no-show', dueAt: p.dueAt as string };
      const recordId = p.recordId as string;
      const code = p.code as string | null;
      return {
        ...base,
        kind: 'entered',
        recordId,
        code,
        label: code === null ? null : (labels.get(code) ?? code),
        note: p.note === null ? null : this.vault.openJson<string>(noteContext(recordId), p.note as string),
        corrects: p.corrects as string | null,
        by: p.by as string,
        role: p.role as string,
        // A withdrawal stands for nothing; a record stands until a later one corrects it.
        standing: code !== null && !correctedIds.has(recordId) && withdrawnBy === undefined,
      };
    });
  }

  /** Reads the log since the last look for reveals: each names the experts its draw ranked. */
  /** A reveal entry: each expert its draw ranked (every group, selected, alternates and extension). */
  private take(bytes: Buffer): void {
    if (entryType(bytes) !== REVEAL) return;
    const { payload } = JSON.parse(bytes.toString('utf8')) as { payload: { drawId: string; projectId: string; result: { groups: Array<{ selected: string[]; alternates: string[] }> }; extension: string[][] } };
    for (const id of new Set(rankings(payload).flat())) {
      const list = this.disclosed.get(id) ?? [];
      list.push({ drawId: payload.drawId, projectId: payload.projectId });
      this.disclosed.set(id, list);
    }
  }
}
