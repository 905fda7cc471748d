// Listings for the draw terminal: projects by draw time, draws by the time they ran, each an in-memory sorted index
// (sorted-index.ts). The log says which projects and draws changed (log-index.ts); their records are re-read then, so
// a listing holds what the store holds as of the log when it was asked — this instance's writes and every other
// instance's. No answer carries personal data: a project's summary leaves out its request and its lists of
// organisations and experts, a draw's its sealed box and who ran it.
import { reaches, type ListReach } from '../auth/policy.js';
import { draws, type DrawRecord, type DrawState } from '../records/draws.js';
import { projects, type ProjectRecord, type ProjectState } from '../records/projects.js';
import type { Store } from '../store/store.js';
import { catchingUp } from './catch-up.js';
import type { LogIndex } from './log-index.js';
import { SortedIndex, type Page, type SortKey } from './sorted-index.js';

export interface ProjectSummary {
  readonly id: string;
  readonly name: string | null;
  readonly venue: string | null;
  readonly site: string | null;
  readonly tenderer: string;
  readonly agency: string | null;
  readonly region: string;
  readonly bidOpeningAt: string;
  readonly drawAt: string;
  readonly leadTimeMinutes: number;
  readonly state: ProjectState;
  readonly drawId: string | null;
  readonly groups: ReadonlyArray<{ specialty: string; count: number }>;
  readonly revision: number;
  readonly updatedAt: string;
}

export type DrawSummary = Omit<DrawRecord, 'sealed' | 'by' | 'policy' | 'historyUpTo' | 'sealedWitnessReveals'>;

/** Filters shared by both listings. `site`: a site's resources; null: the centre's own; absent: every owner's. */
interface Common<S> {
  readonly states?: ReadonlySet<S>;
  readonly from?: string;
  readonly to?: string;
  readonly site?: string | null;
  readonly after: SortKey | null;
  readonly limit: number;
}
export type ProjectQuery = Common<ProjectState> & {
  readonly tenderer?: string;
  /** Only what waits for an operator: missed and failed projects, and drawn ones with seats left unfilled before their opening. */
  readonly needsDecision?: boolean;
};

/** The states that wait for an operator to postpone or cancel. */
const DECISION_STATES: ReadonlySet<ProjectState> = new Set(['missed', 'failed']);
export type DrawQuery = Common<DrawState>;

function projectSummary(p: ProjectRecord): ProjectSummary {
  return {
    id: p.project.id,
    name: p.name,
    venue: p.venue,
    site: p.site ?? null,
    tenderer: p.project.tenderer,
    agency: p.project.agency,
    region: p.project.region,
    bidOpeningAt: p.project.bidOpeningAt,
    drawAt: p.drawAt,
    leadTimeMinutes: p.leadTimeMinutes,
    state: p.state,
    drawId: p.drawId,
    groups: p.request.groups.map((g) => ({ specialty: g.specialty, count: g.count })),
    revision: p.revision,
    updatedAt: p.updatedAt,
  };
}

function drawSummary(d: DrawRecord): DrawSummary {
  const { sealed: _sealed, by: _by, policy: _policy, historyUpTo: _upTo, sealedWitnessReveals: _reveals, ...rest } = d;
  return rest;
}

/** Records read per store round trip. */
const SLICE = 1000;

export class ListingService {
  private readonly projects = new SortedIndex<ProjectSummary>();
  private readonly draws = new SortedIndex<DrawSummary>();
  /** Ids the log named since their records were last read. */
  private readonly stale = { projects: new Set<string>(), draws: new Set<string>() };
  /** Brings both listings up to the log as it is when called. */
  readonly sync: () => Promise<void>;

  constructor(
    private readonly store: Pick<Store, 'getRecords'>,
    private readonly log: LogIndex,
    private readonly now: () => number = Date.now,
  ) {
    log.onRead((touched) => {
      for (const id of touched.projects) this.stale.projects.add(id);
      for (const id of touched.draws) this.stale.draws.add(id);
    });
    this.sync = catchingUp(() => this.refresh());
  }

  async listProjects(q: ProjectQuery, reach: ListReach): Promise<Page<ProjectSummary & { readonly unfilledSeats: number }>> {
    await this.sync();
    const owner = ownerFilter(reach, q.site);
    const now = this.now();
    const waits = (p: ProjectSummary) => DECISION_STATES.has(p.state) || this.unfilledBeforeOpening(p, now);
    const page = this.projects.page({
      ...q,
      match: (p) => owner(p.site) && (q.states === undefined || q.states.has(p.state)) && (q.tenderer === undefined || p.tenderer === q.tenderer) && (!q.needsDecision || waits(p)),
    });
    return { ...page, items: page.items.map((p) => ({ ...p, unfilledSeats: this.unfilled(p) })) };
  }

  private unfilled(p: ProjectSummary): number {
    return p.state === 'drawn' && p.drawId !== null ? this.log.unfilledSeats(p.drawId) : 0;
  }

  /**
   * Seats left unfilled are the operator's until the opening (cancel, or seat someone by other means); after it, the
   * evaluation is under way and nothing asks any more.
   */
  private unfilledBeforeOpening(p: ProjectSummary, now: number): boolean {
    return Date.parse(p.bidOpeningAt) > now && this.unfilled(p) > 0;
  }

  /**
   * The projects waiting for an operator's decision, by why: missed (the service was down at the draw time), failed,
   * or drawn with seats left unfilled before the opening. What the metrics tell monitoring (docs/operations.md).
   */
  async awaitingDecision(): Promise<{ readonly missed: number; readonly failed: number; readonly unfilled: number }> {
    await this.sync();
    const now = this.now();
    return {
      missed: this.projects.count((p) => p.state === 'missed'),
      failed: this.projects.count((p) => p.state === 'failed'),
      unfilled: this.projects.count((p) => this.unfilledBeforeOpening(p, now)),
    };
  }

  async listDraws(q: DrawQuery, reach: ListReach): Promise<Page<DrawSummary>> {
    await this.sync();
    const owner = ownerFilter(reach, q.site);
    return this.draws.page({ ...q, match: (d) => owner(d.site ?? null) && (q.states === undefined || q.states.has(d.state)) });
  }

  private async refresh(): Promise<void> {
    await this.log.catchUp();
    await this.reread(this.stale.projects, (ids) => projects.readMany(this.store, ids), this.projects, (p) => ({ at: p.drawAt, value: projectSummary(p) }));
    await this.reread(this.stale.draws, (ids) => draws.readMany(this.store, ids), this.draws, (d) => ({ at: d.createdAt, value: drawSummary(d) }));
  }

  /** Re-reads the stale ids' records into the index; ids that fail to read stay stale for the next refresh. */
  private async reread<R, T>(stale: Set<string>, read: (ids: string[]) => Promise<Array<R | null>>, index: SortedIndex<T>, item: (record: R) => { at: string; value: T }): Promise<void> {
    const ids = [...stale];
    // Taken before the reads: an id the log names again meanwhile is read again next time.
    stale.clear();
    for (let start = 0; start < ids.length; start += SLICE) {
      const slice = ids.slice(start, start + SLICE);
      let records: Array<R | null>;
      try {
        records = await read(slice);
      } catch (err) {
        for (const id of ids.slice(start)) stale.add(id);
        throw err;
      }
      index.apply(slice.map((id, i) => ({ id, item: records[i] ? item(records[i]!) : null })));
    }
  }
}

/** Which owners a listing shows: the policy's reach, narrowed by the `site` filter (which never widens it). */
function ownerFilter(reach: ListReach, site: string | null | undefined): (owner: string | null) => boolean {
  return (owner) => reaches(reach, owner) && (site === undefined || owner === site);
}
